"""The data preprocessor every mmpartkd model defaults to."""
from typing import Optional, Union

from torch import nn

from mmaction.registry import MODELS

__all__ = ['build_data_preprocessor']


def build_data_preprocessor(
        cfg: Optional[Union[dict, nn.Module]] = None) -> nn.Module:
    """Build a data preprocessor from ``cfg`` (a config dict or a module);
    None gives mmaction2's ``ActionDataPreprocessor`` (no normalisation:
    skeleton inputs are only stacked into a batch).

    Built from mmaction2's registry, so it works without a default scope.
    """
    if cfg is None:
        cfg = dict(type='ActionDataPreprocessor')
    return MODELS.build(cfg) if isinstance(cfg, dict) else cfg
