"""pool_gcn_feature gives the numbers GCNHead's classifier reads."""
import torch
from torch import nn

from mmaction.registry import MODELS
from mmpartkd.models.utils import pool_gcn_feature


def test_equals_gcn_head_pooling():
    head = MODELS.build(dict(type='GCNHead', num_classes=3, in_channels=8,
                             dropout=0.))
    head.fc = nn.Identity()  # what reaches the classifier
    head.eval()
    torch.manual_seed(0)
    for persons in (1, 2):
        x = torch.randn(4, persons, 8, 6, 25)
        assert pool_gcn_feature(x).shape == (4, 8)
        assert torch.equal(pool_gcn_feature(x), head(x))
