"""Base of the models with one encoder per modality of a packed input."""
from typing import Optional, Sequence

import torch
from mmengine.model import BaseModel

from mmaction.utils import OptConfigType
from ..utils import build_data_preprocessor, check_modalities, select_modality

__all__ = ['MultiModalBase']


class MultiModalBase(BaseModel):
    """A model that reads ``modalities`` from channel groups of one packed
    input ``(..., C * K)`` (``GenSkeModalities``, docs/method.md#modalities).

    Args:
        modalities (Sequence[str]): Modalities with an encoder.
        input_modalities (Sequence[str], optional): Channel groups of the
            input, defaults to ``modalities``; must hold every modality.
        in_channels (int): Channels per modality. Defaults to 3.
        data_preprocessor (dict, optional): Defaults to
            ``ActionDataPreprocessor``.
        init_cfg (dict, optional): Initialisation config.
    """

    def __init__(self,
                 modalities: Sequence[str],
                 input_modalities: Optional[Sequence[str]] = None,
                 in_channels: int = 3,
                 data_preprocessor: OptConfigType = None,
                 init_cfg: OptConfigType = None) -> None:
        super().__init__(
            data_preprocessor=build_data_preprocessor(data_preprocessor),
            init_cfg=init_cfg)
        self.modalities = tuple(modalities)
        self.input_modalities = tuple(input_modalities or modalities)
        check_modalities(self.modalities, self.input_modalities)
        self.in_channels = in_channels

    def select(self, x: torch.Tensor, modality: str) -> torch.Tensor:
        """Channels ``(..., in_channels)`` of ``modality`` in ``x``."""
        return select_modality(x, self.input_modalities, modality,
                               self.in_channels)
