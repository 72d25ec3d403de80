"""PartKD on the real Penn Action labels: the README's Penn table.

    python tools/benchmarks/penn_action.py [--seeds 0 1 2] [--work-dir work_dirs/penn_action]

Converts ``../shared/data/penn_action/labels`` (never copied into the
repository) if ``data/penn_action/penn_2d.pkl`` is absent, trains the teacher
on every annotated joint, computes the part matrix, then for the mild and the
harsh protocol (configs/_base_/penn_stgcn_tiny.py) trains and tests the
baseline student, logit KD, feature KD and PartKD with every seed, and writes
``results.md`` / ``results.json`` into the work dir (same runner as
``tools/demo.py``).
"""
import os.path as osp
import sys

sys.path.insert(0, osp.dirname(osp.dirname(osp.abspath(__file__))))
from demo import Demo, parse_args  # noqa: E402

LABELS = osp.join('..', 'shared', 'data', 'penn_action', 'labels')
NAME = 'stgcn_1xb32-joint-{}-u32-30e_penn-keypoint-2d.py'


def students(protocol):
    return {
        'baseline': (f'configs/baselines/{NAME.format(protocol)}',
                     'student on low-quality data alone'),
        'logitkd': (f'configs/partkd/logitkd_{NAME.format(protocol)}',
                    'logit KD'),
        'featkd': (f'configs/partkd/featkd_{NAME.format(protocol)}',
                   'feature KD (SKD-style)'),
        'partkd': (f'configs/partkd/partkd_{NAME.format(protocol)}',
                   'PartKD'),
    }


class PennAction(Demo):
    data_file = 'data/penn_action/penn_2d.pkl'
    data_cmd = ['tools/data/penn_action.py', LABELS, '--out', data_file,
                '--no-progress']
    teacher_cfg = 'configs/baselines/' + NAME.replace('-{}', '')
    protocols = {
        p: (f'configs/baselines/{NAME.format(p)}', students(p))
        for p in ('mild', 'harsh')
    }
    title = ('Penn Action (real labels, official split; students: invisible '
             'joints removed, then mild = 50 % drop + jitter 0.02, harsh = '
             '80 % drop + jitter 0.05)')


if __name__ == '__main__':
    args = parse_args(__doc__, work_dir='work_dirs/penn_action',
                      seeds=(0, 1, 2),
                      methods=('baseline', 'logitkd', 'featkd', 'partkd'))
    if not osp.isdir(osp.join(osp.dirname(osp.dirname(
            osp.dirname(osp.abspath(__file__)))), LABELS)):
        sys.exit(f'Penn Action labels not found at {LABELS} (relative to '
                 'the repository root)')
    PennAction(args).main()
