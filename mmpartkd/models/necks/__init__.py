from .part_pool_neck import PartPoolNeck, PartProjection

__all__ = ['PartPoolNeck', 'PartProjection']
