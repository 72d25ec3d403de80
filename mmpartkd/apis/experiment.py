"""Experiments as lists of train/test jobs run through the real tools.

``tools/demo.py``, ``tools/ikem_pipeline.py`` and
``tools/benchmarks/penn_action.py`` describe their experiment as a list of
:class:`Job` and hand it to :class:`Experiment`, which runs each job as a
``python tools/train.py`` / ``python tools/test.py`` subprocess (the same
commands a user types), reads the test metrics from the JSON file mmengine's
``LoggerHook`` writes, and writes ``results.json`` and ``results.md``.

A job may use the checkpoint of an earlier job (:class:`CheckpointOf`, e.g.
the teacher of a distiller or the encoder a linear evaluation starts from).
When a job's config is a :class:`PartKDDistiller` whose part head reads a
part-matrix file (``part_matrix='....npy'``), the experiment measures that
matrix from the job's own teacher with ``tools/compute_part_matrix.py``
(once per teacher checkpoint and pooled block) and passes it to the job.
"""
import argparse
import glob
import json
import os
import os.path as osp
import subprocess
import sys
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import (Any, Callable, Dict, List, NamedTuple, Optional,
                    Sequence, Tuple, Union)

import numpy as np
from mmengine.config import Config

__all__ = ['CheckpointOf', 'Job', 'Experiment', 'JobFailed', 'Method',
           'epoch_options', 'kd_methods', 'paired_variants', 'teacher_jobs',
           'PENN_DATA', 'PENN_LABELS', 'penn_labels_missing',
           'part_matrix_source', 'student_jobs', 'parse_experiment_args',
           'PARTKD_VARIANTS', 'variant_methods']

#: the repository root: the tools run from here
REPO_ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
#: Penn Action's labels (read from ../shared, never copied into the
#: repository) and the annotation file ``tools/data/penn_action.py`` makes
#: from them, both relative to the repository root
PENN_LABELS = osp.join('..', 'shared', 'data', 'penn_action', 'labels')
PENN_DATA = 'data/penn_action/penn_2d.pkl'


def penn_labels_missing() -> Optional[str]:
    """The error message when Penn Action's labels are not at
    :data:`PENN_LABELS`, else None."""
    if osp.isdir(osp.join(REPO_ROOT, PENN_LABELS)):
        return None
    return (f'Penn Action labels not found at {PENN_LABELS} (relative to '
            'the repository root)')


class JobFailed(RuntimeError):
    """A tool exited with an error; the message holds the tail of its log."""


@dataclass(frozen=True)
class CheckpointOf:
    """Stands for the last checkpoint of the training job named ``job``."""
    job: str


Option = Union[str, int, float, bool, None, CheckpointOf]


@dataclass
class Job:
    """One model: trained with ``tools/train.py`` and/or tested with
    ``tools/test.py``.

    Args:
        name (str): Unique name; the job's work dir is ``WORK_DIR/name``.
        config (str): Config file, relative to the repository root.
        seed (int): ``--seed`` of the training.
        cfg_options (dict): ``--cfg-options`` of training and test; values
            may be :class:`CheckpointOf`.
        train_options (dict): ``--cfg-options`` of the training only (e.g.
            :func:`epoch_options`).
        train (bool): Train the model. If False, ``checkpoint`` is tested.
        checkpoint (str | CheckpointOf, optional): What a test-only job
            tests.
        test (bool): Test the model (its LAST checkpoint when trained).
        test_config (str, optional): Config of the test, defaults to
            ``config``.
        row (str, optional): Row of the results table this job's top-1 is
            reported in (several seeds share a row); None: not reported.
    """
    name: str
    config: str
    seed: int = 0
    cfg_options: Dict[str, Option] = field(default_factory=dict)
    train_options: Dict[str, Option] = field(default_factory=dict)
    train: bool = True
    checkpoint: Optional[Union[str, CheckpointOf]] = None
    test: bool = True
    test_config: Optional[str] = None
    row: Optional[str] = None

    def __post_init__(self) -> None:
        if not self.train and self.checkpoint is None:
            raise ValueError(f'job "{self.name}" neither trains a model nor '
                             'names a checkpoint to test')
        if not (self.train or self.test):
            raise ValueError(f'job "{self.name}" does nothing')


