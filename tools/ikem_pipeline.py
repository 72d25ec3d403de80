"""IKEM end to end with the real training tools: synthetic data or Penn Action.

    python tools/ikem_pipeline.py [--work-dir work_dirs/ikem_demo]
    python tools/ikem_pipeline.py --dataset penn --seeds 0 1 2 \
        --work-dir work_dirs/ikem_penn

Runs, each as ``python tools/train.py`` / ``python tools/test.py``:

1. six-modality IKEM teacher pretraining (MoCo, then cross-modal + IKEM);
2. relational cross-modality KD into a joint/motion/bone student;
3. the same student trained with MoCo alone (the baseline);
4. linear evaluation (frozen encoders, fc trained) of the teacher (6
   modalities), the KD student and the MoCo-only student (3 modalities),
   and of randomly initialised encoders as a floor; each tested on its
   LAST checkpoint with ``tools/test.py``;

``--dataset penn`` (real Penn Action labels from ``../shared``, converted
to ``data/penn_action/penn_2d.pkl`` if absent; tested on the official test
split) adds two rows: the linear evaluation of the KD and MoCo-only
students on the harsh low-quality protocol (invisible joints removed, 80 %
dropped, jitter 0.05, before the modalities), and the fully supervised
quarter-width ST-GCN on the joints (the Penn teacher config of
configs/baselines) as a ceiling.

Then prints the table of linear-evaluation top-1 (mean +- std over
``--seeds``), whether each teacher collapsed (mean pairwise cosine of its
embeddings on the evaluation split; the relational-KD loss against its
collapse value log(2K+1)) and writes ``results.md`` / ``results.json``
(:class:`mmpartkd.apis.Experiment`).
"""
import argparse
import json
import os.path as osp
import sys
from typing import List, NamedTuple, Optional

from mmengine.config import DictAction

from mmpartkd.apis.experiment import (PENN_DATA, REPO_ROOT, CheckpointOf,
                                      Experiment, Job, JobFailed,
                                      epoch_options, penn_labels_missing)
from mmpartkd.apis.ikem_diagnostics import (collapse_report,
                                            format_collapse_report)

CFG = 'configs/ikem'


class Recipe(NamedTuple):
    """The configs and data of one dataset's chain."""
    pretrain: str
    relcmkd: str
    moco3s: str
    linear6: str
    linear3: str
    ann_file: str
    split: str  # where the linear evaluations are tested
    title: str
    linear3_lq: Optional[str] = None  # low-quality linear evaluation
    lq_name: str = ''
    supervised: Optional[str] = None  # fully supervised ceiling


SYN = '_synthetic-xsub-keypoint-3d.py'
PENN = '_penn-official-keypoint-2d.py'
RECIPES = {
    'synthetic': Recipe(
        f'{CFG}/ikem-pretrain_stgcn-tiny_1xb32-6m-10e{SYN}',
        f'{CFG}/relcmkd_stgcn-tiny_1xb32-3m-4e{SYN}',
        f'{CFG}/moco3s_stgcn-tiny_1xb32-3m-4e{SYN}',
        f'{CFG}/linear-eval_stgcn-tiny_1xb32-6m-6e{SYN}',
        f'{CFG}/linear-eval_stgcn-tiny_1xb32-3m-6e{SYN}',
        'data/synthetic/synthetic_3d.pkl', 'xsub_val',
        'IKEM on synthetic data: linear evaluation, top-1 (%) on xsub_val'),
    'penn': Recipe(
        f'{CFG}/ikem-pretrain_stgcn-tiny_1xb32-6m-{6}e{PENN}',
        f'{CFG}/relcmkd_stgcn-tiny_1xb32-3m-{3}e{PENN}',
        f'{CFG}/moco3s_stgcn-tiny_1xb32-3m-{3}e{PENN}',
        f'{CFG}/linear-eval_stgcn-tiny_1xb32-6m-{3}e{PENN}',
        f'{CFG}/linear-eval_stgcn-tiny_1xb32-3m-{3}e{PENN}',
        PENN_DATA, 'test',
        'IKEM on Penn Action (official split): linear evaluation, top-1 (%) '
        'on the test split',
        linear3_lq=f'{CFG}/linear-eval_stgcn-tiny_1xb32-3m-harsh-{3}e{PENN}',
        lq_name='harsh (invisible joints removed, 80 % dropped, jitter 0.05)',
        supervised='configs/baselines/'
        'stgcn-q_1xb32-joint-u32-30e_penn-official-keypoint-2d.py'),
}
# the synthetic recipe, under the names earlier code and tests import
PRETRAIN, RELCMKD, MOCO3S, LINEAR6, LINEAR3 = RECIPES['synthetic'][:5]
#: epochs of the Penn supervised ceiling (the config's 30 cut to fit the
#: one-core budget; cosine schedule shortened with it)
PENN_SUPERVISED_EPOCHS = 5


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--dataset', choices=sorted(RECIPES),
                        default='synthetic')
    parser.add_argument('--work-dir', default=None,
                        help='default work_dirs/ikem_demo (synthetic), '
                        'work_dirs/ikem_penn (penn)')
    parser.add_argument('--ann-file', default=None,
                        help='default: the recipe\'s annotation file')
    parser.add_argument('--ssl-epochs', type=int, default=None,
                        help='override the SSL epochs (teacher, KD, MoCo)')
    parser.add_argument('--cross-epoch', type=int, default=None,
                        help='override the teacher\'s last independent epoch')
    parser.add_argument('--linear-epochs', type=int, default=None)
    parser.add_argument('--seeds', '--seed', type=int, nargs='+',
                        default=[0], help='one chain per seed')
    parser.add_argument('--supervised-epochs', type=int,
                        default=PENN_SUPERVISED_EPOCHS,
                        help='penn: epochs of the supervised ceiling')
    parser.add_argument('--skip-random', action='store_true',
                        help='skip the random-encoder reference row')
    parser.add_argument(
        '--cfg-options', nargs='+', default=[],
        help='extra key=value overrides applied to every stage')
    args = parser.parse_args()
    recipe = RECIPES[args.dataset]
    args.recipe = recipe
    args.work_dir = args.work_dir or (
        'work_dirs/ikem_demo' if args.dataset == 'synthetic' else
        'work_dirs/ikem_penn')
    args.ann_file = args.ann_file or recipe.ann_file
    return args


