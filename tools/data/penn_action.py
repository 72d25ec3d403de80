"""Convert the Penn Action label ``.mat`` files to a 2D ``penn`` layout
``PoseDataset`` pickle with the official train/test split.

    python tools/data/penn_action.py data/penn_action/labels \\
        [--out data/penn_action/penn_2d.pkl] [--zero-invisible]

The default output is the ``ann_file`` of the Penn Action configs
(configs/_base_/datasets/penn_official.py). See tools/data/README.md.
"""
import argparse
import sys
import time

import mmpartkd  # noqa: F401
from mmpartkd.datasets.converters import MalformedFileError
from mmpartkd.datasets.converters.penn_action import convert_penn_action


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Penn Action labels -> PoseDataset pickle')
    parser.add_argument('label_dir', help='the "labels" folder (*.mat)')
    parser.add_argument(
        '--out', default='data/penn_action/penn_2d.pkl',
        help='output pickle (default: the ann_file of the Penn Action '
        'configs)')
    parser.add_argument(
        '--zero-invisible', action='store_true',
        help='set the coordinates of invisible joints to 0 (their '
        'keypoint_score is 0 either way)')
    parser.add_argument('--no-progress', action='store_true')
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    start = time.time()
    try:
        convert_penn_action(
            args.label_dir,
            args.out,
            zero_invisible=args.zero_invisible,
            show_progress=not args.no_progress)
    except (MalformedFileError, FileNotFoundError, ValueError) as e:
        sys.exit(f'error: {e}')
    print(f'done in {time.time() - start:.1f}s')


if __name__ == '__main__':
    main()
