"""Global pooling of GCN backbone features."""
import torch

__all__ = ['pool_gcn_feature']


def pool_gcn_feature(x: torch.Tensor) -> torch.Tensor:
    """Global average pool of a GCN feature over time, joints and persons.

    The same numbers as mmaction2's ``GCNHead`` before its ``fc``: a mean
    over ``(T, V)`` per person, then over persons, so a teacher's global
    feature is exactly what its classifier reads.

    Args:
        x (torch.Tensor): ``(N, M, C, T, V)``.

    Returns:
        torch.Tensor: ``(N, C)``.
    """
    return x.mean(dim=(3, 4)).mean(dim=1)