class Method(NamedTuple):
    """A student of a comparison: its config, a description (its row of
    the table) and extra ``--cfg-options``; ``distill``: the config is a
    distiller that takes ``model.teacher_ckpt``."""
    config: str
    description: str
    cfg_options: Dict[str, Option] = {}
    distill: bool = True


def kd_methods(config_name: str,
               variants: Optional[Dict[str, str]] = None
               ) -> Dict[str, Method]:
    """The comparison every task runs: the student on low-quality data
    alone (``configs/baselines/<config_name>``), logit KD, feature KD and
    PartKD (``configs/partkd/<method>_<config_name>``), plus config-file
    variants ``{method: description}`` (``configs/partkd/<method>_...``).
    """
    methods = {'baseline': Method(f'configs/baselines/{config_name}',
                                  'student on low-quality data alone',
                                  distill=False)}
    for method, description in dict(
            logitkd='logit KD', featkd='feature KD (SKD-style)',
            partkd='PartKD', **(variants or {})).items():
        methods[method] = Method(f'configs/partkd/{method}_{config_name}',
                                 description)
    return methods


#: Ablations of a PartKD config, as ``--cfg-options`` (what was tried when
#: PartKD missed a target; configs/partkd/README.md): name ->
#: (description, options).
PARTKD_VARIANTS = {
    'partkd-uniform': ('PartKD without the part matrix',
                       {'model.part_head.part_matrix': 'uniform'}),
    'partkd-negw': ('PartKD, the part matrix also weights the negatives',
                    {'model.part_head.weight_negatives': True}),
    'partkd-bank128': ('PartKD, bank of 128 per class',
                       {'model.part_head.bank_size': 128}),
    'partkd-bank4': ('PartKD, bank of 4 per class (fresher negatives)',
                     {'model.part_head.bank_size': 4}),
    'partkd-tau02': ('PartKD, temperature 0.2',
                     {'model.part_head.loss.temperature': 0.2}),
    'partkd-w05': ('PartKD, loss weight 0.5',
                   {'model.part_head.loss.loss_weight': 0.5}),
    'partkd-w2': ('PartKD, loss weight 2',
                  {'model.part_head.loss.loss_weight': 2.0}),
    'partkd-linear': ('PartKD, linear part projections',
                      {'model.student_neck.num_layers': 1,
                       'model.teacher_neck.num_layers': 1}),
    'partkd-paired': ('PartKD, paired positives only',
                      {'model.part_head.loss.mode': 'paired'}),
    'partkd-fixedteacher': ('PartKD, teacher part features not projected',
                            {'model.teacher_neck.out_channels': None}),
    'partkd-fixedteacher-paired': (
        'PartKD, teacher part features not projected, paired positives',
        {'model.teacher_neck.out_channels': None,
         'model.part_head.loss.mode': 'paired'}),
    'partkd-logitkd': ('PartKD + logit KD (tau 4)',
                       {'model.loss_kd.type': 'LogitKDLoss',
                        'model.loss_kd.tau': 4.0}),
}


def variant_methods(config: str,
                    variants: Dict[str, Tuple[str, Dict[str, Option]]],
                    names: Optional[Sequence[str]] = None
                    ) -> Dict[str, Method]:
    """The ``names`` (default: all) of a table of config variants ``{name:
    (description, cfg_options)}`` (e.g. :data:`PARTKD_VARIANTS`) as
    methods of ``config``."""
    return {name: Method(config, *variants[name])
            for name in (variants if names is None else names)}


def paired_variants(methods: Dict[str, Method], names: Sequence[str],
                    ratio: float = 0.1) -> Dict[str, Method]:
    """``<name>-pr<percent>``: each distillation method of ``names`` with
    only ``ratio`` of the training samples paired with their high-quality
    twin (``model.paired_ratio``; the others learn from the labels and, in
    PartKD, from the bank)."""
    pct = round(100 * ratio)
    return {
        f'{name}-pr{pct}': m._replace(
            description=f'{m.description}, {pct} % of the samples paired',
            cfg_options={**m.cfg_options, 'model.paired_ratio': ratio})
        for name in names for m in [methods[name]]
    }


