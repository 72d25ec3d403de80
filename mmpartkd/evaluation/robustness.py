"""Robustness benchmark: accuracy of trained skeleton recognizers under a
grid of skeleton corruptions (``tools/robustness.py``).

For every grid cell the corruption transforms (``test_mode=True``: a fixed,
per-sample corruption, identical in every run and for every model) are
inserted into the config's test pipeline at the *corruption point*:

* after the last ``PreNormalize3D`` / ``PreNormalize2D`` / ``ConvertLayout``
  / ``ProjectTo2D`` that comes before the first feature or sampling step
  (``GenSkeFeat``, ``UniformSampleFrames``, ``PoseDecode``, ...): joints are
  removed in normalised coordinates, before bones/motion are derived and
  before frames are sampled (so temporal lengths count frames of the whole
  sequence);
* else before that first feature or sampling step;
* or after the transform named by ``insert_after``.

The model is built and its checkpoint loaded once; the test dataset is
built once and only its pipeline is swapped per cell; each cell runs the
equivalent of mmengine's ``TestLoop`` (``model.test_step`` + the config's
``test_evaluator``). Any recognizer config works, stock mmaction2 ones
included (distillers predict with their student).

Every family starts with a ``severity 0`` row holding the clean accuracy
(one clean evaluation per model, shared by the families).
"""
import copy
import csv
import io
import os.path as osp
import time
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Tuple, Union

__all__ = [
    'Corruption', 'FAMILIES', 'default_grid', 'insert_corruption',
    'find_layout', 'evaluate_robustness', 'write_csv', 'read_csv',
    'plot_robustness', 'CORRUPTION_POINT_AFTER', 'CORRUPTION_POINT_BEFORE',
    'LOW_QUALITY_TRANSFORMS'
]

#: Transforms after which corruptions go (the last one before the first of
#: :data:`CORRUPTION_POINT_BEFORE`).
CORRUPTION_POINT_AFTER = ('PreNormalize3D', 'PreNormalize2D', 'ConvertLayout',
                          'ProjectTo2D')
#: Feature, sampling and formatting steps the corruption must precede.
CORRUPTION_POINT_BEFORE = ('GenSkeFeat', 'JointToBone', 'ToMotion',
                           'MergeSkeFeat', 'UniformSampleFrames',
                           'UniformSample', 'SampleFrames', 'PoseDecode',
                           'FormatGCNInput', 'FormatShape',
                           'PackActionInputs', 'PackDistillInputs')

#: mmpartkd's corruption transforms; ``strip_low_quality`` removes them from
#: a test pipeline (a low-quality student's config) before the grid's own.
LOW_QUALITY_TRANSFORMS = ('RandomJointDrop', 'PartOcclusion',
                          'TemporalOcclusion', 'JointJitter', 'FrameDrop')

#: family -> (x axis label, default severities)
FAMILIES: Dict[str, Tuple[str, tuple]] = {
    'joint_drop': ('joint drop probability', (0.1, 0.2, 0.3, 0.5, 0.7)),
    'part_occlusion': ('occluded part', ()),
    'temporal_occlusion': ('occluded frames (consecutive)',
                           (10, 20, 30, 50)),
    'jitter': ('jitter sigma (x bbox diagonal)', (0.01, 0.02, 0.05, 0.1)),
    'frame_rate': ('frame-rate reduction factor', (2, 3, 4, 6)),
}


@dataclass
class Corruption:
    """One grid cell: ``family``, numeric ``severity`` (for
    ``part_occlusion`` the part's index + 1), a ``label`` for tables and
    plots and the transform configs to insert (empty: clean)."""
    family: str
    severity: float
    label: str
    transforms: List[dict] = field(default_factory=list)

    @property
    def is_clean(self) -> bool:
        return not self.transforms


def _corruption(family: str, value, seed: int, layout=None) -> List[dict]:
    common = dict(test_mode=True, seed=seed)
    if family == 'joint_drop':
        return [dict(type='RandomJointDrop', drop_prob=float(value),
                     **common)]
    if family == 'part_occlusion':
        return [dict(type='PartOcclusion', parts=[value], layout=layout,
                     **common)]
    if family == 'temporal_occlusion':
        return [dict(type='TemporalOcclusion', length=int(value), **common)]
    if family == 'jitter':
        return [dict(type='JointJitter', sigma=float(value), **common)]
    if family == 'frame_rate':
        return [dict(type='FrameDrop', mode='uniform', factor=int(value),
                     fill='nearest', **common)]
    raise ValueError(f'unknown corruption family "{family}"; known: '
                     f'{list(FAMILIES)}')