def jobs(args, seed: int, suffix: str = '') -> List[Job]:
    """One seed's chain: pretraining, KD and MoCo-only, then the linear
    evaluations (and, for Penn, the low-quality linear evaluations and the
    supervised ceiling). Job names end with ``suffix``."""
    recipe = args.recipe
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
        return Job(name + suffix, config, seed, {**common, **options},
                   train_options, test=False)

    def linear_eval(name, config, row, pretrained=None):
        train_options = dict(linear_train)
        if pretrained:
            train_options['model.pretrained'] = CheckpointOf(pretrained +
                                                             suffix)
        # tested on its LAST checkpoint
        return Job(name + suffix, config, seed, linear, train_options,
                   row=row)

    students = '(joint+motion+bone)'
    chain = [
        ssl_job('teacher', recipe.pretrain, {}, teacher),
        ssl_job('relcmkd', recipe.relcmkd,
                {'model.teacher_ckpt': CheckpointOf('teacher' + suffix)},
                ssl),
        ssl_job('moco3s', recipe.moco3s, {}, ssl),
        linear_eval('linear_teacher', recipe.linear6,
                    'IKEM teacher (6 modalities)', 'teacher'),
        linear_eval('linear_relcmkd', recipe.linear3,
                    f'Relational-KD student {students}', 'relcmkd'),
        linear_eval('linear_moco3s', recipe.linear3,
                    f'MoCo-only student {students}', 'moco3s'),
    ]
    if not args.skip_random:
        chain.append(linear_eval(
            'linear_random', recipe.linear3,
            f'Random encoders, no pretraining {students}'))
    if recipe.linear3_lq:
        lq = recipe.lq_name
        chain += [
            linear_eval('linear_relcmkd_lq', recipe.linear3_lq,
                        f'{lq}: Relational-KD student {students}', 'relcmkd'),
            linear_eval('linear_moco3s_lq', recipe.linear3_lq,
                        f'{lq}: MoCo-only student {students}', 'moco3s'),
        ]
    if recipe.supervised and args.supervised_epochs:
        train_options = {**epoch_options(args.supervised_epochs),
                         'train_cfg.val_interval': args.supervised_epochs,
                         'default_hooks.checkpoint.interval':
                         args.supervised_epochs}
        chain.append(Job(
            'supervised' + suffix, recipe.supervised, seed, linear,
            train_options, row=f'Fully supervised ST-GCN-q on joints, '
            f'{args.supervised_epochs} epochs (ceiling)'))
    return chain


def teacher_collapse(exp: Experiment, args, suffix: str = '') -> dict:
    """Teacher embedding spread on the evaluation split and the KD loss
    against its collapse value
    (``mmpartkd.apis.ikem_diagnostics.collapse_report``)."""
    recipe = args.recipe
    root = exp.root  # configs, data and work dirs are relative to it
    options = {}
    for option in args.cfg_options:
        key, _, value = option.partition('=')
        options[key] = DictAction._parse_iterable(value)
    options['test_dataloader.dataset.ann_file'] = osp.join(root,
                                                           args.ann_file)
    report = collapse_report(
        osp.join(root, recipe.pretrain),
        osp.join(root, exp.checkpoints['teacher' + suffix]),
        osp.join(root, recipe.linear6), osp.join(root, recipe.relcmkd),
        osp.join(root, exp.work_dir, 'relcmkd' + suffix), split=recipe.split,
        cfg_options=options)
    with open(osp.join(exp.work_dir, f'teacher_collapse{suffix}.json'),
              'w') as f:
        json.dump(report, f, indent=1)
    return report


def main():
    args = parse_args()
    recipe = args.recipe
    seeds = ', '.join(map(str, args.seeds))
    exp = Experiment(args.work_dir, f'{recipe.title}, last epoch, seeds '
                     f'{seeds}')
    if args.dataset == 'penn':
        missing = penn_labels_missing()
        if missing and not osp.isfile(osp.join(REPO_ROOT, args.ann_file)):
            sys.exit(missing)
        exp.make_penn_data(args.ann_file)
    else:
        exp.make_data(args.ann_file, 'data/generate_synthetic.py',
                      ['--out', args.ann_file])
    notes = []
    for seed in args.seeds:
        # one seed keeps the job names of the single-seed demo
        suffix = f'_seed{seed}' if len(args.seeds) > 1 else ''
        try:
            exp.run(jobs(args, seed, suffix))
        except JobFailed as e:
            sys.exit(str(e))
        note = format_collapse_report(teacher_collapse(exp, args, suffix))
        exp.say(f'seed {seed}: {note}')
        notes.append(f'Seed {seed}: {note}' if suffix else note)
    print('\n' + exp.write_results('\n\n'.join(notes) + '\n\n'))


if __name__ == '__main__':
    main()
