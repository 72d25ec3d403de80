from .dist import setup_cpu_distributed, teardown_distributed
from .io import atomic_dump_pickle, atomic_write

__all__ = ['atomic_write', 'atomic_dump_pickle', 'setup_cpu_distributed',
           'teardown_distributed']
