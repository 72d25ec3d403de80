"""What the teacher and the student see: one sample of a config's dataset
drawn as a PNG strip of a few frames and an animated GIF
(``tools/visualize_skeleton.py``).

The sample is run through its dataset's pipeline **up to formatting**
(``FormatGCNInput`` / ``Pack*``): a distillation pipeline has then made the
teacher's high-quality copy (``hq_keypoint``, by ``CopyHighQuality``) and
the student's low-quality ``keypoint`` (after the corruptions and any
``ConvertLayout`` / ``ProjectTo2D``), both still ``(M, T, V, C)`` arrays with
their ``keypoint_score``; reading them there avoids un-doing
``FormatGCNInput``'s person padding and score channel.

**Missing joints** follow the project's convention
(:mod:`mmpartkd.datasets.transforms.utils`, docs/method.md#low-quality-protocols):
all coordinates 0 (and score 0). They are drawn as grey ``x`` markers at the
joint's last known position in the same view (else its next known one, else
the teacher's position of the same joint), with no bones. As for the
transforms (``present_joints``), this includes a joint that truly sits at
the origin: ``PreNormalize3D``'s centre joint (spine mid) in the first frame
of a clip. A joint with
coordinates but score 0 (Penn Action's annotator estimates of invisible
joints, which the teacher is given) is not missing.

Joints and bones are coloured by body part (docs/method.md#part-matching):
with a row of the part matrix (docs/method.md#part-matrix), by that part's
weight on a colormap whose top colour is the row's largest weight; without
one, one plain colour per part.
"""
import copy
import os
import os.path as osp
import pickle
import tempfile
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np

from mmpartkd.datasets.wrappers import pipeline_owner
from mmpartkd.models.heads import load_part_matrix
from mmpartkd.structures import PART_NAMES, Layout, get_layout
from mmpartkd.utils import atomic_write

__all__ = [
    'SkeletonView', 'load_skeleton_views', 'load_part_matrix_row',
    'joint_parts', 'draw_skeleton_frame', 'plot_skeleton_strip',
    'animate_skeleton', 'MISSING_GID', 'JOINTS_GID'
]

#: ``gid`` of the scatter collections of missing and present joints
MISSING_GID = 'missing_joints'
JOINTS_GID = 'joints'
#: transforms from which on the pipeline formats / packs the sample
FORMATTING = ('FormatGCNInput', 'FormatShape', 'PackActionInputs',
              'PackDistillInputs', 'GenSkeModalities', 'MultiView')
#: feature transforms skipped (``GenSkeFeat`` would append the score as a
#: coordinate, or turn joints into bones)
SKIPPED = ('GenSkeFeat', )
SPLIT_LOADERS = dict(train='train_dataloader', val='val_dataloader',
                     test='test_dataloader')
MISSING_COLOR = '0.55'
CMAP = 'viridis'


@dataclass
class SkeletonView:
    """One side of the figure.

    Args:
        keypoint (np.ndarray): ``(M, T, V, C)``, C = 2 or 3.
        missing (np.ndarray): ``(M, T, V)`` bool, the missing joints.
        layout (Layout): The joints' layout (bones, parts).
        name (str): Panel title, e.g. ``'teacher (high quality)'``.
        fallback (np.ndarray, optional): ``(M, T, V, >=2)`` positions used
            for joints missing in every frame (the teacher's, mapped).
    """
    keypoint: np.ndarray
    missing: np.ndarray
    layout: Layout
    name: str
    fallback: Optional[np.ndarray] = None

    @property
    def num_frames(self) -> int:
        return self.keypoint.shape[1]

    def marker_positions(self) -> np.ndarray:
        """Where each joint is drawn, ``(M, T, V, C)``: its position, or for
        a missing joint its last known one (next known for a leading gap,
        else ``fallback``); NaN where none is known."""
        pos = self.keypoint.astype(np.float64).copy()
        pos[self.missing] = np.nan
        M, T, V, C = pos.shape
        # forward fill, then backward fill, along time
        for order in (range(1, T), range(T - 2, -1, -1)):
            step = 1 if order.step == 1 else -1
            for t in order:
                gap = np.isnan(pos[:, t, :, 0])
                pos[:, t][gap] = pos[:, t - step][gap]
        if self.fallback is not None:
            gap = np.isnan(pos[..., 0])
            fb = self.fallback[..., :C].astype(np.float64)
            pos[gap] = fb[gap] if fb.shape[-1] == C else np.nan
        return pos


