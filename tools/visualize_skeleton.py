"""Draw one sample of a config's dataset as the teacher and the student see
it: the high-quality skeleton (``CopyHighQuality``'s copy) beside the
low-quality one, each in its own layout, missing joints marked, parts
coloured by the class's row of the part matrix.

    python tools/visualize_skeleton.py CONFIG --index I [--split train] \\
        [--part-matrix part_matrix.npy] [--frames 6] [--out-dir DIR] \\
        [--name NAME] [--seed 0] [--view 2d|3d] [--sides teacher student] \\
        [--cfg-options KEY=VALUE ...]

writes ``<out-dir>/<name>.png`` (a strip of ``--frames`` frames, teacher
above student) and ``<out-dir>/<name>.gif`` (the clip, side by side). The
sample goes through the split's pipeline up to its formatting
(mmpartkd/visualization/skeleton_plot.py); training-mode transforms draw
from ``--seed``.
"""
import argparse
import os.path as osp

import mmpartkd  # noqa: F401  (registers components, applies compat fixes)
from mmengine.config import DictAction

from mmpartkd.apis import load_config
from mmpartkd.visualization import (animate_skeleton, load_part_matrix_row,
                                    load_skeleton_views, plot_skeleton_strip)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Draw one skeleton sample: teacher vs student view')
    parser.add_argument('config', help='config file (a distillation config '
                        'for the teacher side)')
    parser.add_argument('--index', type=int, required=True,
                        help='sample index in the split')
    parser.add_argument('--split', choices=('train', 'val', 'test'),
                        default='train', help='which dataloader (default: '
                        'train, the one with the teacher\'s copy)')
    parser.add_argument('--sides', nargs='+', choices=('teacher', 'student'),
                        default=['teacher', 'student'])
    parser.add_argument('--part-matrix', metavar='FILE.npy',
                        help='colour parts by the class\'s row of this part '
                        'matrix (default: plain part colours)')
    parser.add_argument('--frames', type=int, default=6,
                        help='frames in the PNG strip')
    parser.add_argument('--gif-frames', type=int,
                        help='frames in the GIF (default: the whole clip)')
    parser.add_argument('--fps', type=int, default=8)
    parser.add_argument('--view', choices=('2d', '3d'), default='2d',
                        help='3D data as its (x, y) projection or in 3D')
    parser.add_argument('--out-dir', default='work_dirs/visualize_skeleton')
    parser.add_argument('--name', help='output file name without extension '
                        '(default: <config name>_<split><index>)')
    parser.add_argument('--seed', type=int, default=0,
                        help='seed of the training-mode transforms')
    parser.add_argument('--dpi', type=int, default=90, help='PNG dpi')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='override config settings')
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    if not osp.isfile(args.config):
        raise FileNotFoundError(f'config "{args.config}" not found')
    cfg = load_config(args.config)
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    config_name = osp.basename(args.config)
    views, meta = load_skeleton_views(cfg, args.index, args.split,
                                      args.sides, args.seed, config_name)
    weights = load_part_matrix_row(args.part_matrix, meta['label'],
                                   meta['class_name']) \
        if args.part_matrix else None
    title = (f'{meta["class_name"]} - {args.split} sample {args.index} '
             f'("{meta["frame_dir"]}")')
    sides = ' vs '.join(v.name.split(':')[0] for v in views)
    name = args.name or (f'{osp.splitext(config_name)[0]}_{args.split}'
                         f'{args.index}')
    png = osp.join(args.out_dir, f'{name}.png')
    gif = osp.join(args.out_dir, f'{name}.gif')
    view3d = args.view == '3d'
    plot_skeleton_strip(views, png, args.frames, weights,
                        f'{title}: {sides} (top to bottom)', view3d,
                        dpi=args.dpi)
    n = animate_skeleton(views, gif, args.gif_frames, weights,
                         f'{title}\n{sides} (left to right)', view3d,
                         fps=args.fps)
    print(f'{meta["class_name"]} ({args.split} sample {args.index}): wrote '
          f'{png} and {gif} ({n} frames)')


if __name__ == '__main__':
    main()
