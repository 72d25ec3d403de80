from .block_recorder import BlockRecorder
from .dist_utils import all_reduce_sum, gather_variable

__all__ = ['BlockRecorder', 'gather_variable', 'all_reduce_sum']
