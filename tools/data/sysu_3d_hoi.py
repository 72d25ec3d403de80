"""Convert SYSU 3D HOI skeleton text files to a ``kinect_v1`` layout
``PoseDataset`` pickle with the two standard settings.

    python tools/data/sysu_3d_hoi.py data/sysu_3d_hoi/skeleton \\
        --out data/sysu_3d_hoi/sysu_3d_hoi.pkl [--seed 0] [--num-splits 30]

The raw layout this reader assumes (subject/action in the path, 20 joints x
(x, y, z) per frame) is documented in tools/data/README.md and in
mmpartkd/datasets/converters/sysu_3d_hoi.py.
"""
from mmpartkd.datasets.converters import converter_parser, run_converter
from mmpartkd.datasets.converters.sysu_3d_hoi import convert_sysu_3d_hoi


def parse_args(argv=None):
    parser = converter_parser('SYSU 3D HOI skeletons -> PoseDataset pickle')
    parser.add_argument('data_root', help='folder of skeleton files')
    parser.add_argument('--out', dest='out_file',
                        default='data/sysu_3d_hoi/sysu_3d_hoi.pkl')
    parser.add_argument('--seed', type=int, default=0,
                        help='seed of the random splits')
    parser.add_argument(
        '--num-splits', type=int, default=1,
        help='random splits per setting (the literature averages 30)')
    parser.add_argument(
        '--pattern',
        help='regular expression with named groups "subject" and "action", '
        'searched in each file path relative to data_root')
    parser.add_argument('--suffix', dest='suffixes', nargs='+',
                        default=['.txt'],
                        help='file name endings of skeleton files')
    return parser.parse_args(argv)


def main(argv=None):
    run_converter(convert_sysu_3d_hoi, **vars(parse_args(argv)))


if __name__ == '__main__':
    main()
