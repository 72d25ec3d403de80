from .dist_utils import all_reduce_sum, gather_variable

__all__ = ['gather_variable', 'all_reduce_sum']
