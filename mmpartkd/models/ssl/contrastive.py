"""Contrastive losses of CrosSCLR / IKEM / relational KD, as functions on
tiny tensors (easy to check by hand).

Notation: ``q`` queries ``(N, D)``, ``k`` positive keys ``(N, D)``, ``Q``
queue ``(K, D)``; every embedding is L2-normalised by the caller.
"""
from typing import Optional

import torch
import torch.nn.functional as F

__all__ = [
    'info_nce', 'multi_positive_nce', 'topk_mask', 'mined_positive_nce',
    'cross_modal_loss', 'ikem_loss', 'relational_kd_loss'
]


def info_nce(q: torch.Tensor, k: torch.Tensor, queue: torch.Tensor,
             temperature: float) -> torch.Tensor:
    """MoCo's InfoNCE: ``-log softmax([q.k, q.Q^T] / tau)[0]``, batch mean."""
    logits = torch.cat([(q * k).sum(1, keepdim=True), q @ queue.t()], 1)
    return F.cross_entropy(logits / temperature,
                           logits.new_zeros(len(q), dtype=torch.long))


def multi_positive_nce(logits: torch.Tensor,
                       pos_mask: torch.Tensor) -> torch.Tensor:
    """``-mean_{j in P} log softmax(logits)_j`` per row (CrosSCLR).

    Args:
        logits (Tensor): ``(N, L)``, already divided by the temperature.
        pos_mask (Tensor): ``(N, L)`` 0/1 positives.

    Returns:
        Tensor: ``(N, )`` per-sample loss.
    """
    return -(F.log_softmax(logits, 1) * pos_mask).sum(1) / pos_mask.sum(1)


@torch.no_grad()
def topk_mask(sim: torch.Tensor, k: int = 1) -> torch.Tensor:
    """0/1 mask of the ``k`` largest entries of each row of ``sim``."""
    mask = torch.zeros_like(sim)
    mask.scatter_(1, sim.topk(k, dim=1).indices, 1.)
    return mask


def mined_positive_nce(l_pos: torch.Tensor, l_anchor: torch.Tensor,
                       l_helper: torch.Tensor, temperature: float,
                       topk: int = 1, context: bool = True) -> torch.Tensor:
    """Multi-positive NCE whose extra positives a helper view mines
    (per-sample, ``(N, )``).

    Logits ``[l_pos, l_anchor, l_anchor * l_helper] / tau`` (the last block,
    CrosSCLR's context, only with ``context``); positives: column 0 and the
    top-``k`` queue entries of ``l_helper`` (in both queue blocks).

    Args:
        l_pos (Tensor): ``(N, 1)`` similarity to the instance's positive.
        l_anchor (Tensor): ``(N, K)`` anchor similarities to the queue.
        l_helper (Tensor): ``(N, K)`` helper similarities to the queue
            (rows aligned with ``l_anchor``'s); only mines positives.
    """
    mined = topk_mask(l_helper.detach(), topk)
    ones = l_pos.new_ones(len(l_pos), 1)
    logits, mask = [l_pos, l_anchor], [ones, mined]
    if context:
        logits.append(l_anchor * l_helper)
        mask.append(mined)
    return multi_positive_nce(torch.cat(logits, 1) / temperature,
                              torch.cat(mask, 1))


def cross_modal_loss(q_x: torch.Tensor, k_x: torch.Tensor,
                     queue_x: torch.Tensor, q_y: torch.Tensor,
                     queue_y: torch.Tensor, temperature: float,
                     topk: int = 1, context: bool = True) -> torch.Tensor:
    """CrosSCLR's cross-modal positive mining for anchor modality ``x``
    helped by modality ``y`` (per-sample, ``(N, )``).

    ``l_x = q_x Q_x^T``, ``l_y = q_y Q_y^T``; logits
    ``[q_x.k_x, l_x, l_x * l_y] / tau`` (the last block only with
    ``context``); positives: the instance and the top-``k`` neighbours that
    ``y`` finds in its queue (in both blocks).
    """
    return mined_positive_nce((q_x * k_x).sum(1, keepdim=True),
                              q_x @ queue_x.t(), q_y @ queue_y.t(),
                              temperature, topk, context)


def ikem_loss(u: torch.Tensor, cat_k: torch.Tensor, cat_queue: torch.Tensor,
              temperature: float) -> torch.Tensor:
    """IKEM: a modality's projection ``u`` ``(N, D)`` must find the
    normalised concatenation of all momentum keys ``cat_k`` ``(N, D)`` of
    its own sample among past concatenated keys ``cat_queue`` ``(K, D)``
    (InfoNCE, the instance as the only positive; batch mean)."""
    return info_nce(u, cat_k, cat_queue, temperature)


def relational_kd_loss(u: torch.Tensor, t: torch.Tensor,
                       queue_t: torch.Tensor, z_x: torch.Tensor,
                       queue_x: torch.Tensor, temperature: float,
                       topk: int = 1, context: bool = True,
                       reduce: Optional[str] = None) -> torch.Tensor:
    """Relational cross-modality KD for student embedding ``u`` ``(N, D_T)``
    and teacher modality ``x`` (per-sample ``(N, )`` unless ``reduce``).

    Logits ``[u.t, u Q_T^T, (z_x Q_x^T) * (u Q_T^T)] / tau``; positives: the
    same sample (``t``) and the top-``k`` neighbours of ``z_x`` in teacher
    modality ``x``'s own queue ``Q_x`` (rows aligned with ``Q_T``);
    negatives: the queue ``Q_T`` of past teacher embeddings.
    """
    loss = mined_positive_nce((u * t).sum(1, keepdim=True), u @ queue_t.t(),
                              z_x @ queue_x.t(), temperature, topk, context)
    return loss.mean() if reduce == 'mean' else loss
