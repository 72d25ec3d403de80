"""The corruption grid of the robustness benchmark (docs/robustness.md,
docs/method.md#low-quality-protocols): the corruption families and their
severities, and where in a test pipeline the corruption transforms go.

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

Every family starts with a ``severity 0`` row holding the clean accuracy.
"""
import copy
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Tuple, Union

from mmpartkd.datasets.wrappers import pipeline_cfg_owner
from mmpartkd.structures import get_layout

__all__ = [
    'Corruption', 'FAMILIES', 'default_grid', 'insert_corruption',
    'find_layout', 'config_test_pipeline', 'strip_corruptions',
    'CORRUPTION_POINT_AFTER', 'CORRUPTION_POINT_BEFORE',
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

#: mmpartkd's corruption transforms; :func:`strip_corruptions` removes them
#: from a test pipeline (a low-quality student's config) before the grid's
#: own.
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


def config_test_pipeline(cfg) -> List[dict]:
    """The test pipeline of a config (inside dataset wrappers)."""
    return list(pipeline_cfg_owner(cfg['test_dataloader']['dataset'])
                ['pipeline'])


def strip_corruptions(pipeline: Sequence[dict]) -> Tuple[List[dict],
                                                         List[str]]:
    """``pipeline`` without the :data:`LOW_QUALITY_TRANSFORMS`, and the
    names of those removed."""
    removed = [_type_name(t) for t in pipeline
               if _type_name(t) in LOW_QUALITY_TRANSFORMS]
    kept = [t for t in pipeline if _type_name(t) not in LOW_QUALITY_TRANSFORMS]
    return kept, removed
