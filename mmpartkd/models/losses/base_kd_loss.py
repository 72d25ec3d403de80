"""Base of the instance-level distillation losses (student vs. teacher
tensors of one shape)."""
import torch
import torch.nn as nn

__all__ = ['BaseKDLoss']


class BaseKDLoss(nn.Module):
    """``loss_weight * distance(student, teacher)`` for tensors ``(N, ...)``
    of one shape.

    ``forward`` validates the pair (equal shapes), returns a zero that keeps
    the student in the graph for an empty batch, detaches the teacher and
    calls :meth:`distance` in float32 at least, outside autocast: a
    float16 / bfloat16 KL divergence or distance of two close inputs loses
    most of its digits (the inputs themselves keep their dtype's rounding).
    A subclass implements :meth:`distance` for a non-empty batch.

    Args:
        loss_weight (float): Weight of the loss. Defaults to 1.0.
    """

    #: What the inputs are, for the error message.
    input_name = 'inputs'

    def __init__(self, loss_weight: float = 1.0) -> None:
        super().__init__()
        self.loss_weight = float(loss_weight)

    def distance(self, preds_S: torch.Tensor,
                 preds_T: torch.Tensor) -> torch.Tensor:
        """The unweighted loss of a non-empty batch (teacher detached)."""
        raise NotImplementedError

    def forward(self, preds_S: torch.Tensor,
                preds_T: torch.Tensor) -> torch.Tensor:
        """Args: student and teacher tensors, ``(N, ...)`` each."""
        if preds_S.shape != preds_T.shape:
            raise ValueError(
                f'student {self.input_name} {tuple(preds_S.shape)} and '
                f'teacher {self.input_name} {tuple(preds_T.shape)} differ')
        if preds_S.shape[0] == 0:
            return preds_S.sum() * 0.
        dtype = torch.promote_types(preds_S.dtype, torch.float32)
        with torch.autocast(preds_S.device.type, enabled=False):
            return self.loss_weight * self.distance(
                preds_S.to(dtype), preds_T.detach().to(dtype))
