"""PartKD across heterogeneous skeletons: the teacher and the student use
different joint sets (issue #10, configs/partkd/README.md).

    python tools/benchmarks/heterogeneous.py --task ntu25-kinect20 \
        [--seeds 0 1 2] [--epochs 15] [--methods baseline partkd ...] \
        [--teacher-ckpt PATH] [--reuse]

Tasks (one command each; work dir ``work_dirs/heterogeneous/<task>``):

* ``ntu25-kinect20``: the synthetic teacher on the 25 nturgb+d joints, the
  students on the 20 Kinect v1 joints of the same samples (``ConvertLayout``)
  under the synthetic low-quality protocol; 15 epochs by default (the
  demo's).
* ``3d-2d``: the same teacher, the students on the 2D projection
  (``ProjectTo2D``) under the same protocol; 15 epochs.
* ``penn-9j``: the Penn Action teacher on its 13 joints, the students on 9
  (no elbows, no knees: an inline layout) under the "harsh" protocol; 20
  epochs, like ``tools/benchmarks/penn_action.py``.

Makes the data if absent (the synthetic set with the demo's data tool; Penn
Action from ``../shared/data/penn_action/labels``, never copied into the
repository), trains the teacher (or tests the one given by
``--teacher-ckpt``), then trains and tests every method with every seed:
the corruption-only student, logit KD, feature KD, PartKD and PartKD +
feature KD, each KD method also with 10 % of the samples paired
(``<method>-pr10``). PartKD's part matrix is measured from the teacher.
``--methods`` also takes the PartKD ablations of ``ABLATIONS``.
Writes ``results.md`` / ``results.json`` into the work dir
(:class:`mmpartkd.apis.Experiment`, the runner of ``tools/demo.py``).
"""
import os.path as osp
import sys
from typing import Dict, NamedTuple

from mmpartkd.apis.experiment import (PARTKD_VARIANTS, Experiment, Job,
                                      JobFailed, Method, epoch_options,
                                      kd_methods, paired_variants,
                                      parse_experiment_args,
                                      penn_labels_missing, student_jobs,
                                      teacher_jobs, variant_methods)

SYNTHETIC_DATA = 'data/synthetic/synthetic_3d.pkl'
SYNTHETIC_PROTOCOL = ('60 % joint drop, jitter 0.05, one limb occluded in '
                      'half the samples')


class Task(NamedTuple):
    """A heterogeneous comparison: the students' config name (baseline in
    ``configs/baselines/``, KD methods ``configs/partkd/<method>_<name>``),
    the teacher's config, the default epochs and the results' title."""
    name: str
    teacher: str
    epochs: int
    title: str


TASKS = {
    'ntu25-kinect20': Task(
        'stgcn-q_1xb32-joint-lq-kinectv1-u32-30e_synthetic-xsub-keypoint-3d.py',  # noqa: E501
        'configs/baselines/stgcn-q_1xb32-joint-u32-30e_synthetic-xsub-keypoint-3d.py',  # noqa: E501
        15,
        'Synthetic, 25 -> 20 joints: teacher on the 25 clean nturgb+d joints, '
        'students on the 20 Kinect v1 joints with the low-quality protocol '
        f'({SYNTHETIC_PROTOCOL})'),
    '3d-2d': Task(
        'stgcn-q_1xb32-joint-lq-2d-u32-30e_synthetic-xsub-keypoint-2d.py',
        'configs/baselines/stgcn-q_1xb32-joint-u32-30e_synthetic-xsub-keypoint-3d.py',  # noqa: E501
        15,
        'Synthetic, 3D -> 2D: teacher on clean 3D skeletons, students on '
        'their orthographic 2D projection with the low-quality protocol '
        f'({SYNTHETIC_PROTOCOL})'),
    'penn-9j': Task(
        'stgcn-q_1xb32-joint-harsh-9j-u32-30e_penn-official-keypoint-2d.py',
        'configs/baselines/stgcn-q_1xb32-joint-u32-30e_penn-official-keypoint-2d.py',  # noqa: E501
        20,
        'Penn Action, 13 -> 9 joints: teacher on every annotated joint, '
        'students on 9 (no elbows, no knees) with the harsh protocol '
        '(invisible joints removed, 80 % drop, jitter 0.05)'),
}
#: the KD methods, each also run with 10 % of the samples paired
KD_METHODS = ('logitkd', 'featkd', 'partkd', 'partkd-combined')
#: PartKD ablations for "why does the part contrast lose across 3D -> 2D"
#: (issue #14; ``--methods`` only, not run by default)
ABLATIONS = ('partkd-uniform', 'partkd-negw', 'partkd-tau02', 'partkd-w05',
             'partkd-linear', 'partkd-fixedteacher', 'partkd-bank4')


def students(task: str) -> Dict[str, Method]:
    """method -> :class:`Method` of a task's students: the comparison
    (the default ``--methods``), then the ablations."""
    methods = kd_methods(TASKS[task].name,
                         {'partkd-combined': 'PartKD + feature KD'})
    methods.update(paired_variants(methods, KD_METHODS))
    methods.update(variant_methods(methods['partkd'].config,
                                   PARTKD_VARIANTS, ABLATIONS))
    return methods


def make_data(exp: Experiment, task: str) -> None:
    """The task's annotation file, made by the data tools if absent."""
    if task == 'penn-9j':
        missing = penn_labels_missing()
        if missing:
            sys.exit(missing)
        exp.make_penn_data()
    else:  # as tools/demo.py does
        exp.make_data(SYNTHETIC_DATA, 'data/generate_synthetic.py',
                      ['--out', SYNTHETIC_DATA])


def main() -> None:

    def add_arguments(parser):
        parser.add_argument('--task', required=True, choices=list(TASKS))
        parser.add_argument(
            '--teacher-ckpt',
            help='test this teacher checkpoint instead of training one')

    known = list(students('penn-9j'))  # the same names for every task
    comparison = [m for m in known if m not in ABLATIONS]
    args = parse_experiment_args(
        __doc__, None, seeds=(0, 1, 2), methods=comparison, known=known,
        add_arguments=add_arguments)
    task = TASKS[args.task]
    work_dir = args.work_dir or osp.join('work_dirs', 'heterogeneous',
                                         args.task)
    exp = Experiment(
        work_dir,
        f'{task.title}; top-1 on the corrupted test split at the last epoch; '
        f'students seeds {args.seeds}, teacher seed {args.teacher_seed}.',
        reuse=args.reuse)
    make_data(exp, args.task)
    epochs = epoch_options(args.epochs or task.epochs)
    # the teacher cannot be tested on the students' data (another layout)
    if args.teacher_ckpt:
        ckpt = osp.abspath(args.teacher_ckpt)
        exp.checkpoints['teacher'] = ckpt
        jobs = [Job('teacher', task.teacher, train=False, checkpoint=ckpt,
                    row='teacher (clean val)')]
    else:
        jobs = teacher_jobs(task.teacher, args.teacher_seed, epochs, {})
    jobs += student_jobs(students(args.task), args.methods, args.seeds,
                         epochs)
    try:
        exp.run(jobs, workers=args.workers)
    except JobFailed as e:
        sys.exit(str(e))
    print('\n' + exp.write_results())


if __name__ == '__main__':
    main()
