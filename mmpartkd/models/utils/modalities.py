"""Channel groups of a packed multi-modality input.

``GenSkeModalities`` stacks ``K`` modalities along the channel axis: a
batch is ``(..., C * K)`` and channel group ``k`` (``C = in_channels``
channels) holds ``input_modalities[k]`` (docs/method.md#modalities).
"""
from typing import Sequence

import torch

__all__ = ['check_modalities', 'select_modality']


def select_modality(x: torch.Tensor, input_modalities: Sequence[str],
                    modality: str, in_channels: int = 3) -> torch.Tensor:
    """Channels ``(..., C)`` of ``modality`` from a packed input
    ``(..., C * K)``."""
    k = list(input_modalities).index(modality)
    return x[..., k * in_channels:(k + 1) * in_channels]


def check_modalities(modalities: Sequence[str],
                     input_modalities: Sequence[str],
                     what: str = '') -> None:
    """Raise ``ValueError`` unless every modality is a channel group of the
    packed input (``what`` prefixes the message, e.g. ``'student '``)."""
    missing = set(modalities) - set(input_modalities)
    if missing:
        raise ValueError(f'{what}modalities {sorted(missing)} are not in '
                         f'input_modalities {tuple(input_modalities)}')
