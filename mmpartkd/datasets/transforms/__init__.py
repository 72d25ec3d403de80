from .formatting import PackDistillInputs
from .ikem_normalize import IKEMPreNormalize
from .low_quality import (ConvertLayout, CopyHighQuality, FrameDrop,
                          JointJitter, MaskInvisibleJoints, PartOcclusion,
                          ProjectTo2D,
                          RandomJointDrop, TemporalOcclusion, check_keypoint,
                          sample_rng)
from .modalities import IKEM_MODALITIES, GenSkeModalities
from .multi_view import MultiView
from .random_shear import RandomShear
from .temporal_crop_resize import TemporalCropResize

__all__ = [
    'RandomJointDrop', 'PartOcclusion', 'TemporalOcclusion', 'JointJitter',
    'FrameDrop', 'ConvertLayout', 'ProjectTo2D', 'CopyHighQuality',
    'PackDistillInputs', 'MaskInvisibleJoints', 'sample_rng',
    'check_keypoint',
    'IKEMPreNormalize', 'GenSkeModalities', 'IKEM_MODALITIES', 'MultiView',
    'RandomShear', 'TemporalCropResize'
]
