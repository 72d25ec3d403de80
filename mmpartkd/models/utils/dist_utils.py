"""Gathering tensors of different lengths across ranks, with gradients."""
from typing import List, Tuple

import torch
import torch.distributed as dist
from mmengine.dist import get_dist_info, is_distributed

__all__ = ['gather_variable', 'all_reduce_sum']


class _GatherWithGrad(torch.autograd.Function):
    """all_gather whose backward sums the incoming gradients over ranks (an
    all_reduce, which every backend, gloo included, supports) and returns
    this rank's slice."""

    @staticmethod
    def forward(ctx, x: torch.Tensor) -> torch.Tensor:
        rank, world_size = get_dist_info()
        ctx.rank, ctx.size = rank, x.shape[0]
        out = [torch.empty_like(x) for _ in range(world_size)]
        dist.all_gather(out, x.contiguous())
        return torch.cat(out)

    @staticmethod
    def backward(ctx, grad: torch.Tensor) -> torch.Tensor:
        grad = grad.contiguous().clone()
        dist.all_reduce(grad)
        return grad[ctx.rank * ctx.size:(ctx.rank + 1) * ctx.size]


def all_reduce_sum(x: torch.Tensor) -> torch.Tensor:
    """Sum over ranks (identity without torch.distributed)."""
    if is_distributed():
        x = x.clone()
        dist.all_reduce(x)
    return x


def gather_variable(x: torch.Tensor, *others: torch.Tensor
                    ) -> Tuple[List[torch.Tensor], int]:
    """Concatenate ``x`` (and same-length companions) of every rank.

    Ranks may hold different lengths (first dim). ``x`` keeps its gradient:
    gradients of the gathered result flow back to each rank's ``x``;
    companions (labels, masks) are gathered without gradients.

    Returns:
        tuple: ``([x_all, *others_all], offset)`` where ``offset`` is where
        this rank's rows start in the gathered tensors.
    """
    if not is_distributed():
        return [x, *others], 0
    rank, world_size = get_dist_info()
    length = torch.tensor([x.shape[0]], device=x.device)
    lengths = [torch.zeros_like(length) for _ in range(world_size)]
    dist.all_gather(lengths, length)
    lengths = [int(n) for n in lengths]
    max_len = max(lengths)

    def pad(t: torch.Tensor) -> torch.Tensor:
        return torch.cat(
            [t, t.new_zeros((max_len - t.shape[0], ) + t.shape[1:])])

    keep = torch.cat([
        torch.arange(n, device=x.device) + r * max_len
        for r, n in enumerate(lengths)
    ])
    gathered = [_GatherWithGrad.apply(pad(x))[keep]]
    for t in others:
        parts = [torch.empty_like(pad(t)) for _ in range(world_size)]
        dist.all_gather(parts, pad(t).contiguous())
        gathered.append(torch.cat(parts)[keep])
    return gathered, sum(lengths[:rank])
