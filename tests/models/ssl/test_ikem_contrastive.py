"""IKEM / CrosSCLR / relational-KD losses against hand-computed values."""
import math

import torch

from mmpartkd.models.ssl import (cross_modal_loss, ikem_loss, info_nce,
                                 multi_positive_nce, relational_kd_loss,
                                 topk_mask)


def lse(*v):
    return math.log(sum(math.exp(x) for x in v))


def T(rows):
    return torch.tensor(rows, dtype=torch.float64)


def test_info_nce_and_ikem_by_hand():
    q, k = T([[1., 0.]]), T([[0.6, 0.8]])
    queue = T([[1., 0.], [0., 1.]])
    tau = 0.5
    # logits [0.6, 1, 0] / 0.5
    expected = -(1.2 - lse(1.2, 2.0, 0.0))
    assert abs(info_nce(q, k, queue, tau).item() - expected) < 1e-12
    assert abs(ikem_loss(q, k, queue, tau).item() - expected) < 1e-12


def test_multi_positive_nce_by_hand():
    logits, mask = T([[1., 2., 3.]]), T([[1., 0., 1.]])
    z = lse(1, 2, 3)
    expected = -((1 - z) + (3 - z)) / 2
    assert abs(multi_positive_nce(logits, mask).item() - expected) < 1e-12
    m = topk_mask(T([[0.1, 0.9, 0.5], [0.7, 0.2, 0.3]]), 1)
    assert m.tolist() == [[0, 1, 0], [1, 0, 0]]


def test_cross_modal_loss_by_hand():
    tau = 0.5
    q_x, k_x = T([[1., 0.]]), T([[1., 0.]])
    queue_x = T([[0.6, 0.8], [0., 1.]])  # l_x = [0.6, 0]
    q_y = T([[0., 1.]])
    queue_y = T([[1., 0.], [0.8, 0.6]])  # l_y = [0, 0.6] -> neighbour 1
    # logits [1, 0.6, 0, 0.6*0, 0*0.6] / tau, positives 0, 2 (l_x[1]), 4
    v = [1 / tau, 0.6 / tau, 0., 0., 0.]
    z = lse(*v)
    expected = -((v[0] - z) + (v[2] - z) + (v[4] - z)) / 3
    got = cross_modal_loss(q_x, k_x, queue_x, q_y, queue_y, tau)
    assert abs(got.item() - expected) < 1e-12
    # without context: logits [1, 0.6, 0]/tau, positives 0 and 2
    v = [1 / tau, 0.6 / tau, 0.]
    z = lse(*v)
    expected = -((v[0] - z) + (v[2] - z)) / 2
    got = cross_modal_loss(q_x, k_x, queue_x, q_y, queue_y, tau,
                           context=False)
    assert abs(got.item() - expected) < 1e-12


def test_relational_kd_loss_by_hand():
    tau = 0.25
    u, t = T([[1., 0.]]), T([[0.6, 0.8]])
    queue_t = T([[0., 1.], [1., 0.]])  # u.Q_T = [0, 1]
    z_x = T([[1., 0.]])
    queue_x = T([[0.6, 0.8], [0.8, 0.6]])  # z.Q_x = [0.6, 0.8] -> nn 1
    # logits [0.6, 0, 1, 0.6*0, 0.8*1] / tau, positives 0, 2, 4
    v = [x / tau for x in (0.6, 0., 1., 0., 0.8)]
    z = lse(*v)
    expected = -((v[0] - z) + (v[2] - z) + (v[4] - z)) / 3
    got = relational_kd_loss(u, t, queue_t, z_x, queue_x, tau)
    assert abs(got.item() - expected) < 1e-12
    # the neighbour comes from modality x's own queue: another queue that
    # ranks row 0 first changes the positives
    other = T([[0.8, 0.6], [0.6, 0.8]])
    v2 = [x / tau for x in (0.6, 0., 1., 0., 0.6)]
    z2 = lse(*v2)
    expected2 = -((v2[0] - z2) + (v2[1] - z2) + (v2[3] - z2)) / 3
    got2 = relational_kd_loss(u, t, queue_t, z_x, other, tau)
    assert abs(got2.item() - expected2) < 1e-12


def test_gradients_flow_to_query_only_where_expected():
    q = torch.nn.functional.normalize(torch.randn(4, 8), dim=1)
    q.requires_grad_(True)
    k = torch.nn.functional.normalize(torch.randn(4, 8), dim=1)
    queue = torch.nn.functional.normalize(torch.randn(16, 8), dim=1)
    info_nce(q, k, queue, 0.07).backward()
    assert q.grad is not None and q.grad.abs().sum() > 0
