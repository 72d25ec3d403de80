"""Accuracy of trained skeleton recognizers under a grid of corruptions.

    python tools/robustness.py --models CFG_A CKPT_A --models CFG_B CKPT_B \\
        --names baseline partkd --out-dir work_dirs/robustness

writes ``robustness.csv`` (one row per model x corruption x severity) and
``robustness.png`` (accuracy vs severity, one panel per corruption family,
one line per model). Families: joint_drop (probability), part_occlusion
(each body part of the layout), temporal_occlusion (frames), jitter (sigma,
x bbox diagonal), frame_rate (reduction factor). Corruptions use
``test_mode=True`` transforms inserted into the test pipeline after
PreNormalize3D/PreNormalize2D (see mmpartkd/evaluation/robustness.py).
``--clean-base`` first removes the corruptions a config's test pipeline
already has (a low-quality student's), so that all models see clean data
plus the grid's corruption. ``--plot-only CSV`` re-draws the plot from a
CSV.
"""
import argparse
import os.path as osp
import sys

import mmpartkd  # noqa: F401
from mmengine.config import Config, DictAction
from mmpartkd.evaluation.robustness import (FAMILIES, default_grid,
                                            evaluate_robustness, find_layout,
                                            plot_robustness, read_csv,
                                            write_csv)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Robustness of skeleton recognizers to corruptions')
    parser.add_argument('--models', nargs=2, action='append',
                        metavar=('CONFIG', 'CHECKPOINT'),
                        help='a model to evaluate (repeat for several)')
    parser.add_argument('--names', nargs='+',
                        help='model names for the table and legend')
    parser.add_argument('--out-dir', default='work_dirs/robustness')
    parser.add_argument('--families', nargs='+', choices=list(FAMILIES),
                        help='corruption families (default: all)')
    parser.add_argument('--joint-drop', nargs='+', type=float)
    parser.add_argument('--parts', nargs='+',
                        help='parts to occlude (default: every part)')
    parser.add_argument('--temporal', nargs='+', type=int,
                        help='temporal occlusion lengths in frames')
    parser.add_argument('--jitter', nargs='+', type=float)
    parser.add_argument('--frame-rate', nargs='+', type=int,
                        help='frame-rate reduction factors')
    parser.add_argument('--layout',
                        help='layout at the corruption point (default: '
                        'found from the pipeline / model graph_cfg)')
    parser.add_argument('--insert-after',
                        help='insert the corruptions after this transform '
                        'type instead of the default corruption point')
    parser.add_argument(
        '--clean-base', action='store_true',
        help='remove the corruption transforms a config\'s test pipeline '
        'already has (RandomJointDrop, PartOcclusion, TemporalOcclusion, '
        'JointJitter, FrameDrop), so that every model is tested on clean '
        'data plus the grid\'s corruption')
    parser.add_argument('--seed', type=int, default=0,
                        help='seed of the corruption transforms')
    parser.add_argument('--metric', default='top1',
                        help='metric plotted (a column of the CSV)')
    parser.add_argument('--batch-size', type=int)
    parser.add_argument('--num-workers', type=int)
    parser.add_argument('--device', default='cpu')
    parser.add_argument(
        '--cfg-options', nargs='+', action=DictAction,
        help='override settings of every model config, e.g. '
        'test_dataloader.dataset.ann_file=... or the test clip count')
    parser.add_argument('--plot-only', metavar='CSV',
                        help='only re-draw the plot from this CSV')
    args = parser.parse_args(argv)
    if args.plot_only is None and not args.models:
        parser.error('give --models CONFIG CHECKPOINT (or --plot-only CSV)')
    if args.names and len(args.names) != len(args.models or []):
        parser.error(f'{len(args.names)} --names for '
                     f'{len(args.models or [])} --models')
    return args


def main(argv=None):
    args = parse_args(argv)
    png = osp.join(args.out_dir, 'robustness.png')
    if args.plot_only:
        plot_robustness(read_csv(args.plot_only), png, metric=args.metric)
        print(f'wrote {png}')
        return
    severities = {
        k: v
        for k, v in dict(
            joint_drop=args.joint_drop,
            part_occlusion=args.parts,
            temporal_occlusion=args.temporal,
            jitter=args.jitter,
            frame_rate=args.frame_rate).items() if v is not None
    }
    names = args.names or [
        osp.splitext(osp.basename(cfg))[0] for cfg, _ in args.models
    ]
    rows = []
    for name, (cfg_path, ckpt) in zip(names, args.models):
        cfg = Config.fromfile(cfg_path)
        if args.cfg_options:
            cfg.merge_from_dict(args.cfg_options)
        layout = args.layout
        if layout is None:
            ds = cfg.test_dataloader.dataset
            pipeline = ds.get('pipeline') or ds.get('dataset', {}).get(
                'pipeline')
            layout = find_layout(cfg, pipeline, args.insert_after)
            if layout is None:
                print(f'[{name}] layout unknown: part occlusion skipped '
                      '(pass --layout)')
        grid = default_grid(layout, args.families, severities, args.seed)
        print(f'[{name}] {cfg_path} + {ckpt}: {len(grid)} grid rows')
        try:
            rows += evaluate_robustness(
                cfg, ckpt, grid, name=name, insert_after=args.insert_after,
                device=args.device, batch_size=args.batch_size,
                num_workers=args.num_workers, seed=args.seed,
                strip_low_quality=args.clean_base)
        except (FileNotFoundError, ValueError) as e:
            sys.exit(f'error: {e}')
    csv_path = osp.join(args.out_dir, 'robustness.csv')
    write_csv(rows, csv_path)
    plot_robustness(rows, png, metric=args.metric)
    print(f'wrote {csv_path} and {png}')


if __name__ == '__main__':
    main()
