"""Accuracy of trained skeleton recognizers under a grid of corruptions.

    python tools/robustness.py --models CFG_A CKPT_A --models CFG_B CKPT_B \\
        --names baseline partkd --out-dir work_dirs/robustness

writes ``robustness.csv`` (one row per model x corruption x severity) and
``robustness.png`` (accuracy vs severity, one panel per corruption family,
one line per model). Families: joint_drop (probability), part_occlusion
(each body part of the layout), temporal_occlusion (frames), jitter (sigma,
x bbox diagonal), frame_rate (reduction factor). Corruptions use
``test_mode=True`` transforms inserted into the test pipeline after
PreNormalize3D/PreNormalize2D (see docs/robustness.md and
mmpartkd/evaluation/corruption_grid.py).
``--clean-base`` first removes the corruptions a config's test pipeline
already has (a low-quality student's), so that all models see clean data
plus the grid's corruption. ``--plot-only CSV`` re-draws the plot from a
CSV. ``--launcher pytorch`` (under ``torchrun``) splits every test pass
over the processes.
"""
import argparse
import os
import os.path as osp
import sys

import mmpartkd  # noqa: F401
from mmengine.config import Config, DictAction
from mmengine.dist import init_dist, is_distributed, is_main_process

from mmpartkd.evaluation import (FAMILIES, config_test_pipeline, default_grid,
                                 evaluate_robustness, find_layout, read_csv,
                                 write_csv)
from mmpartkd.utils import setup_cpu_distributed, teardown_distributed
from mmpartkd.visualization import plot_robustness


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
    parser.add_argument('--launcher', default='none',
                        choices=['none', 'pytorch', 'slurm', 'mpi'],
                        help='job launcher (multi-process testing)')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    args = parser.parse_args(argv)
    os.environ.setdefault('LOCAL_RANK', str(args.local_rank))
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
        cfg.launcher = args.launcher
        start_processes(cfg)
        try:
            layout = args.layout or find_layout(
                cfg, config_test_pipeline(cfg), args.insert_after)
            if layout is None:
                log(f'[{name}] layout unknown: part occlusion skipped '
                    '(pass --layout)')
            grid = default_grid(layout, args.families, severities, args.seed)
            log(f'[{name}] {cfg_path} + {ckpt}: {len(grid)} grid rows')
            rows += evaluate_robustness(
                cfg, ckpt, grid, name=name, insert_after=args.insert_after,
                device=args.device, batch_size=args.batch_size,
                num_workers=args.num_workers, seed=args.seed,
                strip_low_quality=args.clean_base)
        except (FileNotFoundError, ValueError) as e:
            sys.exit(f'error: {e}')
    if is_main_process():
        csv_path = osp.join(args.out_dir, 'robustness.csv')
        write_csv(rows, csv_path)
        plot_robustness(rows, png, metric=args.metric)
        print(f'wrote {csv_path} and {png}')
    teardown_distributed()


def start_processes(cfg: Config) -> None:
    """Start the process group of ``cfg.launcher`` now rather than in the
    runner, so that only the main process prints from the first line on."""
    if cfg.launcher == 'none' or is_distributed():
        return
    setup_cpu_distributed(cfg)  # gloo when there is no CUDA
    if not is_distributed():
        init_dist(cfg.launcher,
                  **cfg.get('env_cfg', {}).get('dist_cfg',
                                               dict(backend='nccl')))


def log(line: str) -> None:
    """Print on the main process only."""
    if is_main_process():
        print(line)


if __name__ == '__main__':
    main()
