"""NTU RGB+D 60/120 raw ``.skeleton`` files -> mmaction2 ``PoseDataset``
pickles (``ntu60_3d.pkl`` / ``ntu120_3d.pkl``).

The ``.skeleton`` text format (one record per line, Kinect v2 SDK)::

    <frame count>
    per frame:
        <body count>
        per body:
            <bodyID clipedEdges handLeftConfidence handLeftState
             handRightConfidence handRightState isResticted leanX leanY
             trackingState>                                     (10 fields)
            <joint count>                                       (25)
            per joint:
                <x y z depthX depthY colorX colorY
                 orientationW orientationX orientationY orientationZ
                 trackingState>                                 (12 fields)

Bodies are grouped by their tracking ``bodyID``; the bodies with the largest
motion energy (sum over joints and axes of the temporal variance of the
3D position) are kept, at most ``max_bodies``. A body whose frames do not
overlap those of an already kept body continues that body's slot (the Kinect
often re-assigns the ID of a person it lost for a moment), so a person
re-tracked under a new ID still counts as one person.
"""
import os.path as osp
import re
from collections import OrderedDict
from typing import Dict, Iterable, List, Optional, Sequence, Tuple, Union

import numpy as np

from mmpartkd.utils import atomic_dump_pickle
from .common import MalformedFileError, find_files, progress
from .ntu_missing_skeletons import NTU120_MISSING_SKELETONS

__all__ = [
    'NTU_TRAINING_SUBJECTS_60', 'NTU_TRAINING_CAMERAS_60',
    'NTU_TRAINING_SUBJECTS_120', 'NTU_TRAINING_SETUPS_120',
    'parse_ntu_name', 'read_ntu_skeleton', 'select_bodies',
    'ntu_skeleton_to_annotation', 'ntu_split', 'convert_ntu_rgbd',
    'load_ignore_list', 'TRACKING_STATE_SCORE'
]

#: Standard cross-subject training subjects of NTU RGB+D 60 (Shahroudy et
#: al., CVPR 2016); the other 20 subjects are the test set.
NTU_TRAINING_SUBJECTS_60 = (1, 2, 4, 5, 8, 9, 13, 14, 15, 16, 17, 18, 19, 25,
                            27, 28, 31, 34, 35, 38)
#: Standard cross-view training cameras of NTU RGB+D 60 (camera 1 is test).
NTU_TRAINING_CAMERAS_60 = (2, 3)
#: Standard cross-subject training subjects of NTU RGB+D 120 (Liu et al.,
#: TPAMI 2019).
NTU_TRAINING_SUBJECTS_120 = NTU_TRAINING_SUBJECTS_60 + (
    45, 46, 47, 49, 50, 52, 53, 54, 55, 56, 57, 58, 59, 70, 74, 78, 80, 81,
    82, 83, 84, 85, 86, 89, 91, 92, 93, 94, 95, 97, 98, 100, 103)
#: Cross-setup training setups of NTU RGB+D 120: the even setup IDs.
NTU_TRAINING_SETUPS_120 = tuple(range(2, 33, 2))

#: Kinect joint tracking state -> keypoint score.
TRACKING_STATE_SCORE = {0: 0.0, 1: 0.5, 2: 1.0}

NUM_JOINTS = 25
_NAME_RE = re.compile(r'^S(\d{3})C(\d{3})P(\d{3})R(\d{3})A(\d{3})$')
_BODY_FIELDS = 10
_JOINT_FIELDS = 12


def parse_ntu_name(name: str) -> Dict[str, int]:
    """``'S001C002P003R002A013'`` -> setup, camera, subject, replication and
    action (1-based, as in the name). Raises ``ValueError`` otherwise."""
    m = _NAME_RE.match(name)
    if m is None:
        raise ValueError(f'"{name}" is not an NTU RGB+D sample name '
                         '(SsssCcccPpppRrrrAaaa)')
    keys = ('setup', 'camera', 'subject', 'replication', 'action')
    return dict(zip(keys, (int(g) for g in m.groups())))


