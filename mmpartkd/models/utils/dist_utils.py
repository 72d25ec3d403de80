"""Gathering tensors of different lengths across ranks.

One implementation, two front ends: :func:`gather_variable` (the gathered
rows keep their gradient, for losses over the global batch) and
:func:`concat_all_gather` (no gradient, for memory queues). Both call the
same collectives in the same order on every rank: one ``all_gather`` of the
lengths, then one ``all_gather`` per tensor, and in backward one
``all_reduce`` on every rank or on none (the ranks agree on it in forward).
"""
from typing import List, Tuple

import torch
import torch.distributed as dist
from mmengine.dist import get_dist_info, get_world_size, is_distributed

__all__ = ['gather_variable', 'concat_all_gather', 'all_reduce_sum']


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


def _pad_rows(t: torch.Tensor, max_len: int) -> torch.Tensor:
    """``t`` zero-padded to ``max_len`` rows (``all_gather`` needs equal
    shapes on every rank)."""
    return torch.cat(
        [t, t.new_zeros((max_len - t.shape[0], ) + t.shape[1:])])


def _gather_padded(t: torch.Tensor, max_len: int) -> torch.Tensor:
    """``t`` of every rank, each padded to ``max_len`` rows, in rank order
    ``(world_size * max_len, ...)``, without gradient."""
    t = _pad_rows(t, max_len)
    parts = [torch.empty_like(t) for _ in range(get_world_size())]
    dist.all_gather(parts, t.contiguous())
    return torch.cat(parts)


def gather_variable(x: torch.Tensor, *others: torch.Tensor
                    ) -> Tuple[List[torch.Tensor], int]:
    """Concatenate ``x`` (and same-length companions) of every rank.

    Ranks may hold different lengths (first dim), zero included. ``x``
    keeps its gradient: gradients of the gathered result flow back to each
    rank's ``x``; companions (labels, masks) are gathered without
    gradients. Without an initialised process group (or with one rank) the
    inputs come back as they are.

    The backward is a collective too (an ``all_reduce``), so every rank must
    record it or none: the ranks agree on it in the same ``all_gather`` as
    the lengths, and when ``x`` needs a gradient on any rank (grad mode on),
    the gathered result needs one on every rank, e.g. on a rank whose ``x``
    is an empty tensor made without gradient. Each rank must then
    backpropagate through the result (use it in its loss).

    Returns:
        tuple: ``([x_all, *others_all], offset)`` where ``offset`` is where
        this rank's rows start in the gathered tensors.
    """
    if not is_distributed() or get_world_size() == 1:
        return [x, *others], 0
    rank, world_size = get_dist_info()
    with_grad = torch.is_grad_enabled() and x.requires_grad
    # one collective for the lengths and whether any rank needs a gradient
    info = torch.tensor([x.shape[0], int(with_grad)], device=x.device)
    infos = [torch.zeros_like(info) for _ in range(world_size)]
    dist.all_gather(infos, info)
    lengths = [int(i[0]) for i in infos]
    any_grad = torch.is_grad_enabled() and any(int(i[1]) for i in infos)
    if any_grad and not x.requires_grad:
        # a leaf of this rank alone: its (unused) gradient only makes
        # autograd run the backward all_reduce here as on the other ranks
        x = x.detach().requires_grad_()
    max_len = max(lengths)
    keep = torch.cat([
        torch.arange(n, device=x.device) + r * max_len
        for r, n in enumerate(lengths)
    ])
    if any_grad:
        gathered = [_GatherWithGrad.apply(_pad_rows(x, max_len))[keep]]
    else:
        gathered = [_gather_padded(x, max_len)[keep]]
    gathered += [_gather_padded(t, max_len)[keep] for t in others]
    return gathered, sum(lengths[:rank])


@torch.no_grad()
def concat_all_gather(x: torch.Tensor) -> torch.Tensor:
    """Concatenate ``x`` of every rank along dim 0 (rank order), no grad.

    Ranks may hold different numbers of rows (a last, smaller batch). The
    identity (detached) without an initialised process group.
    """
    (gathered, ), _ = gather_variable(x.detach())
    return gathered
