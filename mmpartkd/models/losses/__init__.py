from .base_kd_loss import BaseKDLoss
from .feature_kd_loss import FeatureKDLoss
from .logit_kd_loss import LogitKDLoss
from .multi_sample_part_contrast_loss import MultiSamplePartContrastLoss
from .part_regression_loss import PartRegressionLoss

__all__ = [
    'BaseKDLoss', 'MultiSamplePartContrastLoss', 'LogitKDLoss',
    'FeatureKDLoss', 'PartRegressionLoss'
]
