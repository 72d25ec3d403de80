"""Penn Action label ``.mat`` files -> a 2D ``penn`` layout ``PoseDataset``
pickle.

Each label file (``labels/0001.mat`` ... ``2326.mat``, Zhang, Zhu and
Derpanis, ICCV 2013) holds ``action`` (class name), ``pose`` (camera view),
``x``/``y`` (``T x 13`` pixel coordinates), ``visibility`` (``T x 13``,
1 visible / 0 not), ``bbox`` (``T x 4``), ``dimensions`` (``[H W T]``),
``nframes`` and ``train`` (1 train / -1 test). Joint order is the ``penn``
layout (`mmpartkd/structures/layouts.py`): head, L/R shoulder, L/R elbow, L/R wrist, L/R hip,
L/R knee, L/R ankle.
"""
import os.path as osp
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np

from mmpartkd.utils import atomic_dump_pickle
from .common import MalformedFileError, find_files, progress

__all__ = [
    'PENN_ACTION_CLASSES', 'read_penn_label', 'read_penn_label_split',
    'convert_penn_action'
]

#: The 15 Penn Action classes, sorted: ``label`` is the index here.
PENN_ACTION_CLASSES = ('baseball_pitch', 'baseball_swing', 'bench_press',
                       'bowl', 'clean_and_jerk', 'golf_swing', 'jump_rope',
                       'jumping_jacks', 'pullup', 'pushup', 'situp', 'squat',
                       'strum_guitar', 'tennis_forehand', 'tennis_serve')

NUM_JOINTS = 13
_REQUIRED = ('action', 'x', 'y', 'visibility', 'dimensions', 'train')


def _scalar(mat: Dict, key: str, path: str):
    value = np.asarray(mat[key]).ravel()
    if value.size != 1:
        raise MalformedFileError(
            path, f'field "{key}" must hold one value, got shape '
            f'{np.shape(mat[key])}')
    return value[0]


def read_penn_label(path: str, zero_invisible: bool = False) -> Dict:
    """Read one label file as a ``PoseDataset`` annotation (see
    :func:`read_penn_label_split`)."""
    return read_penn_label_split(path, zero_invisible)[0]


