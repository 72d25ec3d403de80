"""Aligned memory queues of embeddings, correct under torch.distributed."""
from typing import Dict, Mapping

import torch
import torch.nn.functional as F
from torch import nn

from ..utils import concat_all_gather

__all__ = ['FeatureQueue']


class FeatureQueue(nn.Module):
    """FIFO queues of L2-normalised embeddings sharing one write pointer.

    Each named queue is a buffer ``queue_<name>`` of shape ``(size, dim)``
    (rows are entries, unlike upstream's ``(dim, size)``). All queues are
    written together at the same rows, so row ``i`` of every queue belongs
    to the same sample -- what the context products of CrosSCLR/IKEM
    (``(q_x Q_x^T) * (q_y Q_y^T)``) and the concatenated IKEM keys need.

    :meth:`enqueue` first gathers the keys of every rank (``all_gather``,
    rank order) so every rank writes the same rows and the queues stay
    identical across ranks; batches of any size are accepted (writes wrap
    around the end; upstream required ``size % batch == 0`` and wrote each
    GPU's keys at ``ptr + batch * gpu_index`` without gathering).

    Args:
        dims (Mapping[str, int]): Queue name -> embedding dim.
        size (int): Number of entries of every queue.
    """

    def __init__(self, dims: Mapping[str, int], size: int) -> None:
        super().__init__()
        if size < 1:
            raise ValueError('queue size must be >= 1')
        self.size = int(size)
        self.dims = {str(k): int(v) for k, v in dims.items()}
        for name, dim in self.dims.items():
            self.register_buffer(f'queue_{name}',
                                 F.normalize(torch.randn(self.size, dim),
                                             dim=1))
        self.register_buffer('ptr', torch.zeros(1, dtype=torch.long))

    def get(self, name: str) -> torch.Tensor:
        """The queue ``(size, dim)`` of ``name`` (detached clone)."""
        return getattr(self, f'queue_{name}').clone().detach()

    @torch.no_grad()
    def enqueue(self, keys: Dict[str, torch.Tensor],
                gather: bool = True) -> None:
        """Write ``keys[name]`` ``(B, dim)`` of every queue at the pointer.

        Args:
            keys (dict[str, Tensor]): One tensor per queue, same ``B``.
            gather (bool): All-gather over ranks first (default True).
        """
        if set(keys) != set(self.dims):
            raise KeyError(f'enqueue needs keys {sorted(self.dims)}, got '
                           f'{sorted(keys)}')
        keys = {k: (concat_all_gather(v) if gather else v.detach())
                for k, v in keys.items()}
        n = {v.shape[0] for v in keys.values()}
        if len(n) != 1:
            raise ValueError(f'queues must receive equal batches, got {n}')
        n = n.pop()
        ptr = int(self.ptr)
        if n > self.size:  # only the newest ``size`` entries survive
            keys = {k: v[n - self.size:] for k, v in keys.items()}
        # entry j of the batch goes to row (ptr + j) % size, as if written
        # one by one
        first = max(n - self.size, 0)
        idx = (ptr + first + torch.arange(n - first)) % self.size
        for name, v in keys.items():
            q = getattr(self, f'queue_{name}')
            q[idx.to(q.device)] = v.to(q.dtype)
        self.ptr[0] = (ptr + n) % self.size

    def extra_repr(self) -> str:
        return f'size={self.size}, dims={self.dims}'
