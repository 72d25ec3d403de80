"""Hinton logit distillation."""
import torch
import torch.nn as nn
import torch.nn.functional as F

from mmaction.registry import MODELS

__all__ = ['LogitKDLoss']


@MODELS.register_module()
class LogitKDLoss(nn.Module):
    """``KL(softmax(z_T / tau) || softmax(z_S / tau)) * tau^2``, averaged over
    the batch (Hinton et al. 2015).

    Args:
        tau (float): Temperature. Defaults to 4.0.
        loss_weight (float): Weight of the loss. Defaults to 1.0.
    """

    def __init__(self, tau: float = 4.0, loss_weight: float = 1.0) -> None:
        super().__init__()
        if tau <= 0:
            raise ValueError(f'tau={tau} must be > 0')
        self.tau = float(tau)
        self.loss_weight = float(loss_weight)

    def forward(self, preds_S: torch.Tensor,
                preds_T: torch.Tensor) -> torch.Tensor:
        """Args: student and teacher logits, ``(N, K)`` each."""
        if preds_S.shape != preds_T.shape:
            raise ValueError(f'student logits {tuple(preds_S.shape)} and '
                             f'teacher logits {tuple(preds_T.shape)} differ')
        if preds_S.shape[0] == 0:
            return preds_S.sum() * 0.
        preds_T = preds_T.detach()
        loss = F.kl_div(
            F.log_softmax(preds_S / self.tau, dim=1),
            F.log_softmax(preds_T / self.tau, dim=1),
            reduction='batchmean',
            log_target=True) * self.tau**2
        return self.loss_weight * loss

    def extra_repr(self) -> str:
        return f'tau={self.tau}, loss_weight={self.loss_weight}'
