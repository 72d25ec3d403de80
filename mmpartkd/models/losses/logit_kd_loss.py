"""Hinton logit distillation."""
import torch
import torch.nn.functional as F

from mmaction.registry import MODELS
from .base_kd_loss import BaseKDLoss

__all__ = ['LogitKDLoss']


@MODELS.register_module()
class LogitKDLoss(BaseKDLoss):
    """``KL(softmax(z_T / tau) || softmax(z_S / tau)) * tau^2``, averaged over
    the batch (Hinton et al. 2015).

    Args:
        tau (float): Temperature. Defaults to 4.0.
        loss_weight (float): Weight of the loss. Defaults to 1.0.
    """

    input_name = 'logits'

    def __init__(self, tau: float = 4.0, loss_weight: float = 1.0) -> None:
        super().__init__(loss_weight)
        if tau <= 0:
            raise ValueError(f'tau={tau} must be > 0')
        self.tau = float(tau)

    def distance(self, preds_S: torch.Tensor,
                 preds_T: torch.Tensor) -> torch.Tensor:
        """Args: student and teacher logits, ``(N, K)`` each."""
        return F.kl_div(
            F.log_softmax(preds_S / self.tau, dim=1),
            F.log_softmax(preds_T / self.tau, dim=1),
            reduction='batchmean',
            log_target=True) * self.tau**2

    def extra_repr(self) -> str:
        return f'tau={self.tau}, loss_weight={self.loss_weight}'
