"""Convert raw NTU RGB+D 60/120 ``.skeleton`` files to mmaction2
``PoseDataset`` pickles (``ntu60_3d.pkl`` / ``ntu120_3d.pkl``).

    python tools/data/ntu_rgbd.py data/nturgb+d_skeletons \\
        [data/nturgb+d_skeletons_s018_to_s032] --task ntu60 ntu120 \\
        --out-dir data/skeleton [--with-score] [--nproc 2]

See tools/data/README.md.
"""
from mmpartkd.datasets.converters import converter_parser, run_converter
from mmpartkd.datasets.converters.ntu_rgbd import (convert_ntu_rgbd,
                                                   load_ignore_list)


def parse_args(argv=None):
    parser = converter_parser('NTU RGB+D .skeleton files -> PoseDataset pickles')
    parser.add_argument(
        'data_paths', nargs='+',
        help='folder(s) holding .skeleton files (searched recursively)')
    parser.add_argument('--out-dir', default='data/skeleton')
    parser.add_argument(
        '--task', dest='tasks', nargs='+', default=['ntu60'],
        choices=['ntu60', 'ntu120'],
        help='which pickle(s) to write (one pass over the files)')
    group = parser.add_mutually_exclusive_group()
    group.add_argument(
        '--ignore-list',
        help='file of sample names to skip, one per line (default: the '
        'official lists of samples with missing skeletons, built in)')
    group.add_argument(
        '--no-ignore', action='store_true',
        help='keep the samples of the official missing-skeleton lists')
    parser.add_argument(
        '--with-score', action='store_true',
        help='keep the joint tracking state as keypoint_score (0 not '
        'tracked, 0.5 inferred, 1 tracked)')
    parser.add_argument('--max-bodies', type=int, default=2)
    parser.add_argument('--dtype', default='float32',
                        choices=['float32', 'float16'])
    parser.add_argument('--nproc', type=int, default=1,
                        help='parallel reader processes')
    return parser.parse_args(argv)


def main(argv=None):
    options = vars(parse_args(argv))
    ignore_list = options.pop('ignore_list')
    if options.pop('no_ignore'):
        options['ignore'] = ()
    elif ignore_list:
        options['ignore'] = load_ignore_list(ignore_list)
    run_converter(convert_ntu_rgbd, **options)


if __name__ == '__main__':
    main()