def default_grid(layout: Union[str, dict, None] = 'nturgb+d',
                 families: Optional[Sequence[str]] = None,
                 severities: Optional[Dict[str, Sequence]] = None,
                 seed: int = 0) -> List[Corruption]:
    """The corruption grid.

    Args:
        layout: Skeleton layout at the corruption point (names the parts of
            ``part_occlusion``); None skips that family.
        families: Subset of :data:`FAMILIES` (default: all).
        severities: Per-family severities replacing the defaults of
            :data:`FAMILIES` (for ``part_occlusion``: part names, default
            every part of the layout). A severity of 0 is the clean row,
            which every family gets anyway.
        seed: Seed of the corruption transforms.

    Returns:
        list[Corruption]: Per family, a clean row (severity 0) then one cell
        per severity.
    """
    from mmpartkd.structures import get_layout
    families = list(FAMILIES) if families is None else list(families)
    severities = dict(severities or {})
    grid = []
    for family in families:
        if family not in FAMILIES:
            raise ValueError(f'unknown corruption family "{family}"; known: '
                             f'{list(FAMILIES)}')
        layout_name = None
        if family == 'part_occlusion':
            if layout is None:
                continue
            lay = get_layout(layout)
            layout_name = layout if isinstance(layout, dict) else lay.name
            values = list(severities.get(family, lay.part_names))
            for v in values:
                if v not in lay.parts:
                    raise ValueError(f'layout "{lay.name}" has no part "{v}"'
                                     f'; its parts: {lay.part_names}')
        else:
            values = [v for v in severities.get(family, FAMILIES[family][1])
                      if float(v) != 0]
        grid.append(Corruption(family, 0.0, 'none'))
        for i, v in enumerate(values):
            if family == 'part_occlusion':
                grid.append(Corruption(family, float(i + 1), str(v),
                                       _corruption(family, v, seed,
                                                   layout_name)))
            else:
                grid.append(Corruption(family, float(v), f'{v:g}',
                                       _corruption(family, v, seed)))
    return grid


def _type_name(t: dict) -> str:
    name = t.get('type', '')
    name = name if isinstance(name, str) else getattr(name, '__name__', '')
    return name.split('.')[-1]


def insert_corruption(pipeline: Sequence[dict], transforms: Sequence[dict],
                      insert_after: Optional[str] = None) -> List[dict]:
    """A copy of ``pipeline`` with ``transforms`` at the corruption point
    (see the module docstring)."""
    pipeline = [copy.deepcopy(t) for t in pipeline]
    names = [_type_name(t) for t in pipeline]
    if insert_after is not None:
        if insert_after not in names:
            raise ValueError(f'no "{insert_after}" in the test pipeline '
                             f'{names}')
        pos = len(names) - names[::-1].index(insert_after)
    else:
        first_before = next(
            (i for i, n in enumerate(names) if n in CORRUPTION_POINT_BEFORE),
            len(names))
        afters = [
            i for i, n in enumerate(names[:first_before])
            if n in CORRUPTION_POINT_AFTER
        ]
        if afters:
            pos = afters[-1] + 1
        elif first_before < len(names):
            pos = first_before
        else:
            raise ValueError(
                'cannot place the corruption in the test pipeline '
                f'{names}: it has none of {CORRUPTION_POINT_AFTER} or '
                f'{CORRUPTION_POINT_BEFORE}; pass insert_after')
    return pipeline[:pos] + [copy.deepcopy(t) for t in transforms
                             ] + pipeline[pos:]


def _walk(obj, path=()):
    if isinstance(obj, dict):
        yield path, obj
        for k, v in obj.items():
            yield from _walk(v, path + (str(k), ))
    elif isinstance(obj, (list, tuple)):
        for i, v in enumerate(obj):
            yield from _walk(v, path + (str(i), ))


def find_layout(cfg, pipeline: Optional[Sequence[dict]] = None,
                insert_after: Optional[str] = None):
    """The skeleton layout at the corruption point: the target of a
    ``ConvertLayout`` before it, the source of one after it, else the
    ``graph_cfg.layout`` of the model (a student's first). None if unknown.
    """
    if pipeline is not None:
        marker = dict(type='__corruption_point__')
        placed = insert_corruption(pipeline, [marker], insert_after)
        pos = [_type_name(t) for t in placed].index('__corruption_point__')
        for t in reversed(placed[:pos]):
            if _type_name(t) == 'ConvertLayout':
                return t.get('target')
        for t in placed[pos + 1:]:
            if _type_name(t) == 'ConvertLayout':
                return t.get('source')
    model = cfg.get('model', {}) if hasattr(cfg, 'get') else {}
    found = [(p, d['layout']) for p, d in _walk(model)
             if p and p[-1] == 'graph_cfg' and 'layout' in d]
    if not found:
        return None
    found.sort(key=lambda item: 'student' not in item[0])
    layout = found[0][1]
    return layout.to_dict() if hasattr(layout, 'to_dict') else layout


