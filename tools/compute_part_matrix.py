"""Compute the action-specific part matrix from a trained teacher.

    python tools/compute_part_matrix.py TEACHER_CONFIG TEACHER_CKPT \
        --out work_dirs/part_matrix/part_matrix.npy \
        [--method motion|occlusion|gradient|probe] [--score synthetic]

Writes the ``(K, P)`` matrix (.npy), a heatmap (.png) and a JSON sidecar
(the method, its per-class scores and, with ``--score``, how right the
matrix is) side by side. The methods are described in
docs/method.md#part-matrix; the default is the one that scores best on the
synthetic data's known moving parts.
"""
import argparse
import json
import pickle

import numpy as np

import mmpartkd  # noqa: F401
from mmpartkd.apis import (DEFAULT_PART_MATRIX_METHOD, PART_MATRIX_METHODS,
                           build_eval_dataloader, init_recognizer,
                           innermost_dataset_cfg, load_config,
                           measure_part_matrix, moving_part_mask,
                           save_part_matrix, score_part_matrix)
from mmpartkd.apis.part_matrix import OCCLUSION_FILLS
from mmpartkd.datasets.synthetic import SYNTHETIC_CLASS_PARTS
from mmpartkd.models.necks import PartPoolNeck


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('config', help='teacher config')
    parser.add_argument('checkpoint', help='teacher checkpoint')
    parser.add_argument('--out', required=True, help='output .npy path')
    parser.add_argument(
        '--method', choices=PART_MATRIX_METHODS,
        default=DEFAULT_PART_MATRIX_METHOD,
        help='how to measure it (default: %(default)s): motion = how much '
        'each part moves in the class\'s inputs; occlusion = the fall of the '
        'teacher\'s true-class log-probability when the part is removed; '
        'gradient = its first-order estimate; probe = a linear probe per '
        'part on the teacher\'s pooled part features')
    parser.add_argument('--split', help='split to measure on (default: the '
                        "config's training split)")
    parser.add_argument('--layout', help='layout whose parts are used '
                        '(default: the backbone graph layout)')
    norm = parser.add_mutually_exclusive_group()
    norm.add_argument(
        '--temperature', type=float,
        help='row temperature (default: 0.5, 0.1 for probe)')
    norm.add_argument('--top-m', type=int,
                      help='weight 1/m on the m best parts of each class')
    parser.add_argument(
        '--contrast', action=argparse.BooleanOptionalAction,
        help='divide each part\'s class scores by their mean over the '
        'classes (default: on for occlusion and gradient, off for motion)')
    parser.add_argument('--fill', choices=OCCLUSION_FILLS,
                        default='reference',
                        help='what replaces a removed part (occlusion)')
    parser.add_argument(
        '--part-block', type=int,
        help='probe: pool the output of backbone block backbone.gcn[N] (the '
        'distiller\'s part_block) instead of the backbone output; the other '
        'methods measure the input and ignore it')
    parser.add_argument('--folds', type=int, default=2, help='probe')
    parser.add_argument('--probe-iters', type=int, default=100, help='probe')
    parser.add_argument('--seed', type=int, default=0, help='probe')
    parser.add_argument(
        '--score', metavar='synthetic|FILE.json',
        help='score the matrix against the parts each class moves: '
        '"synthetic" (the generator\'s ground truth) or a JSON file '
        '{class: [part, ...]}; prints hit@1 and mass next to a uniform '
        'matrix\'s and writes them into the JSON sidecar')
    parser.add_argument('--batch-size', type=int, default=64)
    return parser.parse_args()


def load_class_parts(spec: str) -> dict:
    if spec == 'synthetic':
        return SYNTHETIC_CLASS_PARTS
    with open(spec) as f:
        return json.load(f)


def main():
    args = parse_args()
    cfg = load_config(args.config)
    model = init_recognizer(cfg, args.checkpoint)
    num_classes = model.cls_head.num_classes
    layout = args.layout or cfg.model.backbone.graph_cfg.layout
    neck = PartPoolNeck(
        in_channels=model.cls_head.in_channels, layout=layout,
        out_channels=None)  # no projection: in_channels is not used
    train_ds = innermost_dataset_cfg(cfg.train_dataloader.dataset)
    split = args.split or train_ds.get('split')
    with open(train_ds['ann_file'], 'rb') as f:
        classes = pickle.load(f).get('classes')
    class_names = list(classes) if classes else [
        str(k) for k in range(num_classes)]
    moving = moving_part_mask(load_class_parts(args.score), class_names,
                              neck.part_names) if args.score else None
    loader = build_eval_dataloader(cfg, split=split,
                                   batch_size=args.batch_size)
    print(f'measuring the {neck.num_parts}-part matrix by {args.method} on '
          f'{len(loader.dataset)} "{split}" samples')
    matrix, scores, used = measure_part_matrix(
        model, loader, neck, args.method, contrast=args.contrast,
        temperature=args.temperature, top_m=args.top_m, fill=args.fill,
        part_block=args.part_block, folds=args.folds,
        probe_iters=args.probe_iters, seed=args.seed)
    meta = dict(config=args.config, checkpoint=args.checkpoint, split=split,
                layout=neck.layout.name, **used)
    if moving is not None:
        uniform = np.full_like(matrix, 1. / matrix.shape[1])
        meta.update(score_against=args.score,
                    score=score_part_matrix(matrix, moving),
                    uniform_score=score_part_matrix(uniform, moving))
    paths = save_part_matrix(
        args.out, matrix, scores, class_names, neck.part_names, meta=meta,
        scores_name='probe_accuracy' if args.method == 'probe' else
        f'{args.method}_scores')
    np.set_printoptions(precision=3, suppress=True)
    print(f'per-class {args.method} scores (rows: classes, cols: '
          f'{neck.part_names}):\n{scores}\npart matrix:\n{matrix}')
    if moving is not None:
        for name in ('score', 'uniform_score'):
            s = meta[name]
            print(f'{args.method if name == "score" else "uniform":>9}: '
                  f'hit@1 {s["hits"]}/{s["num_classes"]}, '
                  f'mass {s["mass"]:.3f}')
    print('wrote ' + ', '.join(paths.values()))


if __name__ == '__main__':
    main()
