from .block_recorder import BlockRecorder
from .data_preprocessor import build_data_preprocessor
from .dist_utils import all_reduce_sum, concat_all_gather, gather_variable
from .frozen_gcn import BatchedUnitGCN, use_batched_graph_aggregation
from .modalities import check_modalities, select_modality
from .pooling import pool_gcn_feature

__all__ = [
    'BlockRecorder', 'build_data_preprocessor', 'gather_variable',
    'concat_all_gather', 'all_reduce_sum', 'check_modalities',
    'select_modality', 'pool_gcn_feature', 'BatchedUnitGCN',
    'use_batched_graph_aggregation'
]
