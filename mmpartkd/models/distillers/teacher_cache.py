"""Teacher-feature cache, read side: the frozen teacher's outputs on the
high-quality training set, computed once (``tools/cache_teacher.py``,
:mod:`mmpartkd.apis.teacher_cache` writes them) and read by
:class:`PartKDDistiller` instead of a live teacher forward.

A cache is a directory::

    meta.json    fingerprint (teacher checkpoint, annotation file, high-quality
                 pipeline, split), sample order, shapes, dtype
    parts.npy    (N, A, P, C) pooled teacher part features
    logits.npy   (N, A, K)    teacher logits
    feat.npy     (N, A, C)    teacher global features

``N`` samples in dataset order, ``A`` cached augmentations per sample. The
arrays are memory-mapped, so a cache larger than RAM works.

What a cache means: with a deterministic high-quality pipeline (e.g.
``UniformSampleFrames(test_mode=True)``) the cached outputs equal the live
teacher's exactly (``A = 1`` suffices). With random augmentation
(``UniformSampleFrames`` in train mode), each of the ``A`` entries is the
teacher's output on one random draw of that pipeline; training reads one of
them at random, so the teacher sees ``A`` fixed views of every sample
instead of a fresh one per epoch, and the teacher's view is no longer the
same temporal crop as the student's (it is the same sample).
"""
import json
import os.path as osp
from typing import Dict, List, Optional

import numpy as np
import torch

__all__ = ['CACHE_KEYS', 'TeacherCache']

#: The arrays of a cache, one ``<key>.npy`` each.
CACHE_KEYS = ('parts', 'logits', 'feat')


class TeacherCache:
    """Read access to a cache directory.

    Args:
        path (str): The cache directory (from ``tools/cache_teacher.py``).
    """

    def __init__(self, path: str) -> None:
        meta_file = osp.join(path, 'meta.json')
        if not osp.isfile(meta_file):
            raise FileNotFoundError(
                f'teacher cache "{path}" not found (no meta.json); build it '
                'with `python tools/cache_teacher.py DISTILL_CONFIG --out '
                f'{path}`')
        with open(meta_file) as f:
            self.meta = json.load(f)
        self.path = path
        self.arrays = {
            k: np.load(osp.join(path, f'{k}.npy'), mmap_mode='r')
            for k in CACHE_KEYS
        }
        self.frame_dirs: List[str] = self.meta['frame_dirs']
        self.num_augs = int(self.meta['num_augs'])

    def check(self, expected: Dict[str, str], what: str = '') -> None:
        """Refuse a stale cache: every key of ``expected`` must match."""
        got = self.meta['fingerprint']
        stale = [k for k, v in expected.items() if got.get(k) != v]
        if stale:
            raise ValueError(
                f'teacher cache "{self.path}" is stale{what}: {stale} '
                'changed since it was built. Rebuild it with `python '
                'tools/cache_teacher.py DISTILL_CONFIG --out ...`')

    def lookup(self, data_samples, device=None,
               rng: Optional[np.random.Generator] = None
               ) -> Dict[str, torch.Tensor]:
        """Cached outputs for a list of data samples (by ``sample_idx``;
        ``frame_dir`` is checked). One of the ``A`` augmentations is read
        per sample (at random when ``A > 1``)."""
        if any('sample_idx' not in ds.metainfo for ds in data_samples):
            raise KeyError(
                f'teacher cache "{self.path}" is indexed by each sample\'s '
                '"sample_idx", which a data sample of the batch lacks: '
                "mmengine's BaseDataset sets it and PackDistillInputs keeps "
                'it (keep "sample_idx" in its meta_keys)')
        idx = np.array([ds.metainfo['sample_idx'] for ds in data_samples])
        for i, ds in zip(idx, data_samples):
            name = ds.metainfo.get('frame_dir')
            if i >= len(self.frame_dirs) or (name is not None and
                                             self.frame_dirs[i] != name):
                raise ValueError(
                    f'teacher cache "{self.path}" does not hold sample {i} '
                    f'("{name}"): the dataset changed since the cache was '
                    'built')
        aug = np.zeros(len(idx), dtype=np.int64) if self.num_augs == 1 else (
            rng or np.random).randint(0, self.num_augs, len(idx))
        out = {}
        for key, array in self.arrays.items():
            values = np.asarray(array[idx, aug], dtype=np.float32)
            out[key] = torch.from_numpy(values).to(device)
        return out
