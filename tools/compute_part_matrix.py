"""Compute the action-specific part matrix from a trained teacher.

    python tools/compute_part_matrix.py TEACHER_CONFIG TEACHER_CKPT \
        --out work_dirs/part_matrix/part_matrix.npy [--temperature 0.1 | --top-m 2]

Writes the ``(K, P)`` matrix (.npy), a heatmap (.png) and the raw per-class
probe accuracies (.json) side by side.
"""
import argparse
import pickle

import numpy as np

import mmpartkd  # noqa: F401
from mmpartkd.apis import (build_eval_dataloader, extract_part_features,
                           init_recognizer, innermost_dataset_cfg,
                           load_config, normalize_part_matrix,
                           probe_part_accuracy, save_part_matrix)
from mmpartkd.models.necks import PartPoolNeck


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[1])
    parser.add_argument('config', help='teacher config')
    parser.add_argument('checkpoint', help='teacher checkpoint')
    parser.add_argument('--out', required=True, help='output .npy path')
    parser.add_argument('--split', help='split to measure on (default: the '
                        "config's training split)")
    parser.add_argument('--layout', help='layout whose parts are pooled '
                        '(default: the backbone graph layout)')
    norm = parser.add_mutually_exclusive_group()
    norm.add_argument('--temperature', type=float, default=0.1)
    norm.add_argument('--top-m', type=int)
    parser.add_argument(
        '--part-block', type=int,
        help='pool the output of backbone block backbone.gcn[N] (the '
        'distiller\'s part_block) instead of the backbone output')
    parser.add_argument('--folds', type=int, default=2)
    parser.add_argument('--probe-iters', type=int, default=100)
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--batch-size', type=int, default=64)
    return parser.parse_args()


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
    loader = build_eval_dataloader(cfg, split=split,
                                   batch_size=args.batch_size)
    print(f'extracting {neck.num_parts} part features of '
          f'{len(loader.dataset)} "{split}" samples')
    feats, labels = extract_part_features(model, neck, loader,
                                          part_block=args.part_block)
    acc = probe_part_accuracy(feats, labels, num_classes, folds=args.folds,
                              epochs=args.probe_iters, seed=args.seed)
    matrix = normalize_part_matrix(
        acc, temperature=None if args.top_m else args.temperature,
        top_m=args.top_m)
    with open(train_ds['ann_file'], 'rb') as f:
        classes = pickle.load(f).get('classes')
    class_names = list(classes) if classes else [
        str(k) for k in range(num_classes)]
    paths = save_part_matrix(
        args.out, matrix, acc, class_names, neck.part_names,
        meta=dict(config=args.config, checkpoint=args.checkpoint,
                  split=split, layout=neck.layout.name,
                  temperature=None if args.top_m else args.temperature,
                  top_m=args.top_m, folds=args.folds,
                  part_block=args.part_block))
    np.set_printoptions(precision=2, suppress=True)
    print('per-class probe accuracy (rows: classes, cols: '
          f'{neck.part_names}):\n{acc}')
    print('wrote ' + ', '.join(paths.values()))


if __name__ == '__main__':
    main()
