"""SKD-style feature distillation (baseline)."""
import torch
import torch.nn as nn
import torch.nn.functional as F

from mmaction.registry import MODELS

__all__ = ['FeatureKDLoss']


@MODELS.register_module()
class FeatureKDLoss(nn.Module):
    """Match pooled features point-wise (MSE) and structurally (pairwise
    distances within the batch, each normalised by its mean), as in the
    feature-level baselines of SKD.

    Args:
        pairwise_weight (float): Weight of the pairwise-distance term.
        loss_weight (float): Weight of the loss. Defaults to 1.0.
    """

    def __init__(self, pairwise_weight: float = 1.0,
                 loss_weight: float = 1.0) -> None:
        super().__init__()
        self.pairwise_weight = float(pairwise_weight)
        self.loss_weight = float(loss_weight)

    @staticmethod
    def _normalised_distances(x: torch.Tensor) -> torch.Tensor:
        d = torch.cdist(x, x)
        return d / d[d > 0].mean().clamp(min=1e-8) if (d > 0).any() else d

    def forward(self, feat_S: torch.Tensor,
                feat_T: torch.Tensor) -> torch.Tensor:
        """Args: student (projected) and teacher features, ``(N, C)``."""
        if feat_S.shape != feat_T.shape:
            raise ValueError(f'student features {tuple(feat_S.shape)} and '
                             f'teacher features {tuple(feat_T.shape)} differ')
        if feat_S.shape[0] == 0:
            return feat_S.sum() * 0.
        feat_T = feat_T.detach()
        loss = F.mse_loss(feat_S, feat_T)
        if self.pairwise_weight and feat_S.shape[0] > 1:
            loss = loss + self.pairwise_weight * F.smooth_l1_loss(
                self._normalised_distances(feat_S),
                self._normalised_distances(feat_T))
        return self.loss_weight * loss

    def extra_repr(self) -> str:
        return (f'pairwise_weight={self.pairwise_weight}, '
                f'loss_weight={self.loss_weight}')
