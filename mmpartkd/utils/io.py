"""File helpers: atomic writing (a reader never sees a half-written file)
and content hashes."""
import hashlib
import os
import os.path as osp
import pickle
import tempfile
from contextlib import contextmanager
from typing import Any, Iterator

__all__ = ['atomic_write', 'atomic_dump_pickle', 'file_sha256']


@contextmanager
def atomic_write(path: str, mode: str = 'wb') -> Iterator:
    """Open a temporary file next to ``path``; rename it onto ``path`` only
    if the block finishes without an exception (else it is removed)."""
    path = osp.abspath(path)
    os.makedirs(osp.dirname(path), exist_ok=True)
    fd, tmp = tempfile.mkstemp(
        prefix=f'.{osp.basename(path)}.', suffix='.tmp', dir=osp.dirname(path))
    try:
        with os.fdopen(fd, mode) as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if osp.exists(tmp):
            os.remove(tmp)
        raise


def atomic_dump_pickle(obj: Any, path: str) -> None:
    """Pickle ``obj`` to ``path`` atomically."""
    with atomic_write(path, 'wb') as f:
        pickle.dump(obj, f, protocol=pickle.HIGHEST_PROTOCOL)


def file_sha256(path: str, chunk: int = 1 << 20) -> str:
    """The SHA-256 hex digest of a file's bytes, read ``chunk`` at a time."""
    h = hashlib.sha256()
    with open(path, 'rb') as f:
        for block in iter(lambda: f.read(chunk), b''):
            h.update(block)
    return h.hexdigest()
