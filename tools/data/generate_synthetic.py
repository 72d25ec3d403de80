"""Write the embedded default dataset (procedural ``nturgb+d`` skeletons).

    python tools/data/generate_synthetic.py --out data/synthetic/synthetic_3d.pkl
"""
import argparse
import time

from mmpartkd.datasets.synthetic import (SYNTHETIC_CLASSES,
                                         generate_synthetic_dataset)
from mmpartkd.utils import atomic_dump_pickle


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--out', default='data/synthetic/synthetic_3d.pkl')
    parser.add_argument('--num-subjects', type=int, default=40)
    parser.add_argument('--samples-per-class', type=int, default=2)
    parser.add_argument('--min-frames', type=int, default=48)
    parser.add_argument('--max-frames', type=int, default=80)
    parser.add_argument('--seed', type=int, default=0)
    args = parser.parse_args()
    start = time.time()
    data = generate_synthetic_dataset(
        num_subjects=args.num_subjects,
        samples_per_class=args.samples_per_class,
        num_frames=(args.min_frames, args.max_frames),
        seed=args.seed)
    atomic_dump_pickle(data, args.out)
    split = {k: len(v) for k, v in data['split'].items()}
    print(f'wrote {args.out}: {len(data["annotations"])} samples, '
          f'{len(SYNTHETIC_CLASSES)} classes, splits {split} '
          f'in {time.time() - start:.1f}s')


if __name__ == '__main__':
    main()
