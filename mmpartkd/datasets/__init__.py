from .safe_pose_dataset import (AnnotationError, SafePoseDataset,
                                check_annotations, load_annotation_file)
from .subset import stratified_subset
from .synthetic import SYNTHETIC_CLASSES, generate_synthetic_dataset
from .transforms import *  # noqa: F401,F403
from .wrappers import (dataset_cfg_chain, innermost_dataset_cfg,
                       pipeline_cfg_owner, pipeline_owner)

__all__ = [
    'SYNTHETIC_CLASSES', 'generate_synthetic_dataset', 'SafePoseDataset',
    'AnnotationError', 'check_annotations', 'load_annotation_file',
    'dataset_cfg_chain', 'innermost_dataset_cfg', 'pipeline_cfg_owner',
    'pipeline_owner', 'stratified_subset'
]
