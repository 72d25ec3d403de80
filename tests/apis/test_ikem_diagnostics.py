"""Teacher-collapse diagnostics of the IKEM pipeline."""
import json
import math

import pytest
import torch

from mmpartkd.apis.ikem_diagnostics import (format_collapse_report,
                                            last_epoch_losses,
                                            mean_pairwise_cosine,
                                            relational_collapse_value,
                                            validation_accuracies)
from mmpartkd.models.ssl import relational_kd_loss


def test_mean_pairwise_cosine():
    same = torch.tensor([[1., 2.]]).repeat(5, 1)
    assert abs(mean_pairwise_cosine(same) - 1) < 1e-12
    basis = torch.eye(4) * 3.
    assert abs(mean_pairwise_cosine(basis)) < 1e-12
    x = torch.randn(7, 5)
    z = torch.nn.functional.normalize(x, dim=1)
    sim = z @ z.t()
    expected = (sim.sum() - sim.diagonal().sum()) / (7 * 6)
    assert abs(mean_pairwise_cosine(x) - expected.item()) < 1e-6
    with pytest.raises(ValueError):
        mean_pairwise_cosine(x[:1])


def test_collapse_value_is_the_loss_of_a_collapsed_teacher():
    """All teacher embeddings equal (and the student's logits therefore
    equal): the relational loss is log(2K + 1) whatever the student."""
    K, D = 6, 4
    t = torch.nn.functional.normalize(torch.ones(3, D), dim=1)
    u = torch.nn.functional.normalize(torch.randn(3, D), dim=1)
    loss = relational_kd_loss(u, t, t[:1].repeat(K, 1), t, t[:1].repeat(
        K, 1), 0.07, reduce='mean')
    assert abs(loss.item() - relational_collapse_value(K)) < 1e-5
    assert relational_collapse_value(256) == math.log(513)
    assert relational_collapse_value(256, context=False) == math.log(257)


def _scalars(tmp_path, records):
    run = tmp_path / '20260101_000000' / 'vis_data'
    run.mkdir(parents=True)
    with open(run / 'scalars.json', 'w') as f:
        f.write('\n'.join(json.dumps(r) for r in records) + '\n')


def test_log_readers(tmp_path):
    _scalars(tmp_path, [
        dict(loss=3., loss_joint=1., epoch=1, iter=1, step=1),
        dict(loss=5., loss_joint=2., epoch=2, iter=2, step=2),
        {'acc/top1': 0.5, 'step': 1},
        dict(loss=7., loss_joint=4., epoch=2, iter=3, step=3),
        {'acc/top1': 0.25, 'step': 2},
    ])
    assert last_epoch_losses(str(tmp_path)) == dict(loss=6., loss_joint=3.)
    assert validation_accuracies(str(tmp_path)) == {1: 0.5, 2: 0.25}
    with pytest.raises(FileNotFoundError):
        last_epoch_losses(str(tmp_path / 'none'))


def test_format_collapse_report():
    text = format_collapse_report(dict(
        teacher_cosine=0.3, modality_cosine=dict(joint=0.2),
        kd_losses=dict(joint=4.5), queue_size=256, collapse_logits=513,
        collapse_value=math.log(513), num_samples=200))
    assert 'cosine 0.300' in text and 'log(513) = 6.24' in text
    assert 'joint 4.50' in text
