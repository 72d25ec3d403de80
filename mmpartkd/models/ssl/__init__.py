from .contrastive import (cross_modal_loss, ikem_loss, info_nce,
                          mined_positive_nce, multi_positive_nce,
                          relational_kd_loss, topk_mask)
from .feature_queue import FeatureQueue
from .multimodal_base import MultiModalBase
from .multimodal_moco import MultiModalMoCo
from .multimodal_recognizer_gcn import MultiModalRecognizerGCN
from .two_view import TwoViewMixin

__all__ = [
    'FeatureQueue', 'MultiModalBase', 'TwoViewMixin', 'MultiModalMoCo',
    'MultiModalRecognizerGCN', 'info_nce', 'multi_positive_nce', 'topk_mask',
    'mined_positive_nce', 'cross_modal_loss', 'ikem_loss',
    'relational_kd_loss'
]
