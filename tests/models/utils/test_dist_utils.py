"""Without a process group the gathers give their inputs back (their
two-process behaviour is tested with the feature queue and the distiller)."""
import torch

from mmpartkd.models.utils import concat_all_gather, gather_variable


def test_single_process_identity():
    x = torch.randn(3, 2, requires_grad=True)
    labels = torch.arange(3)
    (x_all, labels_all), offset = gather_variable(x, labels)
    assert x_all is x and labels_all is labels and offset == 0
    keys = concat_all_gather(x)
    assert torch.equal(keys, x) and not keys.requires_grad