def _dataset_cfg_with_pipeline(ds_cfg):
    """The (possibly wrapped) dataset config that holds ``pipeline``."""
    for _, d in _walk(ds_cfg):
        if 'pipeline' in d:
            return d
    raise ValueError('the test dataset config has no "pipeline"')


def _find_pipeline_owner(dataset):
    for _ in range(5):
        if hasattr(dataset, 'pipeline'):
            return dataset
        dataset = getattr(dataset, 'dataset', None)
    raise ValueError('cannot find the pipeline of the test dataset')


def evaluate_robustness(config,
                        checkpoint: str,
                        corruptions: Optional[Sequence[Corruption]] = None,
                        name: Optional[str] = None,
                        insert_after: Optional[str] = None,
                        device: str = 'cpu',
                        batch_size: Optional[int] = None,
                        num_workers: Optional[int] = None,
                        seed: int = 0,
                        strip_low_quality: bool = False,
                        logger=print) -> List[Dict]:
    """Evaluate one model on every cell of a corruption grid.

    Args:
        config: Config path or :class:`mmengine.Config`.
        checkpoint: Checkpoint path.
        corruptions: The grid (default: :func:`default_grid` on the layout
            found by :func:`find_layout`, seeded with ``seed``).
        name: Model name in the rows (default: the config's stem).
        insert_after: Explicit corruption point (a transform type name).
        device: Torch device.
        batch_size / num_workers: Override the test dataloader's.
        strip_low_quality: Remove the :data:`LOW_QUALITY_TRANSFORMS` the
            test pipeline already has (e.g. a low-quality student's own
            test corruption), so that every model sees clean data plus the
            grid's corruption. Otherwise they stay, and the grid's
            corruption comes on top of them.

    Returns:
        list[dict]: One row per cell: ``model``, ``corruption``,
        ``severity``, ``label``, every metric of the test evaluator (the
        accuracy metrics under their short names, e.g. ``top1``), and
        ``num_samples``.
    """
    import torch
    from mmengine.config import Config
    from mmengine.dataset import Compose
    from mmengine.evaluator import Evaluator
    from mmengine.registry import init_default_scope
    from mmengine.runner import Runner, load_checkpoint

    import mmpartkd  # noqa: F401
    from mmaction.registry import DATASETS, MODELS

    if isinstance(config, str):
        name = name or osp.splitext(osp.basename(config))[0]
        config = Config.fromfile(config)
    else:
        config = copy.deepcopy(config)
    name = name or 'model'
    if not osp.isfile(checkpoint):
        raise FileNotFoundError(f'checkpoint "{checkpoint}" not found')
    init_default_scope(config.get('default_scope', 'mmaction'))

    loader_cfg = copy.deepcopy(config.test_dataloader)
    ds_holder = _dataset_cfg_with_pipeline(loader_cfg['dataset'])
    base_pipeline = list(ds_holder['pipeline'])
    present = [_type_name(t) for t in base_pipeline
               if _type_name(t) in LOW_QUALITY_TRANSFORMS]
    if present and strip_low_quality:
        base_pipeline = [t for t in base_pipeline
                         if _type_name(t) not in LOW_QUALITY_TRANSFORMS]
        logger(f'[{name}] removed {present} from the test pipeline')
    elif present:
        logger(f'[{name}] note: the test pipeline already corrupts the data '
               f'({present}); the grid comes on top (strip_low_quality=True '
               '/ --clean-base removes them)')
    if corruptions is None:
        corruptions = default_grid(
            find_layout(config, base_pipeline, insert_after), seed=seed)

    model = MODELS.build(config.model)
    load_checkpoint(model, checkpoint, map_location='cpu', logger='silent')
    model.to(device).eval()
    dataset = DATASETS.build(loader_cfg.pop('dataset'))
    owner = _find_pipeline_owner(dataset)
    if batch_size is not None:
        loader_cfg['batch_size'] = batch_size
    if num_workers is not None:
        loader_cfg['num_workers'] = num_workers
    # a new loader per cell: persistent workers would only pile up
    loader_cfg['persistent_workers'] = False

    results: Dict[str, Dict] = {}
    rows = []
    cells = [c for c in corruptions if not c.is_clean]
    todo = [Corruption('clean', 0.0, 'none')] + cells
    for k, cell in enumerate(todo, start=1):
        start = time.time()
        owner.pipeline = Compose(
            insert_corruption(base_pipeline, cell.transforms, insert_after))
        loader = Runner.build_dataloader(
            dict(loader_cfg, dataset=dataset), seed=seed)
        evaluator = Evaluator(copy.deepcopy(config.test_evaluator))
        evaluator.dataset_meta = getattr(dataset, 'metainfo', None)
        with torch.no_grad():
            for batch in loader:
                outputs = model.test_step(batch)
                evaluator.process(data_samples=outputs, data_batch=batch)
        metrics = evaluator.evaluate(len(dataset))
        metrics = {key.split('/')[-1]: float(v) for key, v in metrics.items()
                   if isinstance(v, (int, float))}
        metrics['num_samples'] = len(dataset)
        results[cell.family + '/' + cell.label] = metrics
        shown = ', '.join(f'{key}={v:.4f}' for key, v in metrics.items()
                          if key != 'num_samples')
        logger(f'[{name}] [{k}/{len(todo)}] {cell.family} {cell.label}: '
               f'{shown} ({time.time() - start:.1f}s)')
    clean = results['clean/none']
    for cell in corruptions:
        metrics = clean if cell.is_clean else \
            results[cell.family + '/' + cell.label]
        rows.append(dict(model=name, corruption=cell.family,
                         severity=cell.severity, label=cell.label, **metrics))
    return rows