def teacher_jobs(config: str, seed: int, train_options: Dict[str, Option],
                 lq_configs: Dict[str, str]) -> List[Job]:
    """The job ``teacher`` (trained and tested on clean data) and, for
    each ``{protocol: config}`` of the students, a test of the teacher on
    their low-quality data (``<protocol>_teacher_lq``; protocol ``''``:
    ``teacher_lq``)."""
    jobs = [Job('teacher', config, seed, train_options=train_options,
                row='teacher (clean val)')]
    for protocol, lq_config in lq_configs.items():
        prefix, tag = (f'{protocol}_', f'{protocol}: ') if protocol else \
            ('', '')
        jobs.append(Job(f'{prefix}teacher_lq', lq_config, train=False,
                        checkpoint=CheckpointOf('teacher'),
                        row=f'{tag}teacher (low-quality val)'))
    return jobs


def student_jobs(methods: Dict[str, Method], names: Sequence[str],
                 seeds: Sequence[int], train_options: Dict[str, Option],
                 prefix: str = '', tag: str = '',
                 teacher: str = 'teacher') -> List[Job]:
    """One job ``<prefix><method>_seed<seed>`` per method and seed, in the
    row ``<tag><description>``; distillers learn from the job ``teacher``.
    """
    teacher_ckpt = {'model.teacher_ckpt': CheckpointOf(teacher)}
    return [
        Job(f'{prefix}{name}_seed{seed}', m.config, seed,
            {**(teacher_ckpt if m.distill else {}), **m.cfg_options},
            train_options, row=f'{tag}{m.description}')
        for name in names for seed in seeds for m in [methods[name]]
    ]


def parse_experiment_args(
        description: str, work_dir: str, seeds: Sequence[int],
        methods: Sequence[str], known: Sequence[str],
        epochs: Optional[int] = None,
        add_arguments: Optional[Callable[[argparse.ArgumentParser], None]]
        = None) -> argparse.Namespace:
    """The command line of a comparison: ``--work-dir --seeds --methods
    --epochs --teacher-seed`` (``--methods all``: every known method)."""
    parser = argparse.ArgumentParser(description=description.split('\n')[0])
    parser.add_argument('--work-dir', default=work_dir)
    parser.add_argument('--seeds', type=int, nargs='+', default=list(seeds))
    parser.add_argument('--methods', nargs='+', default=list(methods),
                        help=f'students to train, or "all": {list(known)}')
    parser.add_argument('--epochs', type=int, default=epochs,
                        help='override max_epochs of every training')
    parser.add_argument('--teacher-seed', type=int, default=0)
    parser.add_argument(
        '--workers', type=int, default=1,
        help='jobs run at once (one process each; with OMP_NUM_THREADS=1, '
        'up to the number of cores)')
    parser.add_argument(
        '--reuse', action='store_true',
        help='reuse the jobs of the work dir\'s results.json whose config, '
        'seed and options are unchanged (and whose checkpoint exists) '
        'instead of running them again: add methods or seeds to a table')
    if add_arguments is not None:
        add_arguments(parser)
    args = parser.parse_args()
    if args.methods == ['all']:
        args.methods = list(known)
    unknown = sorted(set(args.methods) - set(known))
    if unknown:
        parser.error(f'unknown methods {unknown}; known: {list(known)}')
    return args


def epoch_options(epochs: Optional[int]) -> Dict[str, int]:
    """``--cfg-options`` that shorten a cosine schedule to ``epochs``."""
    if not epochs:
        return {}
    return {'train_cfg.max_epochs': epochs, 'param_scheduler.0.T_max': epochs}


def part_matrix_source(config: str, cfg_options: Dict[str, Any]
                       ) -> Optional[Tuple[str, str, Optional[int]]]:
    """What the part matrix of a distillation config must be measured from.

    Returns:
        tuple | None: ``(teacher_config, teacher_ckpt, part_block)`` when
        the config's model is a distiller whose part head reads a part
        matrix file that ``cfg_options`` do not set, else None.
    """
    if 'model.part_head.part_matrix' in cfg_options:
        return None
    cfg = Config.fromfile(config)
    cfg.merge_from_dict(dict(cfg_options))
    model = cfg.model
    part_head = model.get('part_head')
    matrix = part_head.get('part_matrix') if part_head else None
    if not (isinstance(matrix, str) and matrix.endswith('.npy')):
        return None
    teacher = model.get('teacher')
    if not isinstance(teacher, str):
        raise ValueError(
            f'{config}: model.teacher must be a config file to measure the '
            'part matrix from (tools/compute_part_matrix.py takes a config); '
            'or set model.part_head.part_matrix in the job\'s cfg_options')
    return teacher, model.get('teacher_ckpt'), model.get('part_block')


