"""Cache the frozen teacher's outputs on the high-quality training set.

    python tools/cache_teacher.py DISTILL_CONFIG --out work_dirs/teacher_cache \
        [--num-augs 4] [--fp16]

Then train with ``model.teacher_cache=work_dirs/teacher_cache`` (and the
``TeacherCacheCheckHook``; see configs/partkd/partkd-cached_*.py). See
``mmpartkd/models/distillers/teacher_cache.py`` for what a cache means with
random augmentation.
"""
import argparse
import time

import numpy as np
import torch
from mmengine.config import DictAction
from mmengine.runner import Runner
from mmengine.utils import ProgressBar

import mmpartkd  # noqa: F401
from mmpartkd.apis import (CACHE_KEYS, cache_fingerprint,
                           innermost_dataset_cfg, load_config, write_cache)
from mmaction.registry import MODELS
from mmpartkd.models.distillers import build_model_cfg


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[1])
    parser.add_argument('config', help='distillation config')
    parser.add_argument('--out', required=True, help='cache directory')
    parser.add_argument('--num-augs', type=int, default=1,
                        help='cached random draws of the pipeline per sample')
    parser.add_argument('--fp16', action='store_true',
                        help='store float16 (half the size)')
    parser.add_argument('--batch-size', type=int, default=64)
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='key=value overrides, e.g. model.teacher_ckpt=')
    return parser.parse_args()


def main():
    args = parse_args()
    if args.num_augs < 1:
        raise SystemExit('--num-augs must be >= 1')
    cfg = load_config(args.config)
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    model_cfg = dict(cfg.model)
    model_cfg['teacher_cache'] = None
    model = MODELS.build(model_cfg).eval()
    dataset_cfg = innermost_dataset_cfg(cfg.train_dataloader.dataset)
    loader = Runner.build_dataloader(
        dict(batch_size=args.batch_size, num_workers=0,
             sampler=dict(type='DefaultSampler', shuffle=False),
             dataset=dataset_cfg))
    n = len(loader.dataset)
    outputs = {k: [] for k in CACHE_KEYS}
    frame_dirs = []
    start = time.time()
    print(f'caching {args.num_augs} view(s) of {n} samples')
    bar = ProgressBar(n * args.num_augs)
    for aug in range(args.num_augs):
        np.random.seed(args.seed + aug)  # each pass: one random draw
        per_aug = {k: [] for k in CACHE_KEYS}
        for batch in loader:
            samples = batch['data_samples']
            if 'hq_inputs' not in samples[0]:
                raise SystemExit('the training pipeline packs no hq_inputs: '
                                 'use CopyHighQuality + PackDistillInputs')
            hq = torch.stack([ds.hq_inputs for ds in samples]).float()
            with torch.no_grad():
                out = model.teacher_forward(hq, samples)
            if 'parts' not in out:
                raise SystemExit('the distiller has no teacher_neck to pool '
                                 'parts with')
            for k in CACHE_KEYS:
                per_aug[k].append(out[k].numpy())
            if aug == 0:
                frame_dirs += [ds.metainfo.get('frame_dir') for ds in samples]
            for _ in samples:
                bar.update()
        for k in CACHE_KEYS:
            outputs[k].append(np.concatenate(per_aug[k]))
    print()
    dtype = np.float16 if args.fp16 else np.float32
    arrays = {k: np.stack(v, axis=1).astype(dtype) for k, v in outputs.items()}
    meta = dict(
        fingerprint=cache_fingerprint(model.teacher_ckpt, dataset_cfg,
                                      build_model_cfg(cfg.model.teacher,
                                                      'teacher')),
        part_block=model.part_block, num_augs=args.num_augs, seed=args.seed,
        dtype=np.dtype(dtype).name,
        shapes={k: list(v.shape) for k, v in arrays.items()},
        frame_dirs=frame_dirs, config=args.config)
    write_cache(args.out, arrays, meta)
    size = sum(v.nbytes for v in arrays.values()) / 2**20
    print(f'wrote {args.out}: {n} samples x {args.num_augs} view(s), '
          f'{size:.1f} MiB {meta["dtype"]}, {time.time() - start:.0f}s')


if __name__ == '__main__':
    main()