def write_csv(rows: Sequence[Dict], path: str) -> None:
    """Write rows (atomically); columns: the union of the rows' keys."""
    from mmpartkd.utils import atomic_write
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


def plot_robustness(rows: Sequence[Dict], path: str, metric: str = 'top1',
                    title: Optional[str] = None) -> None:
    """One panel per corruption family, one line (bars for parts) per
    model: ``metric`` (an accuracy in [0, 1], shown in %) vs severity."""
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    import numpy as np

    from mmpartkd.utils import atomic_write

    families = list(dict.fromkeys(r['corruption'] for r in rows))
    models = list(dict.fromkeys(r['model'] for r in rows))
    if not families:
        raise ValueError('no rows to plot')
    if any(metric not in r for r in rows):
        raise ValueError(f'metric "{metric}" missing from some rows')
    ncols = min(3, len(families))
    nrows = (len(families) + ncols - 1) // ncols
    fig, axes = plt.subplots(nrows, ncols, figsize=(5 * ncols, 3.8 * nrows),
                             squeeze=False)
    colors = plt.rcParams['axes.prop_cycle'].by_key()['color']
    for ax, family in zip(axes.ravel(), families):
        sub = [r for r in rows if r['corruption'] == family]
        if family == 'part_occlusion':
            labels = list(dict.fromkeys(r['label'] for r in sub))
            x = np.arange(len(labels))
            width = 0.8 / len(models)
            for m, model in enumerate(models):
                acc = {r['label']: r[metric] for r in sub
                       if r['model'] == model}
                ax.bar(x + (m - (len(models) - 1) / 2) * width,
                       [100 * acc.get(lab, np.nan) for lab in labels],
                       width, label=model, color=colors[m % len(colors)])
            ax.set_xticks(x)
            ax.set_xticklabels(labels, rotation=30, ha='right')
        else:
            for m, model in enumerate(models):
                # the clean row (severity 0) of frame_rate is factor 1
                pts = sorted((float(r['severity']) or
                              (1.0 if family == 'frame_rate' else 0.0),
                              r[metric]) for r in sub if r['model'] == model)
                ax.plot([p[0] for p in pts], [100 * p[1] for p in pts],
                        marker='o', label=model,
                        color=colors[m % len(colors)])
        ax.set_title(family.replace('_', ' '))
        ax.set_xlabel(FAMILIES.get(family, (family, ))[0])
        ax.set_ylabel(f'{metric} accuracy (%)')
        ax.set_ylim(0, 100)
        ax.grid(alpha=0.3)
    for ax in axes.ravel()[len(families):]:
        ax.axis('off')
    handles, labels = axes.ravel()[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc='lower center', ncol=min(len(models), 4),
               frameon=False)
    if title:
        fig.suptitle(title)
    fig.tight_layout(rect=(0, 0.06, 1, 1))
    buf = io.BytesIO()
    fig.savefig(buf, format='png', dpi=110)
    plt.close(fig)
    with atomic_write(path, 'wb') as f:
        f.write(buf.getvalue())
