from .safe_pose_dataset import (AnnotationError, SafePoseDataset,
                                check_annotations, load_annotation_file)
from .synthetic import SYNTHETIC_CLASSES, generate_synthetic_dataset
from .transforms import *  # noqa: F401,F403

__all__ = [
    'SYNTHETIC_CLASSES', 'generate_synthetic_dataset', 'SafePoseDataset',
    'AnnotationError', 'check_annotations', 'load_annotation_file'
]
