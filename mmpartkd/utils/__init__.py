from .dist import setup_cpu_distributed, teardown_distributed
from .io import atomic_dump_pickle, atomic_write, file_sha256

__all__ = ['atomic_write', 'atomic_dump_pickle', 'file_sha256',
           'setup_cpu_distributed', 'teardown_distributed']
