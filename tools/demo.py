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
import json
import os.path as osp
import shutil
import sys

import numpy as np

from mmpartkd.apis.experiment import (Experiment, JobFailed, epoch_options,
                                      kd_methods, parse_experiment_args,
                                      student_jobs, teacher_jobs)
from mmpartkd.apis.part_matrix import moving_part_mask, score_part_matrix
from mmpartkd.datasets.synthetic import SYNTHETIC_CLASS_PARTS

DATA = 'data/synthetic/synthetic_3d.pkl'
TEACHER = 'configs/baselines/stgcn-q_1xb32-joint-u32-30e_synthetic-xsub-keypoint-3d.py'  # noqa: E501
LQ = 'joint-lq-u32-30e_synthetic-xsub-keypoint-3d.py'
BASELINE = f'configs/baselines/stgcn-q_1xb32-{LQ}'

METHODS = kd_methods(f'stgcn-q_1xb32-{LQ}', {
    'logitkd-w025': 'logit KD, weight 0.25',
    'partkd-uniform': 'PartKD without the part matrix',
    'partkd-learned': 'PartKD with a learned part matrix',
    'partkd-paired': 'PartKD, paired positives only',
    'partkd-pr50': 'PartKD, 50 % of samples paired',
    'partkd-pr10': 'PartKD, 10 % of samples paired',
})
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
        f'{args.teacher_seed}.', reuse=args.reuse)
    exp.make_data(DATA, 'data/generate_synthetic.py', ['--out', DATA])
    epochs = epoch_options(args.epochs)
    # the teacher, also tested on the students' data, then the students
    jobs = teacher_jobs(TEACHER, args.teacher_seed, epochs, {'': BASELINE}) \
        + student_jobs(METHODS, args.methods, args.seeds, epochs)
    try:
        exp.run(jobs, workers=args.workers)
        note = check_export(exp, f'partkd_seed{args.seeds[0]}') \
            if 'partkd' in args.methods else ''
    except JobFailed as e:
        sys.exit(str(e))
    matrix = osp.join(exp.work_dir, 'part_matrix', 'part_matrix.png')
    if osp.isfile(matrix):
        shutil.copy(matrix, osp.join(exp.work_dir, 'part_matrix.png'))
        note = matrix_scores(matrix[:-len('.png')] + '.json') + '.\n\n' + \
            note
    print('\n' + exp.write_results(note))
    print(f'written: {exp.work_dir}/results.md, results.json, '
          'part_matrix.png')


def matrix_scores(sidecar: str) -> str:
    """hit@1 and mass of the measured part matrix against the parts each
    synthetic class moves (docs/method.md#part-matrix)."""
    with open(sidecar) as f:
        info = json.load(f)
    moving = moving_part_mask(SYNTHETIC_CLASS_PARTS, info['classes'],
                              info['parts'])
    matrix = np.asarray(info['matrix'])
    line = []
    for name, m in ((info.get('method', 'probe'), matrix),
                    ('uniform', np.full_like(matrix, 1. / matrix.shape[1]))):
        s = score_part_matrix(m, moving)
        line.append(f'{name}: hit@1 {s["hits"]}/{s["num_classes"]}, mass '
                    f'{s["mass"]:.2f}')
    return 'Part matrix against the moving parts of each class: ' + \
        '; '.join(line)


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
