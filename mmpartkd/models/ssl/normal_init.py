"""Upstream CrosSCLR / IKEM's weight initialisation (docs/method.md#ikem)."""
import torch
from torch import nn

__all__ = ['normal_init_']


@torch.no_grad()
def normal_init_(module: nn.Module, std: float = 0.02) -> nn.Module:
    """Re-draw every convolution, linear and batch-norm layer of ``module``:
    weights ``N(0, std)`` (batch norm: ``N(1, std)``), biases 0.

    This is upstream's ``weights_init`` (``model.apply`` after building the
    model), which also reaches the key encoders: they then start from their
    own draws, not from a copy of the query encoders. Other parameters
    (e.g. ST-GCN's edge importance, initialised to 1) are left alone.

    Returns:
        nn.Module: ``module``, initialised in place.
    """
    for m in module.modules():
        if isinstance(m, (nn.Conv1d, nn.Conv2d, nn.Linear)):
            m.weight.normal_(0., std)
            if m.bias is not None:
                m.bias.zero_()
        elif isinstance(m, nn.modules.batchnorm._BatchNorm) and m.affine:
            m.weight.normal_(1., std)
            m.bias.zero_()
    return module
