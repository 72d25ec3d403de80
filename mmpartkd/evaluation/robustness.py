"""Robustness benchmark: accuracy of a trained skeleton recognizer on every
cell of a corruption grid (``tools/robustness.py``, docs/robustness.md), and
the CSV of the results.

One mmengine ``Runner`` per model, built like ``tools/test.py`` builds it
(``Runner.from_cfg`` with ``load_from=checkpoint``): the model is built and
its checkpoint loaded once, the test dataloader and evaluator once; per grid
cell only the test dataset's pipeline is swapped (the cell's corruption at
the corruption point of :mod:`.corruption_grid`) and the runner's
``TestLoop`` runs again. So the config's hooks run (``before_run`` /
``after_run`` once, the test hooks per cell) and a multi-process run
(``launcher='pytorch'``) collects the results of every rank. Any recognizer
config works, stock mmaction2 ones included (distillers predict with their
student).
"""
import copy
import csv
import io
import itertools
import logging
import os.path as osp
import tempfile
import time
from contextlib import nullcontext
from typing import Callable, Dict, List, Optional, Sequence

from mmengine.config import Config
from mmengine.dataset import Compose
from mmengine.dist import is_main_process
from mmengine.runner import Runner

from mmpartkd.datasets.wrappers import pipeline_cfg_owner, pipeline_owner
from mmpartkd.utils import atomic_write, setup_cpu_distributed
from .corruption_grid import (Corruption, default_grid, find_layout,
                              insert_corruption, strip_corruptions)

__all__ = ['evaluate_robustness', 'build_test_runner', 'write_csv',
           'read_csv']

# distinct experiment names for the runners of one process (mmengine keys
# its logger, visualizer and message hub instances by that name)
_RUN_IDS = itertools.count()


def build_test_runner(cfg: Config,
                      checkpoint: str,
                      work_dir: str,
                      name: str = 'model',
                      batch_size: Optional[int] = None,
                      num_workers: Optional[int] = None,
                      seed: int = 0,
                      device: Optional[str] = None) -> Runner:
    """A quiet test ``Runner`` of ``cfg`` that loads ``checkpoint``.

    ``cfg`` (modified in place) gets ``load_from``, ``work_dir``, a
    ``TestLoop`` when it has no ``test_cfg``, ``log_level='WARNING'`` and
    the seed; ``cfg.launcher`` (default ``'none'``) chooses multi-process
    testing, on CPU processes too
    (:func:`mmpartkd.utils.setup_cpu_distributed`).
    The test dataloader gets ``persistent_workers=False``: workers then copy
    the dataset at every pass, and see a pipeline swapped in between.

    Args:
        device: Move the model there (single process only; default: where
            the runner put it, the GPU if there is one).
    """
    if not osp.isfile(checkpoint):
        raise FileNotFoundError(f'checkpoint "{checkpoint}" not found')
    for key in ('test_dataloader', 'test_evaluator'):
        if cfg.get(key) is None:
            raise ValueError(f'the config has no {key}')
    cfg.load_from = checkpoint
    cfg.resume = False
    cfg.work_dir = work_dir
    cfg.experiment_name = f'robustness_{name}_{next(_RUN_IDS)}'
    cfg.log_level = 'WARNING'
    cfg.randomness = dict(cfg.get('randomness') or {}, seed=seed)
    if cfg.get('test_cfg') is None:
        cfg.test_cfg = dict(type='TestLoop')
    loader = cfg.test_dataloader
    loader.persistent_workers = False
    if batch_size is not None:
        loader.batch_size = batch_size
    if num_workers is not None:
        loader.num_workers = num_workers
    setup_cpu_distributed(cfg)
    runner = Runner.from_cfg(cfg)
    if device is not None and not runner.distributed:
        runner.model.to(device)
    return runner