def _transform_name(t) -> str:
    return t['type'] if isinstance(t, dict) else type(t).__name__


def _class_names(ann_file: Optional[str]) -> Optional[List[str]]:
    if not ann_file or not osp.isfile(ann_file):
        return None
    with open(ann_file, 'rb') as f:
        data = pickle.load(f)
    classes = data.get('classes') if isinstance(data, dict) else None
    return list(classes) if classes else None


def _config_layout(cfg, keys: Sequence[str]):
    """The first ``model`` sub-key of ``keys`` (dotted) that is set."""
    for key in keys:
        node = cfg
        for part in key.split('.'):
            node = node.get(part) if hasattr(node, 'get') else None
            if node is None:
                break
        if node is not None:
            return key, node
    return None, None


def _resolve_layout(cfg, num_joints: int, explicit, keys: Sequence[str],
                    config_name: str) -> Layout:
    """The layout of a ``num_joints``-joint array: ``explicit`` (from the
    pipeline), else the first config key of ``keys`` that is set, else the
    only registered layout with that many joints."""
    from mmpartkd.structures import LAYOUTS
    key, value = ('pipeline', explicit) if explicit is not None else \
        _config_layout(cfg, keys)
    if value is not None:
        layout = get_layout(value.to_dict() if hasattr(value, 'to_dict')
                            else value)
        if layout.num_node == num_joints:
            return layout
    same = [lay for lay in LAYOUTS.values() if lay.num_node == num_joints]
    if len(same) == 1:
        return same[0]
    raise ValueError(
        f'{config_name}: cannot tell the layout of {num_joints}-joint '
        f'skeletons (config key {key or " / ".join(keys)} = {value!r}); set '
        f'it, e.g. --cfg-options {keys[0]}=<layout name>')


