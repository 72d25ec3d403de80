"""PartKD on the real Penn Action labels: the Penn tables of configs/partkd/README.md.

    python tools/benchmarks/penn_action.py [--seeds 0 1 2] [--epochs 20] \
        [--protocols mild harsh] [--methods baseline featkd partkd ...] \
        [--train-fraction 0.25 | --holdout 0.2] [--reuse]

Converts ``../shared/data/penn_action/labels`` (never copied into the
repository) if ``data/penn_action/penn_2d.pkl`` is absent, trains the teacher
on every annotated joint, then for each protocol trains and tests the
baseline student, logit KD, feature KD and PartKD (``--methods`` also takes
``mmpartkd.apis.experiment.PARTKD_VARIANTS``, ``BLOCK_VARIANTS``,
``COMBINED_VARIANTS``, ``<method>-pr10`` and ``teacher-init``) with every
seed, and writes ``results.md`` / ``results.json`` into the work
dir (:class:`mmpartkd.apis.Experiment`, the runner of ``tools/demo.py``).

``--holdout F`` chooses on the training side: every model trains on a
class-stratified ``1 - F`` of the training split and is validated and
tested on the other ``F`` (with the protocol's test pipeline); the official
test split is not read.
"""
import math
import sys
from typing import Dict, Optional

from mmpartkd.apis.experiment import (PARTKD_VARIANTS, CheckpointOf,
                                      Experiment, JobFailed, Method,
                                      epoch_options, kd_methods,
                                      paired_variants, parse_experiment_args,
                                      penn_labels_missing, student_jobs,
                                      teacher_jobs, variant_methods)

NAME = 'stgcn-q_1xb32-joint-{}-u32-30e_penn-official-keypoint-2d.py'
TEACHER = 'configs/baselines/' + NAME.replace('-{}', '')
PROTOCOLS = ('mild', 'harsh')
# samples of the official training split; the configs' batch size
TRAIN_SAMPLES, BATCH = 1258, 32


def _neck_channels(c: int) -> dict:
    return {'model.student_neck.in_channels': c,
            'model.teacher_neck.in_channels': c}


# PartKD pooled after another block (Penn-specific neck widths), besides
# the general PARTKD_VARIANTS (configs/partkd/README.md)
BLOCK_VARIANTS = {
    'partkd-block3': ('PartKD, parts pooled after block 4 of 10',
                      {'model.part_block': 3, **_neck_channels(16)}),
    'partkd-block6': ('PartKD, parts pooled after block 7 of 10',
                      {'model.part_block': 6, **_neck_channels(32)}),
}
# the weight of feature KD in the combined objective (chosen with --holdout)
COMBINED_VARIANTS = {
    f'partkd-combined-fw{tag}': (f'PartKD + feature KD (weight {w:g})',
                                 {'model.loss_feat.loss_weight': w})
    for tag, w in (('05', 0.5), ('2', 2.0))
}


def students(protocol: str,
             train_fraction: Optional[float] = None) -> Dict[str, Method]:
    """method -> :class:`Method` of a protocol's students."""
    name = NAME.format(protocol)
    methods = kd_methods(name, {'partkd-combined': 'PartKD + feature KD'})
    partkd, baseline = methods['partkd'].config, methods['baseline'].config
    combined = methods['partkd-combined'].config
    methods.update({
        'logitkd-w025': methods['logitkd']._replace(
            description='logit KD, weight 0.25',
            cfg_options={'model.loss_kd.loss_weight': 0.25}),
        # reference: how far the student gets when it starts from the
        # teacher's weights instead of learning from its outputs
        'teacher-init': Method(baseline, 'student initialised from the '
                               'teacher', {'load_from': CheckpointOf(
                                   'teacher')}, distill=False),
        **variant_methods(partkd, PARTKD_VARIANTS),
        **variant_methods(partkd, BLOCK_VARIANTS),
        **variant_methods(combined, COMBINED_VARIANTS),
        # the distillation losses ramp in over the first 5 epochs
        'partkd-warmup': Method(
            partkd, 'PartKD, distillation warm-up over 5 epochs',
            {'model.distill_warmup_iters': 5 * math.ceil(
                round(TRAIN_SAMPLES * (train_fraction or 1.)) / BATCH)}),
    })
    # only 10 % of the training samples keep their high-quality twin: the
    # setting the multi-sample loss is built for
    methods.update(paired_variants(methods, (
        'logitkd', 'featkd', 'partkd', 'partkd-combined', 'partkd-uniform',
        'partkd-fixedteacher-paired', 'partkd-negw', *COMBINED_VARIANTS)))
    return methods


