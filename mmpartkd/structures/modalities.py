"""Names of IKEM's skeleton modalities (docs/method.md#modalities).

The transform that computes them (``GenSkeModalities``) and the models that
read them (``MultiModalMoCo``, ``RelationalCMKD``,
``MultiModalRecognizerGCN``) share these names and this order: channel group
``k`` of a packed input is ``IKEM_MODALITIES[k]`` unless a config says
otherwise.
"""
from typing import Tuple

__all__ = ['IKEM_MODALITIES']

#: The six modalities, in IKEM's order.
IKEM_MODALITIES: Tuple[str, ...] = ('joint', 'motion', 'bone', 'acceleration',
                                    'rotation_axis', 'angular_velocity')
