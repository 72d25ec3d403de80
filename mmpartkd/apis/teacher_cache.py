"""Teacher-feature cache, write side: what a cache depends on
(:func:`cache_fingerprint`) and how it is written (:func:`write_cache`).

The directory format and its reader, :class:`TeacherCache`, belong to the
distiller that reads it (:mod:`mmpartkd.models.distillers.teacher_cache`);
``tools/cache_teacher.py`` fills a cache with this module.
"""
import hashlib
import json
import os
import os.path as osp
import shutil
import tempfile
from typing import Dict

import numpy as np

from mmpartkd.models.distillers.teacher_cache import CACHE_KEYS, TeacherCache
from mmpartkd.utils import file_sha256

__all__ = [
    'file_sha256', 'cache_fingerprint', 'TeacherCache', 'write_cache',
    'CACHE_KEYS'
]


def _json_sha256(obj) -> str:
    return hashlib.sha256(
        json.dumps(obj, sort_keys=True, default=str).encode()).hexdigest()


def cache_fingerprint(teacher_ckpt: str, dataset_cfg: dict,
                      teacher_cfg) -> Dict[str, str]:
    """What a cache depends on: teacher weights and architecture, the
    annotation file, the split and the pipeline producing ``hq_inputs``."""
    pipeline = list(dataset_cfg.get('pipeline', []))
    # only the transforms up to CopyHighQuality shape the teacher's input
    names = [t.get('type') for t in pipeline]
    if 'CopyHighQuality' in names:
        pipeline = pipeline[:names.index('CopyHighQuality')]
    return dict(
        teacher_ckpt=file_sha256(teacher_ckpt),
        teacher_model=_json_sha256(teacher_cfg),
        ann_file=file_sha256(dataset_cfg['ann_file']),
        split=str(dataset_cfg.get('split')),
        hq_pipeline=_json_sha256(pipeline))


def write_cache(path: str, arrays: Dict[str, np.ndarray], meta: Dict) -> None:
    """Write a cache directory atomically (a temporary directory renamed into
    place: an interrupted run leaves no half-written cache)."""
    path = osp.abspath(path)
    os.makedirs(osp.dirname(path), exist_ok=True)
    tmp = tempfile.mkdtemp(prefix=f'.{osp.basename(path)}.',
                           dir=osp.dirname(path))
    try:
        for key in CACHE_KEYS:
            np.save(osp.join(tmp, f'{key}.npy'), arrays[key])
        with open(osp.join(tmp, 'meta.json'), 'w') as f:
            json.dump(meta, f, indent=1)
        if osp.isdir(path):
            old = path + '.old'
            os.replace(path, old)
            os.replace(tmp, path)
            shutil.rmtree(old)
        else:
            os.replace(tmp, path)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
