"""IKEM on the synthetic data, end to end, with the real training tools.

    python tools/ikem_pipeline.py [--work-dir work_dirs/ikem_demo]

Runs, each as ``python tools/train.py`` / ``python tools/test.py``:

1. six-modality IKEM teacher pretraining (MoCo, then cross-modal + IKEM);
2. relational cross-modality KD into a joint/motion/bone student;
3. the same student trained with MoCo alone (the baseline);
4. linear evaluation (frozen encoders, fc trained) of the teacher (6
   modalities), the KD student and the MoCo-only student (3 modalities),
   and of randomly initialised encoders as a floor; each tested on its
   LAST checkpoint with ``tools/test.py``;

then prints the table of linear-evaluation top-1 (xsub_val), whether the
teacher collapsed (mean pairwise cosine of its embeddings on xsub_val; the
relational-KD loss against its collapse value log(2K+1)) and writes
``results.md`` / ``results.json`` (:class:`mmpartkd.apis.Experiment`).
"""
import argparse
import json
import os.path as osp
import sys

from mmengine.config import DictAction

from mmpartkd.apis.experiment import CheckpointOf, Experiment, Job, JobFailed
from mmpartkd.apis.ikem_diagnostics import (collapse_report,
                                            format_collapse_report)

CFG = 'configs/ikem'
PRETRAIN = f'{CFG}/ikem-pretrain_stgcn-tiny_1xb32-6m-10e_synthetic-xsub-keypoint-3d.py'
RELCMKD = f'{CFG}/relcmkd_stgcn-tiny_1xb32-3m-4e_synthetic-xsub-keypoint-3d.py'
MOCO3S = f'{CFG}/moco3s_stgcn-tiny_1xb32-3m-4e_synthetic-xsub-keypoint-3d.py'
LINEAR6 = f'{CFG}/linear-eval_stgcn-tiny_1xb32-6m-6e_synthetic-xsub-keypoint-3d.py'
LINEAR3 = f'{CFG}/linear-eval_stgcn-tiny_1xb32-3m-6e_synthetic-xsub-keypoint-3d.py'


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--work-dir', default='work_dirs/ikem_demo')
    parser.add_argument('--ann-file', default='data/synthetic/synthetic_3d.pkl')
    parser.add_argument('--ssl-epochs', type=int, default=None,
                        help='override the SSL epochs (teacher, KD, MoCo)')
    parser.add_argument('--cross-epoch', type=int, default=None,
                        help='override the teacher\'s last independent epoch')
    parser.add_argument('--linear-epochs', type=int, default=None)
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--skip-random', action='store_true',
                        help='skip the random-encoder reference row')
    parser.add_argument(
        '--cfg-options', nargs='+', default=[],
        help='extra key=value overrides applied to every stage')
    return parser.parse_args()


def jobs(args) -> list:
    """Pretraining, KD and MoCo-only, then the linear evaluations."""
    common = {'train_dataloader.dataset.ann_file': args.ann_file}
    for option in args.cfg_options:
        key, _, value = option.partition('=')
        common[key] = value
    ssl = {}
    if args.ssl_epochs is not None:
        ssl = {'train_cfg.max_epochs': args.ssl_epochs,
               'default_hooks.checkpoint.interval': args.ssl_epochs}
    linear = {**common, 'val_dataloader.dataset.ann_file': args.ann_file,
              'test_dataloader.dataset.ann_file': args.ann_file}
    linear_train = {}
    if args.linear_epochs is not None:
        e = args.linear_epochs
        linear_train = {'train_cfg.max_epochs': e, 'train_cfg.val_begin': e,
                        'default_hooks.checkpoint.interval': e}
    teacher = dict(ssl)
    if args.cross_epoch is not None:
        teacher['custom_hooks.0.cross_epoch'] = args.cross_epoch

    def ssl_job(name, config, options, train_options):
        return Job(name, config, args.seed, {**common, **options},
                   train_options, test=False)

    def linear_eval(name, config, row, pretrained=None):
        train_options = dict(linear_train)
        if pretrained:
            train_options['model.pretrained'] = CheckpointOf(pretrained)
        # tested on its LAST checkpoint
        return Job(name, config, args.seed, linear, train_options, row=row)

    students = '(joint+motion+bone)'
    return [
        ssl_job('teacher', PRETRAIN, {}, teacher),
        ssl_job('relcmkd', RELCMKD,
                {'model.teacher_ckpt': CheckpointOf('teacher')}, ssl),
        ssl_job('moco3s', MOCO3S, {}, ssl),
        linear_eval('linear_teacher', LINEAR6, 'IKEM teacher (6 modalities)',
                    'teacher'),
        linear_eval('linear_relcmkd', LINEAR3,
                    f'Relational-KD student {students}', 'relcmkd'),
        linear_eval('linear_moco3s', LINEAR3,
                    f'MoCo-only student {students}', 'moco3s'),
    ] + ([] if args.skip_random else [
        linear_eval('linear_random', LINEAR3,
                    f'Random encoders, no pretraining {students}')])


def teacher_collapse(exp: Experiment, args) -> dict:
    """Teacher embedding spread on xsub_val and the KD loss against its
    collapse value (``mmpartkd.apis.ikem_diagnostics.collapse_report``)."""
    root = exp.root  # configs, data and work dirs are relative to it
    options = {}
    for option in args.cfg_options:
        key, _, value = option.partition('=')
        options[key] = DictAction._parse_iterable(value)
    options['test_dataloader.dataset.ann_file'] = osp.join(root,
                                                           args.ann_file)
    report = collapse_report(
        osp.join(root, PRETRAIN), osp.join(root, exp.checkpoints['teacher']),
        osp.join(root, LINEAR6), osp.join(root, RELCMKD),
        osp.join(root, exp.work_dir, 'relcmkd'), split='xsub_val',
        cfg_options=options)
    with open(osp.join(exp.work_dir, 'teacher_collapse.json'), 'w') as f:
        json.dump(report, f, indent=1)
    return report


def main():
    args = parse_args()
    exp = Experiment(
        args.work_dir, 'IKEM on synthetic data: linear evaluation, top-1 '
        f'(%) on xsub_val, last epoch, seed {args.seed}')
    exp.make_data(args.ann_file, 'data/generate_synthetic.py',
                  ['--out', args.ann_file])
    try:
        exp.run(jobs(args))
    except JobFailed as e:
        sys.exit(str(e))
    note = format_collapse_report(teacher_collapse(exp, args)) + '\n\n'
    print('\n' + exp.write_results(note))


if __name__ == '__main__':
    main()
