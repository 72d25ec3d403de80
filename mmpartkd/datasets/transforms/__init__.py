from .corruptions import (BaseCorruption, FrameDrop, JointJitter,
                          PartOcclusion, RandomJointDrop, TemporalOcclusion)
from .formatting import CopyHighQuality, PackDistillInputs
from .ikem_normalize import IKEMPreNormalize
from .layout import ConvertLayout, MaskInvisibleJoints, ProjectTo2D
from .modalities import IKEM_MODALITIES, GenSkeModalities
from .multi_view import MultiView
from .pre_normalize import FastPreNormalize3D
from .random_shear import RandomShear
from .temporal_crop_resize import TemporalCropResize
from .utils import check_keypoint, mark_missing, present_joints, sample_rng

__all__ = [
    'BaseCorruption', 'RandomJointDrop', 'PartOcclusion', 'TemporalOcclusion',
    'JointJitter', 'FrameDrop', 'ConvertLayout', 'ProjectTo2D',
    'CopyHighQuality', 'PackDistillInputs', 'MaskInvisibleJoints',
    'sample_rng', 'check_keypoint', 'mark_missing', 'present_joints',
    'IKEMPreNormalize', 'GenSkeModalities', 'IKEM_MODALITIES', 'MultiView',
    'RandomShear', 'TemporalCropResize', 'FastPreNormalize3D'
]
