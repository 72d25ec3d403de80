"""SKD-style feature distillation (baseline)."""
import torch
import torch.nn.functional as F

from mmaction.registry import MODELS
from .base_kd_loss import BaseKDLoss

__all__ = ['FeatureKDLoss']


@MODELS.register_module()
class FeatureKDLoss(BaseKDLoss):
    """Match pooled features point-wise (MSE) and structurally (pairwise
    distances within the batch, each normalised by its mean), as in the
    feature-level baselines of SKD.

    Args:
        pairwise_weight (float): Weight of the pairwise-distance term.
        loss_weight (float): Weight of the loss. Defaults to 1.0.
    """

    input_name = 'features'

    def __init__(self, pairwise_weight: float = 1.0,
                 loss_weight: float = 1.0) -> None:
        super().__init__(loss_weight)
        self.pairwise_weight = float(pairwise_weight)

    @staticmethod
    def _normalised_distances(x: torch.Tensor) -> torch.Tensor:
        d = torch.cdist(x, x)
        return d / d[d > 0].mean().clamp(min=1e-8) if (d > 0).any() else d

    def distance(self, preds_S: torch.Tensor,
                 preds_T: torch.Tensor) -> torch.Tensor:
        """Args: student (projected) and teacher features, ``(N, C)``."""
        loss = F.mse_loss(preds_S, preds_T)
        if self.pairwise_weight and preds_S.shape[0] > 1:
            loss = loss + self.pairwise_weight * F.smooth_l1_loss(
                self._normalised_distances(preds_S),
                self._normalised_distances(preds_T))
        return loss

    def extra_repr(self) -> str:
        return (f'pairwise_weight={self.pairwise_weight}, '
                f'loss_weight={self.loss_weight}')