def add_arguments(parser) -> None:
    parser.add_argument('--protocols', nargs='+', choices=PROTOCOLS,
                        default=list(PROTOCOLS))
    share = parser.add_mutually_exclusive_group()
    share.add_argument(
        '--train-fraction', type=float, default=None,
        help='train every model on this class-stratified share of the '
        'training split (SafePoseDataset subset; small-data studies)')
    share.add_argument(
        '--holdout', type=float, default=None,
        help='hold out this class-stratified share of the training split: '
        'train on the rest, validate and test on it (choices made on the '
        'training side)')


def holdout_options(holdout: float) -> Dict[str, object]:
    """``--cfg-options`` that validate and test on the held-out share
    ``holdout`` of the training split (the complement of the training
    subset ``1 - holdout``, same cut)."""
    if not 0. < holdout < 1.:
        raise ValueError(f'--holdout {holdout} not in (0, 1)')
    options = {}
    for loader in ('val_dataloader', 'test_dataloader'):
        options.update({
            f'{loader}.dataset.split': 'train',
            f'{loader}.dataset.subset.fraction': 1. - holdout,
            f'{loader}.dataset.subset.rest': True})
    return options


def main() -> None:
    args = parse_experiment_args(
        __doc__, 'work_dirs/penn_action', seeds=(0, 1, 2),
        methods=('baseline', 'logitkd', 'featkd', 'partkd'),
        known=students('harsh'),
        add_arguments=add_arguments)
    missing = penn_labels_missing()
    if missing:
        sys.exit(missing)
    if args.holdout is not None:
        tested = (f'the held-out {100 * args.holdout:g} % of the training '
                  'split (corrupted like the test split; every model trained '
                  'on the other part)')
        fraction = 1. - args.holdout
        common = holdout_options(args.holdout)
    else:
        tested = 'the corrupted test split'
        fraction, common = args.train_fraction, {}
    exp = Experiment(
        args.work_dir,
        'Penn Action (real labels, official split; students: invisible '
        'joints removed, then mild = 50 % drop + jitter 0.02, harsh = 80 % '
        f'drop + jitter 0.05), top-1 on {tested} at the last '
        f'epoch; students seeds {args.seeds}, teacher seed '
        f'{args.teacher_seed}.' + (
            f' Every model trained on a class-stratified '
            f'{100 * args.train_fraction:g} % of the training split.'
            if args.train_fraction is not None else ''), reuse=args.reuse)
    exp.make_penn_data()
    train_options = epoch_options(args.epochs)
    if fraction is not None:
        train_options['train_dataloader.dataset.subset.fraction'] = fraction
    jobs = teacher_jobs(TEACHER, args.teacher_seed, train_options, {
        p: f'configs/baselines/{NAME.format(p)}' for p in args.protocols})
    for protocol in args.protocols:
        jobs += student_jobs(students(protocol, fraction),
                             args.methods, args.seeds,
                             train_options, prefix=f'{protocol}_',
                             tag=f'{protocol}: ')
    for job in jobs:
        job.cfg_options.update(common)
    try:
        exp.run(jobs, workers=args.workers)
    except JobFailed as e:
        sys.exit(str(e))
    print('\n' + exp.write_results())


if __name__ == '__main__':
    main()
