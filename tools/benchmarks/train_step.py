"""Train-step time of PartKD against the student alone, side by side.

    python tools/benchmarks/train_step.py [--sizes synthetic ntu-quarter] [--repeats 15]

For each model size, the same batch goes through one optimisation step of
(a) the student alone (its classification loss), (b) PartKD with the live
teacher, (c) PartKD reading a teacher cache. Steps are interleaved
(a, b, c, a, b, c, ...) so machine noise hits all three alike; the medians
and the ratios to (a) are printed. Goal: (c) / (a) <= 1.10.
"""
import argparse
import statistics
import tempfile
import time

import numpy as np
import torch

import mmpartkd  # noqa: F401
from mmaction.registry import MODELS
from mmaction.utils import register_all_modules
from mmpartkd.apis import file_sha256, write_cache
from mmpartkd.testing import make_distill_batch

# name -> (base_channels, frames, batch)
SIZES = {
    'synthetic': (16, 32, 32),  # configs/_base_/synthetic_stgcn_tiny.py
    'ntu-quarter': (16, 100, 16),  # stock NTU clip and batch, 1/4 width
    'ntu-half': (32, 100, 16),
}


def student_cfg(base_channels, num_classes=10):
    return dict(
        type='RecognizerGCN',
        backbone=dict(type='STGCN', base_channels=base_channels,
                      graph_cfg=dict(layout='nturgb+d',
                                     mode='stgcn_spatial')),
        cls_head=dict(type='GCNHead', num_classes=num_classes,
                      in_channels=4 * base_channels))


def distiller_cfg(base_channels, ckpt, cache=None):
    c = 4 * base_channels
    neck = dict(type='PartPoolNeck', in_channels=c, out_channels=64,
                hidden_channels=128)
    return dict(type='PartKDDistiller', student=student_cfg(base_channels),
                teacher=student_cfg(base_channels), teacher_ckpt=ckpt,
                student_neck=neck, teacher_neck=neck,
                part_head=dict(type='PartContrastHead', num_classes=10,
                               num_parts=6, embed_channels=64, bank_size=32),
                teacher_cache=cache)


def timed_step(model, opt, x, samples):
    t = time.perf_counter()
    losses = model(x, samples, mode='loss')
    loss = sum(v for k, v in losses.items() if k.startswith('loss'))
    opt.zero_grad()
    loss.backward()
    opt.step()
    return time.perf_counter() - t


def bench(name, repeats, warmup, tmp):
    base, frames, batch = SIZES[name]
    labels = [i % 10 for i in range(batch)]
    x, samples = make_distill_batch(labels, frames=frames)
    for i, ds in enumerate(samples):
        ds.set_metainfo(dict(frame_dir=f's{i}', sample_idx=i))
    torch.manual_seed(0)
    ckpt = f'{tmp}/{name}_teacher.pth'
    torch.save(dict(state_dict=MODELS.build(
        student_cfg(base)).state_dict()), ckpt)
    live = MODELS.build(distiller_cfg(base, ckpt)).train()
    hq = torch.stack([ds.hq_inputs for ds in samples])
    out = live.teacher_forward(hq, samples)
    cache = f'{tmp}/{name}_cache'
    write_cache(cache, {k: v.numpy()[:, None] for k, v in out.items()},
                dict(fingerprint=dict(teacher_ckpt=file_sha256(ckpt)), num_augs=1,
                     frame_dirs=[f's{i}' for i in range(batch)]))
    models = dict(
        student=MODELS.build(student_cfg(base)).train(),
        partkd_live=live,
        partkd_cached=MODELS.build(distiller_cfg(base, ckpt,
                                                 cache)).train())
    opts = {k: torch.optim.SGD(m.parameters(), lr=1e-3)
            for k, m in models.items()}
    times = {k: [] for k in models}
    for r in range(warmup + repeats):
        for k, m in models.items():
            dt = timed_step(m, opts[k], x, samples)
            if r >= warmup:
                times[k].append(dt)
    med = {k: statistics.median(v) for k, v in times.items()}
    return dict(size=name, base_channels=base, frames=frames, batch=batch,
                medians=med)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--sizes', nargs='+', default=['synthetic',
                                                       'ntu-quarter'],
                        choices=list(SIZES))
    parser.add_argument('--repeats', type=int, default=15)
    parser.add_argument('--warmup', type=int, default=3)
    args = parser.parse_args()
    register_all_modules(init_default_scope=True)
    print(f'torch {torch.__version__}, {torch.get_num_threads()} threads')
    print('| size (width, T, batch) | student s/step | PartKD live | '
          'PartKD cached | live / student | cached / student |')
    print('|---|---|---|---|---|---|')
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.sizes:
            r = bench(name, args.repeats, args.warmup, tmp)
            m = r['medians']
            print(f"| {name} ({r['base_channels']}, {r['frames']}, "
                  f"{r['batch']}) | {m['student']:.3f} | "
                  f"{m['partkd_live']:.3f} | {m['partkd_cached']:.3f} | "
                  f"{m['partkd_live'] / m['student']:.2f} | "
                  f"{m['partkd_cached'] / m['student']:.2f} |", flush=True)
    print(f'medians of {args.repeats} interleaved steps after '
          f'{args.warmup} warm-up steps')


if __name__ == '__main__':
    np.set_printoptions(precision=3)
    main()