def evaluate_robustness(config,
                        checkpoint: str,
                        corruptions: Optional[Sequence[Corruption]] = None,
                        name: Optional[str] = None,
                        insert_after: Optional[str] = None,
                        device: Optional[str] = 'cpu',
                        batch_size: Optional[int] = None,
                        num_workers: Optional[int] = None,
                        seed: int = 0,
                        strip_low_quality: bool = False,
                        logger: Callable[[str], None] = print,
                        work_dir: Optional[str] = None) -> List[Dict]:
    """Evaluate one model on every cell of a corruption grid.

    Args:
        config: Config path or :class:`mmengine.Config` (not modified);
            ``launcher='pytorch'`` in it for a multi-process run.
        checkpoint: Checkpoint path.
        corruptions: The grid (default: :func:`default_grid` on the layout
            found by :func:`find_layout`, seeded with ``seed``).
        name: Model name in the rows (default: the config's stem).
        insert_after: Explicit corruption point (a transform type name).
        device: Torch device of a single-process run (None: the runner's
            choice).
        batch_size / num_workers: Override the test dataloader's.
        seed: Seed of the runner (the corruptions have their own).
        strip_low_quality: Remove the corruption transforms the test
            pipeline already has (e.g. a low-quality student's own test
            corruption; :func:`strip_corruptions`), so that every model sees
            clean data plus the grid's corruption. Otherwise they stay, and
            the grid's corruption comes on top of them.
        logger: Receives the progress lines (on the main process only).
        work_dir: The runner's work directory (logs); default a temporary
            one, removed afterwards.

    Returns:
        list[dict]: One row per cell: ``model``, ``corruption``,
        ``severity``, ``label``, every metric of the test evaluator (the
        accuracy metrics under their short names, e.g. ``top1``), and
        ``num_samples``.
    """
    if isinstance(config, str):
        name = name or osp.splitext(osp.basename(config))[0]
        cfg = Config.fromfile(config)
    else:
        cfg = copy.deepcopy(config)
    name = name or 'model'
    logger = _main_process_only(logger)

    holder = pipeline_cfg_owner(cfg.test_dataloader.dataset)
    base_pipeline = list(holder.pipeline)
    stripped, present = strip_corruptions(base_pipeline)
    if present and strip_low_quality:
        base_pipeline = stripped
        logger(f'[{name}] removed {present} from the test pipeline')
    elif present:
        logger(f'[{name}] note: the test pipeline already corrupts the data '
               f'({present}); the grid comes on top (strip_low_quality=True '
               '/ --clean-base removes them)')
    holder.pipeline = base_pipeline
    if corruptions is None:
        corruptions = default_grid(
            find_layout(cfg, base_pipeline, insert_after), seed=seed)

    with (tempfile.TemporaryDirectory(prefix='robustness_')
          if work_dir is None else nullcontext(work_dir)) as run_dir:
        runner = build_test_runner(cfg, checkpoint, run_dir, name,
                                   batch_size, num_workers, seed, device)
        try:
            results = _run_cells(runner, corruptions, base_pipeline,
                                 insert_after, name, logger)
        finally:
            _close_log_files(runner)
    clean = results['clean/none']
    return [
        dict(model=name, corruption=cell.family, severity=cell.severity,
             label=cell.label,
             **(clean if cell.is_clean else
                results[cell.family + '/' + cell.label]))
        for cell in corruptions
    ]


def _run_cells(runner: Runner, corruptions: Sequence[Corruption],
               base_pipeline: List[dict], insert_after: Optional[str],
               name: str, logger) -> Dict[str, Dict]:
    """Metrics of a clean pass and of each corrupted cell, keyed
    ``family/label``: one runner run, one ``TestLoop`` pass per cell."""
    loop = runner.test_loop
    dataset = loop.dataloader.dataset
    owner = pipeline_owner(dataset)
    todo = [Corruption('clean', 0.0, 'none')] + [
        c for c in corruptions if not c.is_clean
    ]
    results: Dict[str, Dict] = {}
    # Runner.test() opened up: one run, a test pass per cell
    runner.call_hook('before_run')
    runner.load_or_resume()
    for k, cell in enumerate(todo, start=1):
        start = time.time()
        owner.pipeline = Compose(
            insert_corruption(base_pipeline, cell.transforms, insert_after))
        metrics = {
            key.split('/')[-1]: float(v)
            for key, v in loop.run().items() if isinstance(v, (int, float))
        }
        metrics['num_samples'] = len(dataset)
        results[cell.family + '/' + cell.label] = metrics
        shown = ', '.join(f'{key}={v:.4f}' for key, v in metrics.items()
                          if key != 'num_samples')
        logger(f'[{name}] [{k}/{len(todo)}] {cell.family} {cell.label}: '
               f'{shown} ({time.time() - start:.1f}s)')
    runner.call_hook('after_run')
    return results


def _main_process_only(logger: Callable[[str], None]):
    """``logger`` on the main process, nothing on the others (asked at each
    call: the process group may start after the first line)."""

    def log(line: str) -> None:
        if is_main_process():
            logger(line)

    return log


def _close_log_files(runner: Runner) -> None:
    """Close the log file of ``runner`` (mmengine keeps its logger alive;
    the file may sit in a temporary work directory)."""
    for handler in list(runner.logger.handlers):
        if isinstance(handler, logging.FileHandler):
            handler.close()
            runner.logger.removeHandler(handler)


def write_csv(rows: Sequence[Dict], path: str) -> None:
    """Write rows (atomically); columns: the union of the rows' keys."""
    columns: List[str] = []
    for row in rows:
        columns += [k for k in row if k not in columns]
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=columns, lineterminator='\n')
    writer.writeheader()
    for row in rows:
        writer.writerow({
            k: (f'{v:.6f}' if isinstance(v, float) and k != 'severity' else
                v) for k, v in row.items()
        })
    with atomic_write(path, 'w') as f:
        f.write(buf.getvalue())


def read_csv(path: str) -> List[Dict]:
    """Rows of a CSV written by :func:`write_csv` (numbers parsed)."""
    rows = []
    with open(path, newline='') as f:
        for row in csv.DictReader(f):
            parsed = {}
            for k, v in row.items():
                if k in ('model', 'corruption', 'label'):
                    parsed[k] = v
                else:
                    try:
                        parsed[k] = float(v)
                    except (TypeError, ValueError):
                        parsed[k] = v
            rows.append(parsed)
    return rows
