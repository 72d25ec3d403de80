from .keypoints import check_keypoint_array
from .layouts import (LAYOUTS, PART_NAMES, Layout, get_joint_mapping,
                      get_layout, patch_stock_graph, register_joint_mapping,
                      register_layout)
from .modalities import IKEM_MODALITIES

__all__ = [
    'Layout', 'LAYOUTS', 'PART_NAMES', 'register_layout', 'get_layout',
    'register_joint_mapping', 'get_joint_mapping', 'patch_stock_graph',
    'check_keypoint_array', 'IKEM_MODALITIES'
]