def load_skeleton_views(cfg, index: int, split: str = 'train',
                        sides: Sequence[str] = ('teacher', 'student'),
                        seed: int = 0,
                        config_name: str = 'config'
                        ) -> Tuple[List[SkeletonView], Dict]:
    """Run sample ``index`` of ``split`` through its pipeline up to
    formatting and return the requested sides and the sample's metadata.

    Args:
        cfg (mmengine.Config): A config (a distillation config for the
            teacher side).
        index (int): Sample index in the split (after its filtering).
        split (str): ``'train'``, ``'val'`` or ``'test'``: which dataloader.
        sides (Sequence[str]): ``'teacher'`` (the ``CopyHighQuality`` copy)
            and/or ``'student'`` (the low-quality input), in drawing order.
        seed (int): Seeds numpy's and Python's global generators, from which
            training-mode transforms draw (frame sampling, corruptions).
        config_name (str): Names the config in error messages.

    Returns:
        tuple[list[SkeletonView], dict]: The views and ``dict(label,
        class_name, frame_dir, index, split)``.

    Raises:
        KeyError: Unknown split or side, or a config without that split's
            dataloader.
        IndexError: ``index`` out of range.
        ValueError: The teacher side of a pipeline without
            ``CopyHighQuality``; an unknown layout.
    """
    import random

    from mmaction.registry import DATASETS
    if split not in SPLIT_LOADERS:
        raise KeyError(f'split must be one of {list(SPLIT_LOADERS)}, got '
                       f'"{split}"')
    bad = [s for s in sides if s not in ('teacher', 'student')]
    if bad or not sides:
        raise KeyError(f'sides must be "teacher" and/or "student", got '
                       f'{list(sides)}')
    loader_key = SPLIT_LOADERS[split]
    if loader_key not in cfg:
        raise KeyError(f'{config_name} has no {loader_key}')
    dataset = pipeline_owner(DATASETS.build(copy.deepcopy(
        cfg[loader_key]['dataset'])))
    transforms = dataset.pipeline.transforms
    names = [_transform_name(t) for t in transforms]
    stop = next((i for i, n in enumerate(names) if n in FORMATTING),
                len(names))
    if 'teacher' in sides and 'CopyHighQuality' not in names[:stop]:
        raise ValueError(
            f'{config_name}: {loader_key}.dataset.pipeline has no '
            'CopyHighQuality before its formatting, so there is no teacher '
            '(high-quality) copy to draw; use a distillation config\'s train '
            'split, or draw the student side only (--sides student)')
    if not 0 <= index < len(dataset):
        raise IndexError(f'{config_name}: sample index {index} out of range: '
                         f'{loader_key} ({split} split) has {len(dataset)} '
                         'samples')
    np.random.seed(seed)
    random.seed(seed)
    results = dataset.get_data_info(index)
    for name, t in zip(names[:stop], transforms[:stop]):
        if name in SKIPPED:
            continue
        results = t(results)
        if results is None:
            raise ValueError(f'{config_name}: {name} dropped sample {index}')

    label = int(np.asarray(results.get('label', -1)).reshape(-1)[0])
    classes = _class_names(getattr(dataset, 'ann_file', None))
    meta = dict(label=label, index=index, split=split,
                frame_dir=str(results.get('frame_dir', index)),
                class_name=classes[label] if classes and 0 <= label < len(
                    classes) else f'class {label}')

    # the teacher's layout is the data's before any ConvertLayout after the
    # copy (its source); the student's is the last ConvertLayout's target
    converts = [t for n, t in zip(names[:stop], transforms[:stop])
                if n == 'ConvertLayout']
    hq_layout = converts[0].source if converts else None
    teacher = student = None
    if 'teacher' in sides:
        hq = results['hq_keypoint']
        teacher_layout = _resolve_layout(
            cfg, hq.shape[2], hq_layout,
            ('model.teacher_neck.layout', 'model.backbone.graph_cfg.layout'),
            config_name)
        teacher = SkeletonView(hq, _missing(hq), teacher_layout,
                               'teacher: high quality')
    if 'student' in sides:
        lq = results['keypoint']
        explicit = results.get('layout') or (converts[-1].target
                                             if converts else None)
        student_layout = _resolve_layout(
            cfg, lq.shape[2], explicit,
            ('model.student_neck.layout',
             'model.student.backbone.graph_cfg.layout',
             'model.backbone.graph_cfg.layout'), config_name)
        student = SkeletonView(lq, _missing(lq), student_layout,
                               'student: low quality')
        if teacher is not None:
            student.fallback = _mapped(teacher, student_layout)
    views = [teacher if s == 'teacher' else student for s in sides]
    return views, meta


def _missing(keypoint: np.ndarray) -> np.ndarray:
    """The missing joints ``(M, T, V)``: all coordinates 0 (see the module
    docstring)."""
    return ~keypoint.any(axis=-1)


def _mapped(teacher: SkeletonView, layout: Layout) -> Optional[np.ndarray]:
    """The teacher's joint positions in ``layout``'s joint order (NaN where
    the teacher has no such joint), or None without a joint mapping."""
    from mmpartkd.structures import get_joint_mapping
    try:
        index = get_joint_mapping(teacher.layout.name, layout.name)
    except KeyError:
        return None
    kp = teacher.keypoint.astype(np.float64)
    out = kp[:, :, np.maximum(index, 0)]
    out[:, :, index < 0] = np.nan
    out[teacher.missing[:, :, np.maximum(index, 0)]] = np.nan
    return out


