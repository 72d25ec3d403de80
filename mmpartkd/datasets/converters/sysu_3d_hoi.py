"""SYSU 3D Human-Object Interaction skeleton files -> a 3D ``kinect_v1``
layout ``PoseDataset`` pickle with the two standard settings.

SYSU 3D HOI (Hu, Zheng, Lai, Zhang, CVPR 2015): 480 Kinect v1 sequences,
12 actions, 40 subjects, 20 joints. The dataset is not available where this
converter was written, so the raw format below is an **assumption** (the
common release: one folder per sample holding a skeleton text file with
20 joints x (x, y, z) per frame); the reader is deliberately tolerant:

* **Which sample.** Subject and action are read from the file's path
  relative to the data root. The path is cut into tokens at ``/ _ - .`` and
  spaces; a token ``subject12``/``sub12``/``person12``/``s12``/``p12`` (or a
  token ``subject`` followed by ``12``) gives the subject, likewise
  ``action3``/``act3``/``a3`` (or ``action`` then ``3``) the action
  (1-based), case-insensitive. So ``S12/A03/skeleton.txt``,
  ``action_3/subject_12.txt`` and ``a03_s12.txt`` all work. ``pattern`` (a
  regular expression with named groups ``subject`` and ``action``, searched
  in the relative path with ``/`` separators) overrides this.
* **Skeleton text.** Blank lines and ``#`` comments are ignored. An
  optional first line holding a single integer is the frame count and is
  checked. Then either one joint per line (at least 3 numbers: x y z, extra
  columns such as a tracking state are ignored; 20 lines per frame, in the
  Kinect SDK joint order) or one frame per line (20 x 3 = 60 numbers, or
  20 x 4 = 80 with a 4th value per joint that is ignored). Every data line
  of a file must have the same number of columns.

Settings (Hu et al. 2015): **setting 1** uses half of the samples of every
action for training, **setting 2** half of the subjects; both are random
splits drawn with a seed (the literature averages 30 of them).
"""
import math
import os.path as osp
import re
from collections import defaultdict
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np

from mmpartkd.utils import atomic_dump_pickle
from .common import MalformedFileError, find_files, progress

__all__ = [
    'SYSU_3D_HOI_CLASSES', 'parse_sysu_path', 'read_sysu_skeleton',
    'sysu_splits', 'convert_sysu_3d_hoi'
]

#: The 12 actions, in label order (action ID 1 -> label 0).
SYSU_3D_HOI_CLASSES = ('drinking', 'pouring', 'calling_phone',
                       'playing_phone', 'wearing_backpack',
                       'packing_backpack', 'sitting_chair', 'moving_chair',
                       'taking_out_wallet', 'taking_from_wallet', 'mopping',
                       'sweeping')

NUM_JOINTS = 20
_KEYWORDS = dict(
    subject=('subject', 'sub', 'person', 's', 'p'),
    action=('action', 'act', 'a'))
_SPLIT_RE = re.compile(r'[/\\_\-. ]+')


def parse_sysu_path(rel_path: str,
                    pattern: Optional[str] = None) -> Tuple[int, int]:
    """``(subject, action)`` (1-based) from a path relative to the data
    root; raises ``ValueError`` if either is missing or ambiguous."""
    rel_path = rel_path.replace('\\', '/')
    if pattern is not None:
        m = re.search(pattern, rel_path)
        if m is None:
            raise ValueError(f'path does not match --pattern {pattern!r}')
        try:
            return int(m.group('subject')), int(m.group('action'))
        except (IndexError, ValueError) as e:
            raise ValueError(f'--pattern must capture numeric groups '
                             f'"subject" and "action": {e}') from None
    stem = osp.splitext(rel_path)[0]
    tokens = [t.lower() for t in _SPLIT_RE.split(stem) if t]
    found = defaultdict(set)
    for i, tok in enumerate(tokens):
        m = re.fullmatch(r'([a-z]+)(\d+)', tok)
        for what, words in _KEYWORDS.items():
            if m and m.group(1) in words:
                found[what].add(int(m.group(2)))
            elif tok in words and len(tok) > 1 and i + 1 < len(tokens) \
                    and tokens[i + 1].isdigit():
                found[what].add(int(tokens[i + 1]))
    result = []
    for what in ('subject', 'action'):
        if len(found[what]) != 1:
            how = 'no' if not found[what] else 'conflicting'
            raise ValueError(
                f'{how} {what} ID in the path (expected a part like '
                f'"{_KEYWORDS[what][0]}3" or "{_KEYWORDS[what][-1]}03"; '
                'use --pattern for other layouts)')
        result.append(found[what].pop())
    return result[0], result[1]