class _Lines:
    """Line reader that knows the 1-based number of the current line."""

    def __init__(self, path: str) -> None:
        self.path = path
        try:
            with open(path, 'r', encoding='ascii', errors='strict') as f:
                self.lines = f.read().splitlines()
        except UnicodeDecodeError as e:
            raise MalformedFileError(
                path, f'not a text .skeleton file ({e.reason} at byte '
                f'{e.start})') from None
        n = len(self.lines)
        while n and not self.lines[n - 1].strip():
            n -= 1  # trailing blank lines are harmless
        self.n = n
        self.pos = 0

    def error(self, message: str, line: Optional[int] = None):
        raise MalformedFileError(self.path, message,
                                 self.pos + 1 if line is None else line)

    def _need(self, count: int, what: str) -> None:
        if self.pos + count > self.n:
            raise MalformedFileError(
                self.path, f'unexpected end of file, expected {what}',
                self.n + 1)

    def int(self, what: str) -> int:
        self._need(1, what)
        tokens = self.lines[self.pos].split()
        if len(tokens) != 1:
            self.error(f'expected {what} (one integer), got '
                       f'"{self.lines[self.pos].strip()[:80]}"')
        try:
            value = int(tokens[0])
        except ValueError:
            self.error(f'expected {what} (one integer), got "{tokens[0]}"')
        if value < 0:
            self.error(f'{what} must be >= 0, got {value}')
        self.pos += 1
        return value

    def fields(self, count: int, what: str) -> List[str]:
        self._need(1, what)
        tokens = self.lines[self.pos].split()
        if len(tokens) != count:
            self.error(f'expected {what} ({count} fields), got '
                       f'{len(tokens)} fields')
        for t in tokens:
            try:
                float(t)
            except ValueError:
                self.error(f'{what}: "{t}" is not a number')
        self.pos += 1
        return tokens

    def table(self, rows: int, cols: int, what: str) -> np.ndarray:
        """``rows`` lines of ``cols`` finite numbers as a float array."""
        self._need(rows, f'{rows} lines of {what}')
        block = self.lines[self.pos:self.pos + rows]
        try:
            arr = np.array([line.split() for line in block], dtype=np.float64)
            ok = arr.ndim == 2 and arr.shape[1] == cols
        except ValueError:
            ok = False
        if not ok or not np.isfinite(arr).all():
            for i, line in enumerate(block):  # find the offending line
                tokens = line.split()
                where = self.pos + i + 1
                if len(tokens) != cols:
                    self.error(f'expected {what} ({cols} fields), got '
                               f'{len(tokens)} fields', where)
                for t in tokens:
                    try:
                        v = float(t)
                    except ValueError:
                        self.error(f'{what}: "{t}" is not a number', where)
                    if not np.isfinite(v):
                        self.error(f'{what}: non-finite value "{t}"', where)
            self.error(f'malformed {what}')  # pragma: no cover
        self.pos += rows
        return arr


def read_ntu_skeleton(path: str, num_joints: int = NUM_JOINTS
                      ) -> Tuple[int, 'OrderedDict[str, Dict]']:
    """Parse one ``.skeleton`` file.

    Returns:
        tuple: ``(num_frames, bodies)`` where ``bodies`` maps each tracking
        ``bodyID`` (in order of first appearance) to
        ``dict(frames=int array (n,), xyz=(n, V, 3) float64,
        state=(n, V) int array)``.

    Raises:
        MalformedFileError: naming the file and line of the first problem.
    """
    reader = _Lines(path)
    num_frames = reader.int('the frame count')
    bodies: 'OrderedDict[str, Dict]' = OrderedDict()
    for t in range(num_frames):
        num_bodies = reader.int(f'the body count of frame {t + 1}')
        seen = set()
        for b in range(num_bodies):
            info = reader.fields(_BODY_FIELDS,
                                 f'body info of frame {t + 1} body {b + 1}')
            body_id = info[0]
            if body_id in seen:
                reader.error(f'body ID {body_id} appears twice in frame '
                             f'{t + 1}', reader.pos)
            seen.add(body_id)
            line = reader.pos + 1
            count = reader.int(f'the joint count of frame {t + 1} body '
                               f'{b + 1}')
            if count != num_joints:
                reader.error(f'expected {num_joints} joints, got {count}',
                             line)
            joints = reader.table(
                count, _JOINT_FIELDS,
                f'joint info of frame {t + 1} body {b + 1}')
            state = joints[:, 11]
            bad = ~np.isin(state, (0, 1, 2))
            if bad.any():
                j = int(np.flatnonzero(bad)[0])
                reader.error(f'joint trackingState must be 0, 1 or 2, got '
                             f'{joints[j, 11]:g}', reader.pos - count + j + 1)
            body = bodies.setdefault(body_id,
                                     dict(frames=[], xyz=[], state=[]))
            body['frames'].append(t)
            body['xyz'].append(joints[:, :3])
            body['state'].append(state.astype(np.int8))
    if reader.pos < reader.n:
        reader.error(f'unexpected content after the last of {num_frames} '
                     'frames (wrong frame or body count?)')
    for body in bodies.values():
        body['frames'] = np.asarray(body['frames'], dtype=np.int64)
        body['xyz'] = np.stack(body['xyz'])
        body['state'] = np.stack(body['state'])
    return num_frames, bodies


def _motion_energy(xyz: np.ndarray) -> float:
    """Sum over joints and axes of the temporal variance of the frames that
    are not all zero; 0 for fewer than two such frames."""
    valid = np.any(xyz != 0, axis=(1, 2))
    if valid.sum() < 2:
        return 0.0
    return float(xyz[valid].var(axis=0).sum())