def load_part_matrix_row(path: str, label: int,
                         class_name: str = '') -> Dict[str, float]:
    """Row ``label`` of the ``(K, P)`` part matrix saved at ``path``
    (``tools/compute_part_matrix.py``), as ``{part: weight}``; columns are
    the six :data:`~mmpartkd.structures.PART_NAMES` in order (checked
    against the matrix's JSON sidecar, as training does:
    :func:`~mmpartkd.models.heads.load_part_matrix`).

    Raises:
        FileNotFoundError: No such file.
        ValueError: Not a valid ``(K, 6)`` matrix, or no row ``label``.
    """
    matrix = load_part_matrix(path, None, len(PART_NAMES), PART_NAMES)
    if not 0 <= label < matrix.shape[0]:
        raise ValueError(f'part matrix "{path}" has {matrix.shape[0]} rows '
                         f'(classes); the sample\'s class {label} '
                         f'{class_name!r} has none')
    return {p: float(w) for p, w in zip(PART_NAMES, matrix[label])}


def joint_parts(layout: Layout, weights: Optional[Dict[str, float]] = None
                ) -> List[str]:
    """The part each joint is coloured by. A joint in several parts (a
    shoulder is in the torso and an arm) takes the one with the largest
    weight; ties, and no ``weights``, go to the part listed last (limbs are
    listed after the torso)."""
    out = []
    for j in range(layout.num_node):
        parts = [p for p, joints in layout.parts.items() if j in joints]
        if not parts:
            out.append('')
            continue
        if weights is None:
            out.append(parts[-1])
        else:
            best = max(weights.get(p, 0.) for p in parts)
            out.append([p for p in parts if weights.get(p, 0.) == best][-1])
    return out


def _bones(layout: Layout) -> List[Tuple[int, int]]:
    return [(a, b) for a, b in layout.bones if a != b]


class _Style:
    """Colour of each part: by weight on a colormap, or a plain colour."""

    def __init__(self, weights: Optional[Dict[str, float]]) -> None:
        import matplotlib
        from matplotlib.colors import Normalize
        self.weights = weights
        if weights is not None:
            self.cmap = matplotlib.colormaps[CMAP]
            # the largest weight gets the colormap's top colour
            self.norm = Normalize(0., max(max(weights.values()), 1e-12))
        else:
            plain = matplotlib.colormaps['tab10'].colors
            self.plain = {p: plain[i % len(plain)]
                          for i, p in enumerate(PART_NAMES)}

    def color(self, part: str):
        if self.weights is None:
            return self.plain.get(part, (0., 0., 0.))
        return self.cmap(self.norm(self.weights.get(part, 0.)))


def _limits(view: SkeletonView, dims: int) -> np.ndarray:
    pos = view.marker_positions()[..., :dims].reshape(-1, dims)
    pos = pos[np.isfinite(pos).all(1)]
    if len(pos) == 0:
        return np.array([[-1., 1.]] * dims)
    lo, hi = pos.min(0), pos.max(0)
    centre, half = (lo + hi) / 2, max((hi - lo).max() / 2, 1e-3) * 1.1
    return np.stack([centre - half, centre + half], 1)


def _y_down(layout: Layout) -> bool:
    # 2D layouts are image coordinates (y down); 3D ones are y up, also
    # after ProjectTo2D
    return layout.dims == 2


