from .formatting import PackDistillInputs
from .low_quality import (ConvertLayout, CopyHighQuality, FrameDrop,
                          JointJitter, PartOcclusion, ProjectTo2D,
                          RandomJointDrop, TemporalOcclusion, check_keypoint,
                          sample_rng)

__all__ = [
    'RandomJointDrop', 'PartOcclusion', 'TemporalOcclusion', 'JointJitter',
    'FrameDrop', 'ConvertLayout', 'ProjectTo2D', 'CopyHighQuality',
    'PackDistillInputs', 'sample_rng', 'check_keypoint'
]
