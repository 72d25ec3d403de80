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

    Empty parts (docs/method.md#part-matching): a zero embedding is an
    absent part (:class:`PartPoolNeck` zeroes the parts a layout lacks and
    those whose joints are all missing in a sample; memory-bank slots of
    such parts stay zero). A candidate's absent part is left out of that
    part's softmax (numerator and denominator). Part ``p`` of anchor ``i``
    is *usable* when the anchor has it and a positive candidate has it;
    ``l_ip`` of other parts is not computed, and the weights are
    renormalised over the usable parts::

        w_ip = A[y_i, p] * usable_ip / sum_q A[y_i, q] * usable_iq

    (no division by zero: a row without usable weight contributes 0). An
    anchor counts (:meth:`valid_anchors`, the default ``avg_factor``) when
    one of its parts is usable. With every part present this is the plain
    loss above, bit for bit.

    Weighted negatives (``negative_weights``,
    docs/method.md#multi-sample-contrastive-loss):
    a candidate that is not a positive enters part ``p``'s denominator as
    ``v_ipj * exp(s_ip . t_jp / tau)`` instead of ``exp(...)``;
    :class:`PartContrastHead` sets ``v`` from the part matrix so that a part
    neither action uses pushes their samples apart less. ``v = 1`` is the
    plain loss.

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

    @staticmethod
    def part_present(embeds: torch.Tensor) -> torch.Tensor:
        """``(N, P)`` bool: parts whose embedding is not the zero vector."""
        return embeds.detach().ne(0).any(-1)

    def _part_masks(self, student_embeds, teacher_embeds, pos,
                    teacher_valid):
        """``(candidate part validity (Nc, P) or None, positives (N, P, Nc),
        usable (N, P))``; None and plain broadcasts when no part is
        absent."""
        s_present = self.part_present(student_embeds)
        t_present = self.part_present(teacher_embeds)
        if teacher_valid is not None:
            # empty bank slots are zero: not absent parts, invalid rows
            t_present = t_present | ~teacher_valid[:, None]
        N, P = s_present.shape
        if s_present.all() and t_present.all():
            pos3 = pos[:, None, :].expand(N, P, pos.shape[1])
            return None, pos3, pos.any(1, keepdim=True).expand(N, P)
        cand_part = t_present
        if teacher_valid is not None:
            cand_part = cand_part & teacher_valid[:, None]
        pos3 = pos[:, None, :] & cand_part.T[None]
        return cand_part, pos3, s_present & pos3.any(-1)

    def valid_anchors(self,
                      student_embeds: torch.Tensor,
                      teacher_embeds: torch.Tensor,
                      labels: torch.Tensor,
                      teacher_labels: torch.Tensor,
                      teacher_valid: Optional[torch.Tensor] = None,
                      twin_index: Optional[torch.Tensor] = None
                      ) -> torch.Tensor:
        """``(N,)`` bool: anchors with a usable part (a part they have and
        a positive candidate has): the ones the loss averages over."""
        pos = self.positive_mask(labels, teacher_labels, teacher_valid,
                                 twin_index)
        return self._part_masks(student_embeds, teacher_embeds, pos,
                                teacher_valid)[2].any(1)

    def forward(self,
                student_embeds: torch.Tensor,
                teacher_embeds: torch.Tensor,
                labels: torch.Tensor,
                teacher_labels: torch.Tensor,
                part_weights: Optional[torch.Tensor] = None,
                twin_index: Optional[torch.Tensor] = None,
                teacher_valid: Optional[torch.Tensor] = None,
                avg_factor: Optional[float] = None,
                negative_weights: Optional[torch.Tensor] = None
                ) -> torch.Tensor:
        """Compute the loss.

        Args:
            student_embeds (torch.Tensor): Anchors ``(N, P, D)``, normalised.
            teacher_embeds (torch.Tensor): Candidates ``(Nc, P, D)``.
            labels (torch.Tensor): Anchor labels ``(N,)``.
            teacher_labels (torch.Tensor): Candidate labels ``(Nc,)``.
            part_weights (torch.Tensor, optional): ``(N, P)`` weights
                ``A[y_i, p]``; defaults to ``1/P`` (a mean over parts).
                Renormalised over each anchor's usable parts when a part is
                absent (see the class docstring).
            twin_index (torch.Tensor, optional): ``(N,)`` index of each
                anchor's own twin among the candidates, -1 if none.
            teacher_valid (torch.Tensor, optional): ``(Nc,)`` bool, False
                for empty memory-bank slots.
            avg_factor (float, optional): Divisor of the summed anchor
                losses; defaults to the number of anchors with a positive.
            negative_weights (torch.Tensor, optional): ``(N, P, Nc)``
                non-negative weights of the candidates in each anchor's part
                denominators; positives keep weight 1 whatever their entry.

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
        # absent parts (zero embeddings): per-part candidates and positives
        cand_part, pos3, usable = self._part_masks(
            student_embeds, teacher_embeds, pos, teacher_valid)
        valid_anchor = usable.any(dim=1)
        # (N, P, Nc) similarities
        with torch.autocast(student_embeds.device.type, enabled=False):
            logits = torch.einsum('npd,cpd->npc', student_embeds.to(dtype),
                                  teacher_embeds.to(dtype)) / self.temperature
        part_weights = part_weights.to(dtype)
        neg_inf = -1e9  # exp() is 0, and sums of it cannot overflow
        if teacher_valid is not None:
            logits = logits.masked_fill(~teacher_valid[None, None], neg_inf)
        if cand_part is not None:
            logits = logits.masked_fill(~cand_part.T[None], neg_inf)
        if negative_weights is None:
            log_denominator = logits.logsumexp(dim=-1)  # (N, P)
        else:
            if negative_weights.shape != logits.shape:
                raise ValueError(
                    f'negative_weights {tuple(negative_weights.shape)} must '
                    f'have the shape (anchors, parts, candidates) = '
                    f'{tuple(logits.shape)}')
            # log v added to the negatives' logits; a weight of 0 removes a
            # negative (its logit stays finite: -1e9 + log 1e-30)
            log_v = negative_weights.to(dtype).clamp(min=1e-30).log()
            log_denominator = (logits + log_v.masked_fill(pos3, 0.)
                               ).logsumexp(dim=-1)
        if self.mode == 'supcon':
            num_pos = pos3.sum(-1).clamp(min=1)
            log_numerator = (logits * pos3).sum(-1) / num_pos
        else:
            log_numerator = logits.masked_fill(~pos3, neg_inf).logsumexp(-1)
        per_part = log_denominator - log_numerator  # (N, P)
        per_part = per_part.masked_fill(~usable, 0.)
        if cand_part is not None:
            # renormalise each anchor's row over its usable parts; a row
            # without usable weight stays 0 (never 0 / 0)
            w = part_weights * usable
            total = w.sum(1, keepdim=True)
            part_weights = torch.where(total > 0,
                                       w / total.clamp(min=1e-12), w)
        per_anchor = (per_part * part_weights).sum(1)
        if avg_factor is None:
            avg_factor = valid_anchor.sum().clamp(min=1)
        return self.loss_weight * per_anchor.sum() / avg_factor

    def extra_repr(self) -> str:
        return (f'temperature={self.temperature}, mode={self.mode!r}, '
                f'loss_weight={self.loss_weight}')