def _dependencies(job: Job) -> List[str]:
    """Names of the jobs whose checkpoints ``job`` uses."""
    values = [*job.cfg_options.values(), *job.train_options.values(),
              job.checkpoint]
    return [v.job for v in values if isinstance(v, CheckpointOf)]


def _option_args(options: Dict[str, Any]) -> List[str]:
    return ['--cfg-options'] + [f'{k}={v}' for k, v in options.items()] \
        if options else []


class Experiment:
    """Run jobs through the real tools and collect their test metrics.

    Args:
        work_dir (str): Every job's work dir, the tools' logs
            (``logs/``), the part matrices and the results go here.
        title (str): First line of ``results.md``.
        root (str): Where the tools run (the repository root).
        reuse (bool): Reuse the records of ``work_dir/results.json`` for
            jobs with the same name, config, seed and options (resolved:
            the same teacher checkpoint; for training, the same
            ``train_options``) whose checkpoint still exists, and keep the
            records of jobs this run does not list in the ``results.json``
            it writes.
    """

    def __init__(self, work_dir: str, title: str = '',
                 root: str = REPO_ROOT, reuse: bool = False) -> None:
        self.root = root
        self.work_dir = work_dir
        self.title = title
        self.logs = osp.join(work_dir, 'logs')
        os.makedirs(self.logs, exist_ok=True)
        self.start = time.time()
        self.checkpoints: Dict[str, str] = {}
        self.metrics: Dict[str, Dict[str, Any]] = {}
        self.order: List[str] = []  # job names in the order given
        self._lock = threading.RLock()
        self.job_records: Dict[str, dict] = {}
        self.part_matrices: Dict[tuple, str] = {}
        self.previous: Dict[str, dict] = {}
        results = osp.join(work_dir, 'results.json')
        if reuse and osp.isfile(results):
            with open(results) as f:
                self.previous = json.load(f)['jobs']

    # ------------------------------------------------------------- tools
    def say(self, msg: str) -> None:
        print(f'[{time.time() - self.start:6.0f}s] {msg}', flush=True)

    def tool(self, log_name: str, tool: str, args: Sequence[str]) -> str:
        """Run ``python tools/<tool> args`` from the repository root; its
        output goes to ``logs/<log_name>.log``. Returns the output."""
        log = osp.join(self.logs, f'{log_name}.log')
        t = time.time()
        with open(log, 'w') as f:
            proc = subprocess.run(
                [sys.executable, osp.join('tools', tool), *map(str, args)],
                cwd=self.root, stdout=f, stderr=subprocess.STDOUT)
        with open(log) as f:
            out = f.read()
        if proc.returncode:
            raise JobFailed(f'tools/{tool} {" ".join(map(str, args))} failed '
                            f'(exit {proc.returncode}, log {log}):\n'
                            f'{out[-3000:]}')
        self.say(f'{log_name} done in {time.time() - t:.0f}s')
        return out

    def make_data(self, path: str, tool: str, args: Sequence[str]) -> None:
        """Run the data tool unless ``path`` (relative to the root) exists.
        """
        if not osp.isfile(osp.join(self.root, path)):
            self.tool('make_data', tool, args)

    def make_penn_data(self, path: str = PENN_DATA) -> None:
        """Convert Penn Action's labels into ``path`` unless it exists."""
        self.make_data(path, 'data/penn_action.py',
                       [PENN_LABELS, '--out', path, '--no-progress'])

    def resolve(self, value: Any) -> Any:
        if isinstance(value, CheckpointOf):
            if value.job not in self.checkpoints:
                raise KeyError(f'no checkpoint of job "{value.job}" yet: '
                               'list it before the jobs that use it')
            return self.checkpoints[value.job]
        return value

    def _resolved(self, options: Dict[str, Any]) -> Dict[str, Any]:
        return {k: self.resolve(v) for k, v in options.items()}

    def train(self, name: str, config: str, seed: int,
              options: Dict[str, Any]) -> str:
        """Train; return the last checkpoint."""
        work = osp.join(self.work_dir, name)
        self.tool(f'train_{name}', 'train.py',
                  [config, '--work-dir', work, '--seed', seed] +
                  _option_args(options))
        with open(osp.join(self.root, work, 'last_checkpoint')) as f:
            return f.read().strip()

    def test(self, name: str, config: str, checkpoint: str,
             options: Dict[str, Any]) -> Dict[str, Any]:
        """Test a checkpoint; return the metrics mmengine wrote (the
        ``<timestamp>/<timestamp>.json`` of the test run)."""
        work = osp.join(self.work_dir, name)
        runs = osp.join(self.root, work, '*', '*.json')
        before = set(glob.glob(runs))
        self.tool(f'test_{name}', 'test.py',
                  [config, checkpoint, '--work-dir', work] +
                  _option_args(options))
        new = [p for p in set(glob.glob(runs)) - before
               if osp.basename(p)[:-5] == osp.basename(osp.dirname(p))]
        if len(new) != 1:
            raise JobFailed(f'testing {name}: expected one new metrics file '
                            f'{runs}, found {sorted(new)}')
        with open(new[0]) as f:
            return json.load(f)

    def part_matrix(self, teacher_config: str, teacher_ckpt: str,
                    part_block: Optional[int]) -> str:
        """The teacher's part matrix (measured once per checkpoint and
        pooled block)."""
        key = (teacher_config, teacher_ckpt, part_block)
        if key not in self.part_matrices:
            name = 'part_matrix' + (f'_block{part_block}'
                                    if part_block is not None else '')
            taken = {osp.basename(osp.dirname(p))
                     for p in self.part_matrices.values()}
            name += f'_{len(taken)}' if name in taken else ''
            path = osp.join(self.work_dir, name, 'part_matrix.npy')
            self.tool(name, 'compute_part_matrix.py',
                      [teacher_config, teacher_ckpt, '--out', path] +
                      (['--part-block', part_block]
                       if part_block is not None else []))
            self.part_matrices[key] = path
        return self.part_matrices[key]

    # -------------------------------------------------------------- jobs
    def _reusable(self, job: Job, options: Dict[str, Any],
                  train_options: Dict[str, Any]) -> Optional[dict]:
        """The previous record of ``job`` if it ran with the same config,
        seed and options, else None."""
        prev = self.previous.get(job.name)
        if prev is None or (prev['config'], prev['seed']) != (job.config,
                                                              job.seed):
            return None
        recorded = dict(prev['cfg_options'])
        matrix = recorded.pop('model.part_head.part_matrix', None)
        if 'model.part_head.part_matrix' in options:
            recorded['model.part_head.part_matrix'] = matrix
        # a training record without train_options (older runners) has an
        # unknown schedule: never reused
        if recorded != options or (job.train and prev.get(
                'train_options') != train_options):
            return None
        if not osp.isfile(osp.join(self.root, prev['checkpoint'])):
            return None
        if matrix is not None and 'model.part_head.part_matrix' not in \
                options:
            if not osp.isfile(osp.join(self.root, matrix)):
                return None
            with self._lock:  # mmengine's Config loading is not thread-safe
                source = part_matrix_source(
                    osp.join(self.root, job.config), options)
                self.part_matrices.setdefault(source, matrix)
        return prev

    def run_job(self, job: Job) -> None:
        if job.name in self.job_records:
            raise ValueError(f'two jobs are named "{job.name}"')
        t = time.time()
        options = self._resolved(job.cfg_options)
        train_options = self._resolved(job.train_options)
        prev = self._reusable(job, options, train_options)
        if prev is not None:
            self.say(f'{job.name}: reused from results.json')
            if job.train:
                self.checkpoints[job.name] = prev['checkpoint']
            if job.test:
                self.metrics[job.name] = prev['metrics']
            with self._lock:
                self.job_records[job.name] = {**prev, 'row': job.row}
            return
        # under the lock: mmengine's Config loading is not thread-safe (its
        # package-path lookup fails when two threads load configs at once),
        # and the matrix is measured once, by the first job needing it
        with self._lock:
            source = part_matrix_source(osp.join(self.root, job.config),
                                        options)
            if source is not None:
                options['model.part_head.part_matrix'] = self.part_matrix(
                    *source)
        record = dict(config=job.config, seed=job.seed, row=job.row,
                      cfg_options=options, train_options=train_options)
        if job.train:
            self.say(f'{job.name}: training {job.config} (seed {job.seed})')
            checkpoint = self.train(job.name, job.config, job.seed,
                                    {**options, **train_options})
            self.checkpoints[job.name] = checkpoint
        else:
            checkpoint = self.resolve(job.checkpoint)
        record['checkpoint'] = checkpoint
        if job.test:
            metrics = self.test(job.name, job.test_config or job.config,
                                checkpoint, options)
            record['metrics'] = self.metrics[job.name] = metrics
        record['seconds'] = round(time.time() - t, 1)
        with self._lock:
            self.job_records[job.name] = record

    @property
    def rows(self) -> Dict[str, List[float]]:
        """row -> top-1 (%) of each of its tested jobs, in job order."""
        rows: Dict[str, List[float]] = {}
        for name in self.order:
            record = self.job_records.get(name)
            if record and record.get('row') is not None and \
                    'metrics' in record:
                rows.setdefault(record['row'], []).append(
                    100 * record['metrics']['acc/top1'])
        return rows

    def _run_and_write(self, job: Job) -> None:
        self.run_job(job)
        with self._lock:
            self.write_results()

    def run(self, jobs: Sequence[Job],
            workers: int = 1) -> Dict[str, List[float]]:
        """Run the jobs; write the results after each job (a long
        experiment that stops keeps what it measured). Returns the rows:
        row -> top-1 (%) of each of its jobs.

        ``workers > 1`` runs up to that many jobs at once (each its own
        ``tools/train.py`` process: set ``OMP_NUM_THREADS`` so that they do
        not oversubscribe the cores); a job starts when the jobs whose
        checkpoints it uses (:class:`CheckpointOf`) have finished. The
        table keeps the order of ``jobs`` whatever order they finish in.
        """
        names = [job.name for job in jobs]
        if len(set(names)) != len(names) or set(names) & set(self.order):
            raise ValueError(f'job names must be unique, got {names}')
        self.order += names
        if workers <= 1:
            for job in jobs:
                self._run_and_write(job)
            return self.rows
        futures: Dict[str, Future] = {}

        def after_deps(job: Job, deps: List[Future]) -> None:
            for dep in deps:
                dep.result()  # raises if the dependency failed
            self._run_and_write(job)

        # FIFO: a job starts after every earlier one has started, so a
        # worker waiting for a dependency never blocks the dependency
        with ThreadPoolExecutor(workers) as pool:
            for job in jobs:
                deps = [futures[d] for d in _dependencies(job)
                        if d in futures]
                futures[job.name] = pool.submit(after_deps, job, deps)
            try:
                for future in futures.values():
                    future.result()
            except BaseException:
                pool.shutdown(wait=True, cancel_futures=True)
                raise
        return self.rows

    # ----------------------------------------------------------- results
    def table(self) -> str:
        lines = ['| model | top-1 (%) | runs |', '|---|---|---|']
        for row, accs in self.rows.items():
            accs = np.asarray(accs)
            std = f' ± {accs.std(ddof=1):.1f}' if len(accs) > 1 else ''
            lines.append(f'| {row} | {accs.mean():.1f}{std} | '
                         f'{", ".join(f"{a:.1f}" for a in accs)} |')
        return '\n'.join(lines)

    def write_results(self, note: str = '') -> str:
        """Write ``results.json`` and ``results.md``; return the markdown."""
        command = ' '.join(['python', osp.relpath(sys.argv[0], self.root)] +
                           sys.argv[1:])
        seconds = time.time() - self.start
        text = (f'{self.title}\n\n{self.table()}\n\n{note}'
                f'Command: `{command}` ({seconds:.0f}s)\n')
        with open(osp.join(self.work_dir, 'results.md'), 'w') as f:
            f.write(text)
        # with reuse, the records of jobs this run did not list are kept
        # (a run with fewer methods never drops what a later one may reuse)
        jobs = {**{k: v for k, v in self.previous.items()
                   if k not in self.job_records}, **self.job_records}
        with open(osp.join(self.work_dir, 'results.json'), 'w') as f:
            json.dump(dict(title=self.title, rows=self.rows, jobs=jobs,
                           command=command, seconds=round(seconds, 1)), f,
                      indent=1)
        return text
