"""Part-level multi-sample contrastive loss
(docs/method.md#multi-sample-contrastive-loss)."""
from typing import Optional

import torch
import torch.nn as nn

from mmaction.registry import MODELS

__all__ = ['MultiSamplePartContrastLoss']


@MODELS.register_module()
class MultiSamplePartContrastLoss(nn.Module):
    """Contrast each student part embedding against teacher part embeddings
    of many high-quality samples.

    For anchor ``i`` (a low-quality sample, label ``y_i``), part ``p`` and
    candidates ``j`` (teacher embeddings of high-quality samples)::

        l_ip = -log( sum_{j: y_j = y_i} exp(s_ip . t_jp / tau)
                     / sum_j exp(s_ip . t_jp / tau) )          # 'multi'
        L_i  = sum_p w_ip * l_ip

    Modes: ``'multi'`` (the multi-sample form above: every candidate of the
    anchor's class is a positive), ``'supcon'`` (SupCon average of
    ``-log softmax`` over the positives), ``'paired'`` (the anchor's own
    high-quality twin is the only positive; anchors without a twin are
    skipped). Anchors with no positive among the candidates contribute
    nothing. The result is ``loss_weight * sum_i L_i / avg_factor``.

    Args:
        temperature (float): tau. Defaults to 0.1.
        mode (str): ``'multi'``, ``'supcon'`` or ``'paired'``.
        loss_weight (float): Weight of the loss. Defaults to 1.0.
    """

    MODES = ('multi', 'supcon', 'paired')

    def __init__(self,
                 temperature: float = 0.1,
                 mode: str = 'multi',
                 loss_weight: float = 1.0) -> None:
        super().__init__()
        if temperature <= 0:
            raise ValueError(f'temperature={temperature} must be > 0')
        if mode not in self.MODES:
            raise ValueError(f'mode must be one of {self.MODES}, got {mode}')
        self.temperature = float(temperature)
        self.mode = mode
        self.loss_weight = float(loss_weight)

    def positive_mask(self,
                      labels: torch.Tensor,
                      candidate_labels: torch.Tensor,
                      candidate_valid: Optional[torch.Tensor] = None,
                      twin_index: Optional[torch.Tensor] = None
                      ) -> torch.Tensor:
        """``(N, Nc)`` bool: which candidates are positives of each anchor."""
        if self.mode == 'paired':
            if twin_index is None:
                raise ValueError('mode="paired" needs twin_index')
            cols = torch.arange(candidate_labels.shape[0],
                                device=labels.device)
            pos = (cols[None] == twin_index[:, None]) & (twin_index[:, None]
                                                         >= 0)
        else:
            pos = labels[:, None] == candidate_labels[None]
        if candidate_valid is not None:
            pos = pos & candidate_valid[None]
        return pos

    def forward(self,
                student_embeds: torch.Tensor,
                teacher_embeds: torch.Tensor,
                labels: torch.Tensor,
                teacher_labels: torch.Tensor,
                part_weights: Optional[torch.Tensor] = None,
                twin_index: Optional[torch.Tensor] = None,
                teacher_valid: Optional[torch.Tensor] = None,
                avg_factor: Optional[float] = None) -> torch.Tensor:
        """Compute the loss.

        Args:
            student_embeds (torch.Tensor): Anchors ``(N, P, D)``, normalised.
            teacher_embeds (torch.Tensor): Candidates ``(Nc, P, D)``.
            labels (torch.Tensor): Anchor labels ``(N,)``.
            teacher_labels (torch.Tensor): Candidate labels ``(Nc,)``.
            part_weights (torch.Tensor, optional): ``(N, P)`` weights
                ``A[y_i, p]``; defaults to ``1/P`` (a mean over parts).
            twin_index (torch.Tensor, optional): ``(N,)`` index of each
                anchor's own twin among the candidates, -1 if none.
            teacher_valid (torch.Tensor, optional): ``(Nc,)`` bool, False
                for empty memory-bank slots.
            avg_factor (float, optional): Divisor of the summed anchor
                losses; defaults to the number of anchors with a positive.

        Returns:
            torch.Tensor: Scalar loss, float32 (float64 for float64
            inputs) also for float16 / bfloat16 inputs or under autocast.
        """
        N, P, _ = student_embeds.shape
        if teacher_embeds.shape[1:] != student_embeds.shape[1:]:
            raise ValueError(
                f'student part embeddings {tuple(student_embeds.shape)} and '
                f'teacher part embeddings {tuple(teacher_embeds.shape)} '
                'differ in parts or channels')
        # Everything in float32 at least, whatever the input dtype or
        # autocast: a float16 / bfloat16 log-sum-exp over thousands of
        # candidates loses the loss's precision, and float16 cannot hold
        # the mask value (its largest value is 65504).
        dtype = torch.promote_types(student_embeds.dtype, torch.float32)
        if part_weights is None:
            part_weights = student_embeds.new_full((N, P), 1. / P,
                                                   dtype=dtype)
        pos = self.positive_mask(labels, teacher_labels, teacher_valid,
                                 twin_index)
        valid_anchor = pos.any(dim=1)
        # (N, P, Nc) similarities
        with torch.autocast(student_embeds.device.type, enabled=False):
            logits = torch.einsum('npd,cpd->npc', student_embeds.to(dtype),
                                  teacher_embeds.to(dtype)) / self.temperature
        part_weights = part_weights.to(dtype)
        neg_inf = -1e9  # exp() is 0, and sums of it cannot overflow
        if teacher_valid is not None:
            logits = logits.masked_fill(~teacher_valid[None, None], neg_inf)
        log_denominator = logits.logsumexp(dim=-1)  # (N, P)
        pos3 = pos[:, None, :].expand_as(logits)
        if self.mode == 'supcon':
            num_pos = pos.sum(1).clamp(min=1)[:, None]
            log_numerator = (logits * pos3).sum(-1) / num_pos
        else:
            log_numerator = logits.masked_fill(~pos3, neg_inf).logsumexp(-1)
        per_part = log_denominator - log_numerator  # (N, P)
        per_part = per_part.masked_fill(~valid_anchor[:, None], 0.)
        per_anchor = (per_part * part_weights).sum(1)
        if avg_factor is None:
            avg_factor = valid_anchor.sum().clamp(min=1)
        return self.loss_weight * per_anchor.sum() / avg_factor

    def extra_repr(self) -> str:
        return (f'temperature={self.temperature}, mode={self.mode!r}, '
                f'loss_weight={self.loss_weight}')