def draw_skeleton_frame(ax, view: SkeletonView, t: int,
                        weights: Optional[Dict[str, float]] = None,
                        view3d: bool = False) -> Dict[str, list]:
    """Draw frame ``t`` of ``view`` (every person) on ``ax`` (cleared).

    3D data is drawn as its ``(x, y)`` projection unless ``view3d`` (then
    ``ax`` must be a 3D axes). Bones join present joints only; missing
    joints are grey ``x`` markers (collection ``gid`` :data:`MISSING_GID`)
    at :meth:`SkeletonView.marker_positions`, present ones are coloured by
    part (:data:`JOINTS_GID`).

    Returns:
        dict: ``'missing'``: the ``(person, joint)`` pairs drawn as missing;
        ``'joints'``: the part of each present joint drawn.
    """
    layout = view.layout
    dims = 3 if view3d and view.keypoint.shape[-1] == 3 else 2
    style = _Style(weights)
    parts = joint_parts(layout, weights)
    pos_all = view.marker_positions()
    limits = _limits(view, dims)
    ax.cla()
    drawn = dict(missing=[], joints=[])
    present_xy, present_c, missing_xy = [], [], []
    for m in range(view.keypoint.shape[0]):
        if view.missing[m].all():
            continue  # an empty person slot
        kp = view.keypoint[m, t, :, :dims]
        miss = view.missing[m, t]
        for a, b in _bones(layout):
            if miss[a] or miss[b]:
                continue
            common = [p for p in layout.parts
                      if a in layout.parts[p] and b in layout.parts[p]]
            part = parts[a] if not common else (
                common[-1] if weights is None else
                max(reversed(common), key=lambda p: weights.get(p, 0.)))
            ax.plot(*[kp[[a, b], d] for d in range(dims)],
                    color=style.color(part), lw=2.2, solid_capstyle='round',
                    zorder=2)
        for j in range(layout.num_node):
            if miss[j]:
                if np.isfinite(pos_all[m, t, j, :dims]).all():
                    missing_xy.append(pos_all[m, t, j, :dims])
                    drawn['missing'].append((m, j))
            else:
                present_xy.append(kp[j])
                present_c.append(style.color(parts[j]))
                drawn['joints'].append(parts[j])
    for pts, kwargs in (
        (present_xy, dict(c=present_c, s=22, gid=JOINTS_GID, zorder=3,
                          edgecolors='white', linewidths=0.5)),
        (missing_xy, dict(c=MISSING_COLOR, s=24, marker='x',
                          gid=MISSING_GID, zorder=4, linewidths=1.0)),
    ):
        pts = np.asarray(pts, dtype=np.float64).reshape(-1, dims)
        ax.scatter(*[pts[:, d] for d in range(dims)], **kwargs)
    ax.set_xlim(*limits[0])
    if _y_down(layout) and not view3d:
        ax.set_ylim(limits[1][1], limits[1][0])
    else:
        ax.set_ylim(*limits[1])
    if dims == 3:
        ax.set_zlim(*limits[2])
    else:
        ax.set_aspect('equal')
    ax.set_xticks([])
    ax.set_yticks([])
    if dims == 3:
        ax.set_zticks([])
    return drawn


def _frame_indices(num_frames: int, count: Optional[int]) -> np.ndarray:
    if count is None or count >= num_frames:
        return np.arange(num_frames)
    if count < 1:
        raise ValueError(f'frames must be >= 1, got {count}')
    return np.unique(np.linspace(0, num_frames - 1, count).round().astype(
        int))


def _figure(views: Sequence[SkeletonView], rows: int, cols: int,
            view3d: bool, weights, cell: float = 2.2):
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    fig = plt.figure(figsize=(cell * cols + (0.9 if weights else 0.),
                              cell * rows + 0.7))
    axes = np.empty((rows, cols), dtype=object)
    for r in range(rows):
        for c in range(cols):
            view = views[r] if rows == len(views) else views[c]
            projection = '3d' if view3d and view.keypoint.shape[-1] == 3 \
                else None
            axes[r, c] = fig.add_subplot(rows, cols, r * cols + c + 1,
                                         projection=projection)
    return fig, axes


def _decorate(fig, axes, views, weights, title: Optional[str]) -> None:
    import matplotlib.pyplot as plt
    from matplotlib.cm import ScalarMappable
    from matplotlib.lines import Line2D
    if weights is not None:
        style = _Style(weights)
        sm = ScalarMappable(norm=style.norm, cmap=style.cmap)
        bar = fig.colorbar(sm, ax=list(axes.ravel()), fraction=0.04,
                           pad=0.02)
        bar.set_label('part weight (class row of the part matrix)',
                      fontsize=7)
        bar.ax.tick_params(labelsize=6)
    else:
        style = _Style(None)
        handles = [Line2D([], [], color=style.color(p), lw=2,
                          label=p.replace('_', ' ')) for p in PART_NAMES]
        fig.legend(handles=handles, loc='lower center', ncol=6, fontsize=6,
                   frameon=False)
    handle = Line2D([], [], ls='', marker='x', color=MISSING_COLOR,
                    label='missing joint (all-zero; drawn at its last known '
                    'position)')
    fig.legend(handles=[handle], loc='lower left', fontsize=6,
               frameon=False)
    if title:
        fig.suptitle(title, fontsize=8)
    plt.setp([ax.title for ax in axes.ravel()], fontsize=7)


