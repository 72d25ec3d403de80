"""Per-part regression of the student's part embeddings onto its twin's
teacher part embeddings (docs/method.md#combined-objective)."""
import math
import numbers

import torch
import torch.nn.functional as F

from mmaction.registry import MODELS
from .base_kd_loss import BaseKDLoss
from .multi_sample_part_contrast_loss import MultiSamplePartContrastLoss

__all__ = ['PartRegressionLoss']


@MODELS.register_module()
class PartRegressionLoss(BaseKDLoss):
    """``1 - cos`` between each student part embedding and the same part of
    its own twin's teacher embedding, averaged over the parts both have and
    over the samples with such a part.

    For paired sample ``i`` and part ``p``, with ``u_ip = 1`` when neither
    embedding is the zero vector (an absent part,
    docs/method.md#part-matching) and ``x^ = x / ||x||``::

        r_ip = 1 - s^_ip . sg(t^_ip)
        L_i  = sum_p u_ip * r_ip / sum_p u_ip
        L    = loss_weight * sum_{i: sum_p u_ip > 0} L_i / #{i: sum_p u_ip > 0}

    ``sg`` is the stop-gradient (:class:`BaseKDLoss` detaches the teacher):
    the targets are fixed for this term, so it cannot pull the teacher-side
    projection and the student towards a shared constant.

    Why ``1 - cos`` of normalised vectors: the necks' embeddings are unit
    vectors on which the contrast works with dot products, and for unit
    vectors ``||s^ - t^||^2 = 2 (1 - cos)``, so this is the MSE of the
    normalised vectors halved, bounded in ``[0, 2]`` whatever the
    embedding size, and independent of the norm of embeddings that a neck
    with ``normalize=False`` leaves unnormalised. Sample ``i`` of the
    student and of the teacher inputs must be the same sample.

    A batch without a usable part (no sample, or every part absent) gives an
    exact zero that keeps the student in the graph.

    Args:
        loss_weight (float): Weight of the loss, finite and >= 0. Defaults
            to 1.0.
    """

    input_name = 'part embeddings'

    def __init__(self, loss_weight: float = 1.0) -> None:
        if not (isinstance(loss_weight, numbers.Real)
                and math.isfinite(loss_weight) and loss_weight >= 0):
            raise ValueError(
                f'loss_weight={loss_weight!r} must be a finite number >= 0')
        super().__init__(loss_weight)

    @staticmethod
    def usable_parts(preds_S: torch.Tensor,
                     preds_T: torch.Tensor) -> torch.Tensor:
        """``(N, P)`` bool: parts that student and teacher both have (no
        zero embedding on either side)."""
        present = MultiSamplePartContrastLoss.part_present
        return present(preds_S) & present(preds_T)

    def distance(self, preds_S: torch.Tensor,
                 preds_T: torch.Tensor) -> torch.Tensor:
        """The unweighted loss of a non-empty batch.

        Args:
            preds_S (torch.Tensor): Student part embeddings ``(N, P, D)``.
            preds_T (torch.Tensor): The twins' teacher part embeddings
                ``(N, P, D)`` (detached by :meth:`BaseKDLoss.forward`).

        Returns:
            torch.Tensor: Scalar.
        """
        if preds_S.dim() != 3:
            raise ValueError('PartRegressionLoss expects part embeddings '
                             f'(N, P, D), got {tuple(preds_S.shape)}')
        usable = self.usable_parts(preds_S, preds_T).to(preds_S.dtype)
        cosine = (F.normalize(preds_S, dim=-1) *
                  F.normalize(preds_T, dim=-1)).sum(-1)  # (N, P)
        per_part = (1. - cosine) * usable
        num_parts = usable.sum(1)
        per_sample = per_part.sum(1) / num_parts.clamp(min=1)
        # the average over samples with a usable part; a batch without one
        # is 0 (never 0 / 0) and keeps the student in the graph
        return per_sample.sum() / (num_parts > 0).sum().clamp(min=1)

    def extra_repr(self) -> str:
        return f'loss_weight={self.loss_weight}'
