from .contrastive import (cross_modal_loss, ikem_loss, info_nce,
                          multi_positive_nce, relational_kd_loss, topk_mask)
from .feature_queue import FeatureQueue, concat_all_gather
from .multimodal_moco import MultiModalMoCo
from .multimodal_recognizer_gcn import MultiModalRecognizerGCN

__all__ = [
    'FeatureQueue', 'concat_all_gather', 'MultiModalMoCo',
    'MultiModalRecognizerGCN', 'info_nce', 'multi_positive_nce', 'topk_mask',
    'cross_modal_loss', 'ikem_loss', 'relational_kd_loss'
]