def read_sysu_skeleton(path: str) -> np.ndarray:
    """Read one skeleton text file (see the module docstring) as
    ``(T, 20, 3)`` float32; raises :class:`MalformedFileError` naming the
    file and line of the first problem."""
    try:
        with open(path, 'r', encoding='utf-8') as f:
            raw = f.read().splitlines()
    except UnicodeDecodeError as e:
        raise MalformedFileError(
            path, f'not a text skeleton file ({e.reason})') from None
    rows: List[List[float]] = []
    lines: List[int] = []
    header: Optional[int] = None
    ncols = None
    for i, line in enumerate(raw, start=1):
        tokens = line.split('#', 1)[0].split()
        if not tokens:
            continue
        if not rows and header is None and len(tokens) == 1:
            try:
                header = int(tokens[0])
            except ValueError:
                raise MalformedFileError(
                    path, f'expected a frame count or joint coordinates, '
                    f'got "{tokens[0]}"', i) from None
            if header <= 0:
                raise MalformedFileError(
                    path, f'frame count must be > 0, got {header}', i)
            continue
        try:
            values = [float(t) for t in tokens]
        except ValueError:
            bad = next(t for t in tokens if not _is_float(t))
            raise MalformedFileError(path, f'"{bad}" is not a number',
                                     i) from None
        if not all(math.isfinite(v) for v in values):
            raise MalformedFileError(path, 'NaN or inf coordinate', i)
        if ncols is None:
            ncols = len(values)
            if not (3 <= ncols <= 8 or ncols in (3 * NUM_JOINTS,
                                                4 * NUM_JOINTS)):
                raise MalformedFileError(
                    path, f'a data line must hold one joint (x y z [...], '
                    f'3-8 numbers) or one frame ({3 * NUM_JOINTS} or '
                    f'{4 * NUM_JOINTS} numbers), got {ncols} numbers', i)
        elif len(values) != ncols:
            raise MalformedFileError(
                path, f'expected {ncols} numbers like the first data line, '
                f'got {len(values)}', i)
        rows.append(values)
        lines.append(i)
    if not rows:
        raise MalformedFileError(path, 'no skeleton data in the file')
    data = np.asarray(rows, dtype=np.float64)
    if ncols >= 3 * NUM_JOINTS:  # one frame per line
        stride = ncols // NUM_JOINTS
        kp = data.reshape(len(rows), NUM_JOINTS, stride)[..., :3]
    else:  # one joint per line
        if len(rows) % NUM_JOINTS:
            raise MalformedFileError(
                path, f'{len(rows)} joint lines is not a multiple of '
                f'{NUM_JOINTS}: frame {len(rows) // NUM_JOINTS + 1} is '
                f'incomplete (it starts here)',
                lines[len(rows) // NUM_JOINTS * NUM_JOINTS])
        kp = data[:, :3].reshape(-1, NUM_JOINTS, 3)
    if header is not None and header != kp.shape[0]:
        raise MalformedFileError(
            path, f'the header announces {header} frames, the file holds '
            f'{kp.shape[0]}', 1)
    return kp.astype(np.float32)


def _is_float(token: str) -> bool:
    try:
        float(token)
        return True
    except ValueError:
        return False


def sysu_splits(annotations: Sequence[Dict], seed: int = 0,
                num_splits: int = 1) -> Dict[str, List[str]]:
    """The two standard settings as ``setting{1,2}_{train,test}`` (first
    random split) and ``setting{1,2}_{k}_{train,test}`` for the further
    splits ``k = 1 .. num_splits - 1``.

    Setting 1: for every action, ``ceil(n / 2)`` of its ``n`` samples train.
    Setting 2: ``ceil(S / 2)`` of the ``S`` subjects train. Each split ``k``
    draws from ``numpy.random.default_rng([seed, k, setting])``.
    """
    if num_splits < 1:
        raise ValueError('num_splits must be >= 1')
    by_label = defaultdict(list)
    for a in annotations:
        by_label[a['label']].append(a['frame_dir'])
    subjects = sorted({a['subject'] for a in annotations})
    split = {}
    for k in range(num_splits):
        sfx = '' if k == 0 else f'_{k}'
        rng = np.random.default_rng([seed, k, 1])
        train1 = set()
        for label in sorted(by_label):
            names = sorted(by_label[label])
            order = rng.permutation(len(names))
            train1.update(names[i] for i in order[:math.ceil(len(names) / 2)])
        rng = np.random.default_rng([seed, k, 2])
        order = rng.permutation(len(subjects))
        train_subjects = {subjects[i]
                          for i in order[:math.ceil(len(subjects) / 2)]}
        names = [a['frame_dir'] for a in annotations]
        split[f'setting1{sfx}_train'] = [n for n in names if n in train1]
        split[f'setting1{sfx}_test'] = [n for n in names if n not in train1]
        split[f'setting2{sfx}_train'] = [
            a['frame_dir'] for a in annotations
            if a['subject'] in train_subjects
        ]
        split[f'setting2{sfx}_test'] = [
            a['frame_dir'] for a in annotations
            if a['subject'] not in train_subjects
        ]
    return split


def convert_sysu_3d_hoi(data_root: str,
                        out_file: str,
                        seed: int = 0,
                        num_splits: int = 1,
                        pattern: Optional[str] = None,
                        suffixes: Sequence[str] = ('.txt', ),
                        show_progress: bool = True,
                        logger=print) -> Dict:
    """Convert every skeleton file under ``data_root`` into one pickle:
    ``dict(split=..., annotations=[...], classes=[...])`` with annotations
    ``frame_dir`` (``S###A###R###``: subject, action, repetition),
    ``label`` (action - 1), ``keypoint`` ``(1, T, 20, 3)`` float32 in the
    ``kinect_v1`` layout, ``total_frames`` and ``subject``. Nothing is
    written unless every file is valid.
    """
    files = find_files([data_root], suffixes)
    if not files:
        raise FileNotFoundError(
            f'no skeleton files ({", ".join(suffixes)}) under "{data_root}"')
    samples = []
    for path in files:
        rel = osp.relpath(path, data_root)
        try:
            subject, action = parse_sysu_path(rel, pattern)
        except ValueError as e:
            raise MalformedFileError(path, str(e)) from None
        if not 1 <= action <= len(SYSU_3D_HOI_CLASSES):
            raise MalformedFileError(
                path, f'action ID {action} not in 1..'
                f'{len(SYSU_3D_HOI_CLASSES)}')
        if subject < 1:
            raise MalformedFileError(path, f'subject ID {subject} < 1')
        samples.append((subject, action, path))
    samples.sort()
    repeats: Dict[Tuple[int, int], int] = defaultdict(int)
    annotations = []
    for subject, action, path in progress(samples, show_progress):
        repeats[subject, action] += 1
        kp = read_sysu_skeleton(path)
        annotations.append(
            dict(
                frame_dir=f'S{subject:03d}A{action:03d}'
                f'R{repeats[subject, action]:03d}',
                label=action - 1,
                keypoint=kp[None],
                total_frames=kp.shape[0],
                subject=subject))
    if show_progress:
        logger('')
    content = dict(
        split=sysu_splits(annotations, seed, num_splits),
        annotations=annotations,
        classes=list(SYSU_3D_HOI_CLASSES))
    atomic_dump_pickle(content, out_file)
    logger(f'wrote {out_file}: {len(annotations)} sequences of '
           f'{len({a["subject"] for a in annotations})} subjects and '
           f'{len({a["label"] for a in annotations})} actions; splits: '
           f'{", ".join(content["split"])}')
    return content