def read_penn_label_split(path: str, zero_invisible: bool = False
                          ) -> Tuple[Dict, bool]:
    """Read one label file as a ``PoseDataset`` annotation and its
    official split (True for ``train``).

    Args:
        path: ``.mat`` label file.
        zero_invisible: Set the coordinates of invisible joints to 0 (the
            mmpartkd convention for missing joints). By default they keep
            the annotators' estimate; their ``keypoint_score`` is 0 either
            way.

    Returns:
        dict: ``frame_dir`` (file stem), ``label``, ``keypoint``
        ``(1, T, 13, 2)`` float32, ``keypoint_score`` ``(1, T, 13)`` float32
        (visibility), ``total_frames``, ``img_shape`` ``(H, W)``,
        ``original_shape``, ``bbox`` ``(T, 4)`` float32 and ``view`` (the
        ``pose`` field: camera view). The official split is returned
        separately by :func:`read_penn_label_split`.

    Raises:
        MalformedFileError: naming the file and the offending field.
    """
    import scipy.io
    try:
        mat = scipy.io.loadmat(path)
    except Exception as e:  # scipy raises several types for corrupt files
        raise MalformedFileError(
            path, f'not a readable MATLAB file ({type(e).__name__}: {e})'
        ) from None
    missing = [k for k in _REQUIRED if k not in mat]
    if missing:
        raise MalformedFileError(path, f'missing field(s) {missing}')
    action = str(_scalar(mat, 'action', path)).strip()
    if action not in PENN_ACTION_CLASSES:
        raise MalformedFileError(
            path, f'field "action": unknown class "{action}" (expected one '
            f'of {", ".join(PENN_ACTION_CLASSES)})')
    arrays = {}
    for key in ('x', 'y', 'visibility'):
        arr = np.asarray(mat[key])
        if arr.ndim != 2 or arr.shape[1] != NUM_JOINTS or arr.shape[0] == 0:
            raise MalformedFileError(
                path, f'field "{key}" must be T x {NUM_JOINTS} with T > 0, '
                f'got shape {arr.shape}')
        try:
            arrays[key] = arr.astype(np.float64)
        except (TypeError, ValueError):
            raise MalformedFileError(
                path, f'field "{key}" is not numeric') from None
    T = arrays['x'].shape[0]
    for key in ('y', 'visibility'):
        if arrays[key].shape[0] != T:
            raise MalformedFileError(
                path, f'field "{key}" has {arrays[key].shape[0]} frames, '
                f'"x" has {T}')
    if not (np.isfinite(arrays['x']).all() and np.isfinite(arrays['y']).all()):
        raise MalformedFileError(path, 'fields "x"/"y" contain NaN or inf')
    vis = arrays['visibility']
    if not np.isin(vis, (0, 1)).all():
        raise MalformedFileError(
            path, 'field "visibility" must hold only 0 and 1, got '
            f'{sorted(set(np.unique(vis).tolist()) - {0, 1})[:5]}')
    dims = np.asarray(mat['dimensions']).ravel()
    if dims.size != 3 or not np.all(dims[:2] > 0):
        raise MalformedFileError(
            path, f'field "dimensions" must be [H W T], got {dims.tolist()}')
    if int(dims[2]) != T:
        raise MalformedFileError(
            path, f'field "dimensions" says {int(dims[2])} frames, "x" has '
            f'{T}')
    train = int(_scalar(mat, 'train', path))
    if train not in (1, -1):
        raise MalformedFileError(
            path, f'field "train" must be 1 (train) or -1 (test), got {train}')

    keypoint = np.stack([arrays['x'], arrays['y']], axis=-1)[None]
    score = vis[None].astype(np.float32)
    if zero_invisible:
        keypoint = keypoint * score[..., None]
    H, W = int(dims[0]), int(dims[1])
    ann = dict(
        frame_dir=osp.splitext(osp.basename(path))[0],
        label=PENN_ACTION_CLASSES.index(action),
        keypoint=keypoint.astype(np.float32),
        keypoint_score=score,
        total_frames=T,
        img_shape=(H, W),
        original_shape=(H, W))
    if 'pose' in mat and np.asarray(mat['pose']).size:
        ann['view'] = str(np.asarray(mat['pose']).ravel()[0]).strip()
    if 'bbox' in mat:
        bbox = np.asarray(mat['bbox'], dtype=np.float64)
        if bbox.ndim == 2 and bbox.shape[1] == 4:
            ann['bbox'] = bbox.astype(np.float32)
    return ann, train == 1


def convert_penn_action(label_dir: str,
                        out_file: str,
                        zero_invisible: bool = False,
                        show_progress: bool = True,
                        files: Optional[Sequence[str]] = None,
                        logger=print) -> Dict:
    """Convert a folder of Penn Action label files into one pickle with the
    official split (``split=dict(train=[...], test=[...])``) and the class
    names (``classes``). Nothing is written unless every file is valid.

    Args:
        label_dir: The ``labels`` folder (searched recursively for ``.mat``).
        out_file: Output pickle.
        zero_invisible: See :func:`read_penn_label`.
        files: Convert only these files (default: every ``.mat`` file).

    Returns:
        dict: The written content.
    """
    files = sorted(files) if files is not None else find_files(
        [label_dir], ('.mat', ))
    if not files:
        raise FileNotFoundError(f'no .mat label files under "{label_dir}"')
    annotations: List[Dict] = []
    is_train: List[bool] = []
    for path in progress(files, show_progress):
        ann, train = read_penn_label_split(path, zero_invisible)
        annotations.append(ann)
        is_train.append(train)
    if show_progress:
        logger('')
    names = [a['frame_dir'] for a in annotations]
    if len(set(names)) != len(names):
        dup = sorted({n for n in names if names.count(n) > 1})
        raise ValueError(f'duplicate sample names {dup[:5]} under '
                         f'"{label_dir}"')
    split = dict(
        train=[a['frame_dir'] for a, t in zip(annotations, is_train) if t],
        test=[a['frame_dir'] for a, t in zip(annotations, is_train)
              if not t])
    content = dict(
        split=split,
        annotations=annotations,
        classes=list(PENN_ACTION_CLASSES))
    atomic_dump_pickle(content, out_file)
    vis = np.concatenate([a['keypoint_score'].ravel() for a in annotations])
    logger(f'wrote {out_file}: {len(annotations)} sequences '
           f'({len(split["train"])} train, {len(split["test"])} test), '
           f'{100 * (1 - vis.mean()):.1f}% of joints not visible')
    return content
