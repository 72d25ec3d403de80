import copy

import numpy as np
import pytest
import torch

from mmaction.registry import MODELS
from mmpartkd.apis.part_matrix import (extract_part_features,
                                       normalize_part_matrix)
from mmpartkd.models.necks import PartPoolNeck
from mmpartkd.testing import make_distill_batch, tiny_gcn_cfg


def test_extract_part_features_of_the_output_or_an_earlier_block():
    torch.manual_seed(0)
    model = MODELS.build(tiny_gcn_cfg()).eval()
    x, samples = make_distill_batch([0, 1, 2])
    batches = [dict(inputs=list(x), data_samples=samples)]
    neck = PartPoolNeck(in_channels=8, out_channels=None)
    with torch.no_grad():
        out = model.backbone(x.flatten(0, 1))
        cut = copy.deepcopy(model.backbone)
        cut.num_stages = 1  # the backbone up to block 0
        block0 = cut(x.flatten(0, 1))
    feats, labels = extract_part_features(model, neck, batches,
                                          progress=False)
    np.testing.assert_allclose(feats, neck.pool(out).numpy(), rtol=1e-5)
    np.testing.assert_array_equal(labels, [0, 1, 2])
    feats0, _ = extract_part_features(model, neck, batches, progress=False,
                                      part_block=0)
    assert feats0.shape == (3, 6, 4)  # block 0 keeps base_channels
    np.testing.assert_allclose(feats0, neck.pool(block0).numpy(), rtol=1e-5)
    with pytest.raises(IndexError, match='3 blocks'):
        extract_part_features(model, neck, batches, progress=False,
                              part_block=5)


def test_normalize_part_matrix_rows_sum_to_one():
    acc = np.array([[0.9, 0.5, 0.5], [0.2, 0.2, 0.8]])
    matrix = normalize_part_matrix(acc, temperature=0.1)
    np.testing.assert_allclose(matrix.sum(1), 1, rtol=1e-6)
    assert matrix[0].argmax() == 0 and matrix[1].argmax() == 2
