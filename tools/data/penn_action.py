"""Convert the Penn Action label ``.mat`` files to a 2D ``penn`` layout
``PoseDataset`` pickle with the official train/test split.

    python tools/data/penn_action.py data/penn_action/labels \\
        [--out data/penn_action/penn_2d.pkl] [--zero-invisible]

The default output is the ``ann_file`` of the Penn Action configs
(configs/_base_/datasets/penn_official.py). See tools/data/README.md.
"""
from mmpartkd.datasets.converters import converter_parser, run_converter
from mmpartkd.datasets.converters.penn_action import convert_penn_action


def parse_args(argv=None):
    parser = converter_parser('Penn Action labels -> PoseDataset pickle')
    parser.add_argument('label_dir', help='the "labels" folder (*.mat)')
    parser.add_argument(
        '--out', dest='out_file', default='data/penn_action/penn_2d.pkl',
        help='output pickle (default: the ann_file of the Penn Action '
        'configs)')
    parser.add_argument(
        '--zero-invisible', action='store_true',
        help='set the coordinates of invisible joints to 0 (their '
        'keypoint_score is 0 either way)')
    return parser.parse_args(argv)


def main(argv=None):
    run_converter(convert_penn_action, **vars(parse_args(argv)))


if __name__ == '__main__':
    main()
