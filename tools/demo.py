"""The mmpartkd demo: PartKD on the embedded synthetic low-quality task.

    python tools/demo.py --work-dir work_dirs/demo      # make demo (15 epochs)
    python tools/demo.py --seeds 0 1 2 --methods all --epochs 30 \
        --work-dir work_dirs/synthetic_table

Generates the synthetic data, trains the teacher on clean skeletons, then
the students on low-quality skeletons (baseline, logit KD, PartKD, ...; a
PartKD config's part matrix is measured from the teacher first), tests every
model with the real ``tools/test.py`` on the low-quality validation split
(last checkpoint, not the best), checks that the exported PartKD student
scores the same with the plain student config, and writes ``results.md`` /
``results.json`` plus the part-matrix heatmap into the work dir
(:class:`mmpartkd.apis.Experiment`; every tool's log is under
``WORK_DIR/logs``).
"""
import os.path as osp
import shutil
import sys

from mmpartkd.apis.experiment import (REPO_ROOT, CheckpointOf, Experiment,
                                      Job, JobFailed, Method, epoch_options,
                                      parse_experiment_args, student_jobs)

DATA = 'data/synthetic/synthetic_3d.pkl'
TEACHER = 'configs/baselines/stgcn-q_1xb32-joint-u32-30e_synthetic-xsub-keypoint-3d.py'  # noqa: E501
LQ = 'joint-lq-u32-30e_synthetic-xsub-keypoint-3d.py'
BASELINE = f'configs/baselines/stgcn-q_1xb32-{LQ}'


METHODS = {
    'baseline': Method(BASELINE, 'student on low-quality data alone',
                       distill=False),
    'logitkd': Method(f'configs/partkd/logitkd_stgcn-q_1xb32-{LQ}', 'logit KD'),
    'logitkd-w025': Method(f'configs/partkd/logitkd-w025_stgcn-q_1xb32-{LQ}',
                           'logit KD, weight 0.25'),
    'featkd': Method(f'configs/partkd/featkd_stgcn-q_1xb32-{LQ}',
                     'feature KD (SKD-style)'),
    'partkd': Method(f'configs/partkd/partkd_stgcn-q_1xb32-{LQ}', 'PartKD'),
    'partkd-uniform': Method(f'configs/partkd/partkd-uniform_stgcn-q_1xb32-{LQ}',
                             'PartKD without the part matrix'),
    'partkd-learned': Method(f'configs/partkd/partkd-learned_stgcn-q_1xb32-{LQ}',
                             'PartKD with a learned part matrix'),
    'partkd-paired': Method(f'configs/partkd/partkd-paired_stgcn-q_1xb32-{LQ}',
                            'PartKD, paired positives only'),
    'partkd-pr50': Method(f'configs/partkd/partkd-pr50_stgcn-q_1xb32-{LQ}',
                          'PartKD, 50 % of samples paired'),
    'partkd-pr10': Method(f'configs/partkd/partkd-pr10_stgcn-q_1xb32-{LQ}',
                          'PartKD, 10 % of samples paired'),
}
DEFAULT_METHODS = ('baseline', 'logitkd', 'partkd')


def main() -> None:
    # 15 epochs instead of the configs' 30 keep `make demo` under 10 minutes
    # on 2 CPU cores; pass --epochs 30 for the configs' schedule.
    args = parse_experiment_args(__doc__, 'work_dirs/demo', seeds=(0, ),
                                 methods=DEFAULT_METHODS, known=METHODS,
                                 epochs=15)
    exp = Experiment(
        args.work_dir,
        'Synthetic low-quality task (60 % joint drop, jitter 0.05, one limb '
        'occluded in half the samples), top-1 on the low-quality validation '
        f'split at the last epoch; students seeds {args.seeds}, teacher seed '
        f'{args.teacher_seed}.')
    if not osp.isfile(osp.join(REPO_ROOT, DATA)):
        exp.tool('generate_data', 'data/generate_synthetic.py',
                 ['--out', DATA])
    epochs = epoch_options(args.epochs)
    jobs = [
        Job('teacher', TEACHER, args.teacher_seed, train_options=epochs,
            row='teacher (clean val)'),
        # the students' architecture and data: the teacher on their input
        Job('teacher_lq', BASELINE, train=False,
            checkpoint=CheckpointOf('teacher'),
            row='teacher (low-quality val)'),
    ] + student_jobs(METHODS, args.methods, args.seeds, epochs)
    try:
        exp.run(jobs)
        note = check_export(exp, f'partkd_seed{args.seeds[0]}') \
            if 'partkd' in args.methods else ''
    except JobFailed as e:
        sys.exit(str(e))
    matrix = osp.join(exp.work_dir, 'part_matrix', 'part_matrix.png')
    if osp.isfile(matrix):
        shutil.copy(matrix, osp.join(exp.work_dir, 'part_matrix.png'))
    print('\n' + exp.write_results(note))
    print(f'written: {exp.work_dir}/results.md, results.json, '
          'part_matrix.png')


def check_export(exp: Experiment, job: str) -> str:
    """The exported student alone scores what the distiller scored."""
    out = osp.join(exp.work_dir, 'partkd_student.pth')
    record = exp.job_records[job]
    exp.tool('export_student', 'export_student.py',
             [record['config'], record['checkpoint'], '--out', out])
    plain = exp.test('partkd_exported', BASELINE, out, {})['acc/top1']
    distilled = record['metrics']['acc/top1']
    if abs(plain - distilled) > 1e-9:
        raise JobFailed(f'the exported student scores {plain}, the '
                        f'distiller {distilled}')
    return (f'Exported PartKD student: `{out}`, top-1 {100 * plain:.1f} with '
            'the plain student config, as the distiller.\n\n')


if __name__ == '__main__':
    main()