def select_bodies(bodies: Dict[str, Dict], num_frames: int,
                  max_bodies: int = 2) -> List[List[str]]:
    """Choose which tracked bodies become the (at most ``max_bodies``)
    persons of the sample.

    Bodies are visited by decreasing motion energy (ties: first appearance);
    each one joins the first person slot whose frames it does not overlap,
    or opens a new slot while fewer than ``max_bodies`` exist, else it is
    dropped.

    Returns:
        list[list[str]]: Body IDs per kept person, persons ordered by the
        energy of their first (most energetic) body.
    """
    order = sorted(
        enumerate(bodies.items()),
        key=lambda item: (-_motion_energy(item[1][1]['xyz']), item[0]))
    slots: List[List[str]] = []
    used: List[np.ndarray] = []
    for _, (body_id, body) in order:
        frames = np.zeros(num_frames, dtype=bool)
        frames[body['frames']] = True
        for ids, occupied in zip(slots, used):
            if not (occupied & frames).any():
                ids.append(body_id)
                occupied |= frames
                break
        else:
            if len(slots) < max_bodies:
                slots.append([body_id])
                used.append(frames)
    return slots


def ntu_skeleton_to_annotation(path: str, max_bodies: int = 2,
                               with_score: bool = False,
                               dtype: str = 'float32') -> Optional[Dict]:
    """Convert one ``.skeleton`` file to a ``PoseDataset`` annotation.

    Returns:
        dict | None: ``frame_dir``, ``label`` (action - 1), ``keypoint``
        ``(M, T, 25, 3)``, ``total_frames`` and, with ``with_score``,
        ``keypoint_score`` ``(M, T, 25)`` (tracking state: 0 not tracked,
        0.5 inferred, 1 tracked; 0 where the person is absent). None if the
        file holds no body at all.
    """
    name = osp.basename(path)
    if name.lower().endswith('.skeleton'):
        name = name[:-len('.skeleton')]
    try:
        meta = parse_ntu_name(name)
    except ValueError as e:
        raise MalformedFileError(path, str(e)) from None
    num_frames, bodies = read_ntu_skeleton(path)
    if num_frames == 0 or not bodies:
        return None
    slots = select_bodies(bodies, num_frames, max_bodies)
    M = len(slots)
    keypoint = np.zeros((M, num_frames, NUM_JOINTS, 3), dtype=np.float64)
    score = np.zeros((M, num_frames, NUM_JOINTS), dtype=np.float32)
    lut = np.array([TRACKING_STATE_SCORE[s] for s in range(3)],
                   dtype=np.float32)
    for m, ids in enumerate(slots):
        for body_id in ids:
            body = bodies[body_id]
            keypoint[m, body['frames']] = body['xyz']
            score[m, body['frames']] = lut[body['state']]
    ann = dict(
        frame_dir=name,
        label=meta['action'] - 1,
        keypoint=keypoint.astype(dtype),
        total_frames=num_frames)
    if with_score:
        ann['keypoint_score'] = score
    return ann


def ntu_split(names: Sequence[str], task: str) -> Dict[str, List[str]]:
    """Standard splits: ``xsub``/``xview`` for ``ntu60``, ``xsub``/``xset``
    for ``ntu120``, each as ``<benchmark>_train`` / ``<benchmark>_val``."""
    if task not in ('ntu60', 'ntu120'):
        raise ValueError(f'task must be "ntu60" or "ntu120", got "{task}"')
    if task == 'ntu60':
        rules = dict(
            xsub=lambda m: m['subject'] in NTU_TRAINING_SUBJECTS_60,
            xview=lambda m: m['camera'] in NTU_TRAINING_CAMERAS_60)
    else:
        rules = dict(
            xsub=lambda m: m['subject'] in NTU_TRAINING_SUBJECTS_120,
            xset=lambda m: m['setup'] in NTU_TRAINING_SETUPS_120)
    split = {}
    for bench, is_train in rules.items():
        split[f'{bench}_train'], split[f'{bench}_val'] = [], []
        for name in names:
            key = 'train' if is_train(parse_ntu_name(name)) else 'val'
            split[f'{bench}_{key}'].append(name)
    return split


def load_ignore_list(path: str) -> frozenset:
    """Sample names, one per line (``.skeleton`` suffixes, blank lines and
    ``#`` comments allowed; other text lines are ignored, as in the
    official files which start with two sentences)."""
    names = set()
    with open(path, 'r') as f:
        for line in f:
            token = line.split('#', 1)[0].strip()
            if token.endswith('.skeleton'):
                token = token[:-len('.skeleton')]
            if _NAME_RE.match(token):
                names.add(token)
    return frozenset(names)