def _layout_name(view: SkeletonView) -> str:
    return (f'{view.layout.name}, {view.layout.num_node} joints, '
            f'{view.keypoint.shape[-1]}D')


def plot_skeleton_strip(views: Sequence[SkeletonView], path: str,
                        frames: int = 6,
                        weights: Optional[Dict[str, float]] = None,
                        title: Optional[str] = None, view3d: bool = False,
                        dpi: int = 90):
    """A PNG strip: one row per view (teacher above student), ``frames``
    evenly spaced frames of the clip as columns.

    Args:
        views (Sequence[SkeletonView]): The sides, same frame count.
        path (str): Output ``.png``.
        frames (int): Columns (all frames if the clip is shorter).
        weights (dict, optional): ``{part: weight}`` (a part-matrix row);
            None draws plain part colours.
        title (str, optional): Figure title.
        view3d (bool): Draw 3D data in 3D instead of its ``(x, y)``.
        dpi (int): Resolution.

    Returns:
        The closed matplotlib figure (its artists can still be inspected).
    """
    import matplotlib.pyplot as plt
    if not views:
        raise ValueError('no view to draw')
    index = _frame_indices(views[0].num_frames, frames)
    fig, axes = _figure(views, len(views), len(index), view3d, weights)
    for r, view in enumerate(views):
        for c, t in enumerate(index):
            ax = axes[r, c]
            draw_skeleton_frame(ax, view, int(t), weights, view3d)
            ax.set_title(f'frame {t}' if r == 0 else '', fontsize=7)
        label = f'{view.name}\n({_layout_name(view)})'
        if axes[r, 0].name == '3d':
            axes[r, 0].text2D(-0.1, 0.5, label, fontsize=7, rotation=90,
                              va='center', ha='right',
                              transform=axes[r, 0].transAxes)
        else:
            axes[r, 0].set_ylabel(label, fontsize=7)
    _decorate(fig, axes, views, weights, title)
    _save(fig, path, dpi)
    plt.close(fig)
    return fig


def _save(fig, path: str, dpi: int) -> None:
    import io
    buf = io.BytesIO()
    fig.savefig(buf, format='png', dpi=dpi)
    with atomic_write(path, 'wb') as f:
        f.write(buf.getvalue())


def animate_skeleton(views: Sequence[SkeletonView], path: str,
                     frames: Optional[int] = None,
                     weights: Optional[Dict[str, float]] = None,
                     title: Optional[str] = None, view3d: bool = False,
                     fps: int = 8, dpi: int = 80) -> int:
    """An animated GIF: the views side by side, one GIF frame per clip
    frame (or ``frames`` evenly spaced ones), written with matplotlib's
    ``PillowWriter``.

    Returns:
        int: The number of GIF frames written.
    """
    import matplotlib.pyplot as plt
    from matplotlib.animation import FuncAnimation, PillowWriter
    if not views:
        raise ValueError('no view to draw')
    index = _frame_indices(views[0].num_frames, frames)
    fig, axes = _figure(views, 1, len(views), view3d, weights, cell=2.8)
    _decorate(fig, axes, views, weights, title)

    def update(k):
        for ax, view in zip(axes[0], views):
            draw_skeleton_frame(ax, view, int(index[k]), weights, view3d)
            ax.set_title(f'{view.name}\n{_layout_name(view)}, frame '
                         f'{index[k]}', fontsize=7)
        return []

    anim = FuncAnimation(fig, update, frames=len(index), blit=False)
    os.makedirs(osp.dirname(osp.abspath(path)), exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f'.{osp.basename(path)}.',
                               suffix='.gif', dir=osp.dirname(
                                   osp.abspath(path)))
    os.close(fd)
    try:
        anim.save(tmp, writer=PillowWriter(fps=fps), dpi=dpi)
        os.replace(tmp, path)
    finally:
        plt.close(fig)
        if osp.exists(tmp):
            os.remove(tmp)
    return len(index)
