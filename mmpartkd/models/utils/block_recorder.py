"""Read the output of one block of a GCN backbone (parts are pooled there)."""
from typing import Optional

import torch
import torch.nn as nn

__all__ = ['BlockRecorder']


class BlockRecorder:
    """Keeps the output of ``recognizer.backbone.gcn[index]`` of the last
    forward (a forward hook, like mmrazor's recorders).

    Args:
        recognizer (nn.Module): A recognizer whose backbone has a ``gcn``
            ``ModuleList`` of blocks (STGCN, AAGCN, ...).
        index (int): Block index; negative counts from the end.
        name (str): What the recognizer is, for error messages.
    """

    def __init__(self, recognizer: nn.Module, index: int,
                 name: str = 'model') -> None:
        blocks = getattr(recognizer.backbone, 'gcn', None)
        if not isinstance(blocks, nn.ModuleList):
            raise TypeError(f'pooling block {index} needs a {name} backbone '
                            'with a `gcn` ModuleList of blocks (STGCN, '
                            'AAGCN, ...)')
        if not -len(blocks) <= index < len(blocks):
            raise IndexError(f'block {index} requested but the {name} '
                             f'backbone has {len(blocks)} blocks')
        self.index = index
        self.block = blocks[index]
        self.output: Optional[torch.Tensor] = None
        self.block.register_forward_hook(self._store)

    def _store(self, module: nn.Module, args: tuple,
               output: torch.Tensor) -> None:
        self.output = output

    @property
    def out_channels(self) -> int:
        """Channels of the block's output."""
        return self.block.gcn.out_channels

    def pop(self, backbone_feats: torch.Tensor) -> torch.Tensor:
        """The recorded ``(N * M, C, T, V)`` output as ``(N, M, C, T, V)``
        (``N, M`` taken from the backbone output of the same forward), then
        forget it."""
        if self.output is None:
            raise RuntimeError(f'block {self.index} has not run since its '
                               'output was last read')
        out, self.output = self.output, None
        return out.reshape(backbone_feats.shape[:2] + out.shape[1:])