def _convert_one(args: Tuple[str, int, bool, str]) -> Optional[Dict]:
    return ntu_skeleton_to_annotation(*args)


def convert_ntu_rgbd(data_paths: Union[str, Sequence[str]],
                     out_dir: str,
                     tasks: Sequence[str] = ('ntu60', ),
                     ignore: Optional[Iterable[str]] = None,
                     with_score: bool = False,
                     max_bodies: int = 2,
                     dtype: str = 'float32',
                     nproc: int = 1,
                     show_progress: bool = True,
                     logger=print) -> Dict[str, str]:
    """Convert a folder (or folders) of ``.skeleton`` files.

    Args:
        data_paths: Folder(s) searched recursively for ``*.skeleton`` (NTU
            RGB+D 120 comes as two archives, ``s001_to_s017`` and
            ``s018_to_s032``).
        out_dir: Where ``<task>_3d.pkl`` is written (atomically, only after
            every file was read).
        tasks: ``'ntu60'`` (setups 1-17, actions 1-60) and/or ``'ntu120'``.
        ignore: Sample names to skip; None for the official lists of samples
            with missing skeletons, ``()`` to keep everything.
        with_score: Keep the joint tracking state as ``keypoint_score``.
        max_bodies: Persons kept per sample.
        dtype: ``'float32'`` or ``'float16'`` for ``keypoint``.
        nproc: Parallel reader processes.

    Returns:
        dict: task -> path of the written pickle.
    """
    tasks = list(dict.fromkeys(tasks))
    for task in tasks:
        if task not in ('ntu60', 'ntu120'):
            raise ValueError(f'unknown task "{task}" (ntu60 or ntu120)')
    if not tasks:
        raise ValueError('no task given')
    if max_bodies < 1:
        raise ValueError('max_bodies must be >= 1')
    if dtype not in ('float32', 'float16'):
        raise ValueError(f'dtype must be float32 or float16, got {dtype}')
    ignore = NTU120_MISSING_SKELETONS if ignore is None else frozenset(ignore)

    files = find_files(data_paths, ('.skeleton', ))
    if not files:
        raise FileNotFoundError(f'no .skeleton files under {data_paths}')
    by_name: Dict[str, str] = {}
    for path in files:
        name = osp.basename(path)[:-len('.skeleton')]
        try:
            meta = parse_ntu_name(name)
        except ValueError as e:
            raise MalformedFileError(path, str(e)) from None
        if name in by_name:
            raise ValueError(f'sample {name} found twice: {by_name[name]} '
                             f'and {path}')
        if 'ntu120' in tasks or (meta['setup'] <= 17
                                 and meta['action'] <= 60):
            by_name[name] = path
    names = sorted(by_name)
    ignored = [n for n in names if n in ignore]
    names = [n for n in names if n not in ignore]
    logger(f'{len(files)} .skeleton files, {len(names)} to convert, '
           f'{len(ignored)} skipped as samples with missing skeletons')

    jobs = [(by_name[n], max_bodies, with_score, dtype) for n in names]
    if nproc > 1 and len(jobs) > 1:
        import multiprocessing as mp
        with mp.Pool(nproc) as pool:
            chunk = max(1, min(64, len(jobs) // (nproc * 8)))
            results = list(
                progress(pool.imap(_convert_one, jobs, chunksize=chunk),
                         show_progress, total=len(jobs)))
    else:
        results = [_convert_one(j) for j in progress(jobs, show_progress)]
    annotations: Dict[str, Dict] = {}
    empty = []
    for name, ann in zip(names, results):
        if ann is None:
            empty.append(name)
        else:
            annotations[name] = ann
    if show_progress:
        logger('')
    if empty:
        logger(f'{len(empty)} samples have no skeleton in any frame and '
               f'were skipped: {", ".join(empty[:10])}'
               f'{" ..." if len(empty) > 10 else ""}')

    outputs = {}
    for task in tasks:
        if task == 'ntu60':
            keep = [
                n for n in annotations if parse_ntu_name(n)['setup'] <= 17
                and parse_ntu_name(n)['action'] <= 60
            ]
        else:
            keep = list(annotations)
            if not any(parse_ntu_name(n)['setup'] > 17 for n in keep):
                logger('warning: ntu120 requested but no sample of setups '
                       '18-32 was found (is the s018_to_s032 archive among '
                       'the data paths?)')
        if not keep:
            raise ValueError(f'no sample of {task} found under {data_paths}')
        out = osp.join(out_dir, f'{task}_3d.pkl')
        atomic_dump_pickle(
            dict(split=ntu_split(keep, task),
                 annotations=[annotations[n] for n in keep]), out)
        logger(f'wrote {out}: {len(keep)} samples')
        outputs[task] = out
    return outputs

