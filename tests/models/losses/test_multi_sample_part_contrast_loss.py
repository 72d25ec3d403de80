import math

import pytest
import torch

from mmpartkd.models.losses import MultiSamplePartContrastLoss


def tiny_example():
    """Two anchors, one part, three candidates (unit vectors, tau = 1)."""
    s = torch.tensor([[[1., 0.]], [[0., 1.]]])
    t = torch.tensor([[[1., 0.]], [[0., 1.]], [[0.6, 0.8]]])
    return s, t, torch.tensor([0, 1]), torch.tensor([0, 1, 0])


def test_multi_sample_value_by_hand():
    s, t, y, yt = tiny_example()
    loss = MultiSamplePartContrastLoss(temperature=1.0)(s, t, y, yt)
    e = math.exp
    # anchor 0: positives t0 (sim 1) and t2 (sim 0.6); t1 (sim 0) negative
    l0 = -math.log((e(1) + e(0.6)) / (e(1) + e(0) + e(0.6)))
    # anchor 1: one positive t1 (sim 1); t0 (0) and t2 (0.8) negatives
    l1 = -math.log(e(1) / (e(0) + e(1) + e(0.8)))
    assert loss.item() == pytest.approx((l0 + l1) / 2, rel=1e-6)


def test_supcon_and_paired_values_by_hand():
    s, t, y, yt = tiny_example()
    e = math.exp
    z0 = math.log(e(1) + e(0) + e(0.6))
    z1 = math.log(e(0) + e(1) + e(0.8))
    sup = MultiSamplePartContrastLoss(temperature=1.0, mode='supcon')(
        s, t, y, yt)
    assert sup.item() == pytest.approx(((z0 - 0.8) + (z1 - 1)) / 2, rel=1e-6)
    # paired: anchor 0's twin is t2, anchor 1 has no twin (skipped)
    paired = MultiSamplePartContrastLoss(temperature=1.0, mode='paired')(
        s, t, y, yt, twin_index=torch.tensor([2, -1]))
    assert paired.item() == pytest.approx(z0 - 0.6, rel=1e-6)


def test_part_weights_temperature_and_loss_weight():
    torch.manual_seed(0)
    s = torch.nn.functional.normalize(torch.randn(3, 2, 4), dim=-1)
    t = torch.nn.functional.normalize(torch.randn(5, 2, 4), dim=-1)
    y, yt = torch.tensor([0, 1, 1]), torch.tensor([0, 1, 0, 1, 1])
    loss = MultiSamplePartContrastLoss(temperature=0.5, loss_weight=2.)
    only_first = loss(s, t, y, yt, part_weights=torch.tensor([[1., 0.]] * 3))
    only_second = loss(s, t, y, yt, part_weights=torch.tensor([[0., 1.]] * 3))
    per_part = [loss(s[:, p:p + 1], t[:, p:p + 1], y, yt,
                     part_weights=torch.ones(3, 1)) for p in range(2)]
    assert only_first.item() == pytest.approx(per_part[0].item(), rel=1e-5)
    assert only_second.item() == pytest.approx(per_part[1].item(), rel=1e-5)
    mixed = loss(s, t, y, yt, part_weights=torch.tensor([[.25, .75]] * 3))
    assert mixed.item() == pytest.approx(
        .25 * per_part[0].item() + .75 * per_part[1].item(), rel=1e-5)
    # default weights are 1/P
    assert loss(s, t, y, yt).item() == pytest.approx(
        sum(p.item() for p in per_part) / 2, rel=1e-5)


def test_invalid_candidates_and_anchors_without_positive():
    s, t, y, yt = tiny_example()
    loss = MultiSamplePartContrastLoss(temperature=1.0)
    # masking t2 out == removing it
    masked = loss(s, t, y, yt, teacher_valid=torch.tensor([True, True,
                                                           False]))
    removed = loss(s, t[:2], y, yt[:2])
    assert masked.item() == pytest.approx(removed.item(), rel=1e-6)
    # anchor of class 5 has no positive: contributes nothing, no NaN
    y_bad = torch.tensor([0, 5])
    s.requires_grad_(True)
    out = loss(s, t, y_bad, yt)
    e = math.exp
    assert out.item() == pytest.approx(
        -math.log((e(1) + e(0.6)) / (e(1) + e(0) + e(0.6))), rel=1e-6)
    out.backward()
    assert torch.isfinite(s.grad).all() and (s.grad[1] == 0).all()
    none = loss(s, t, torch.tensor([7, 8]), yt)
    assert none.item() == 0.


def test_gradient_matches_finite_difference():
    torch.manual_seed(1)
    s = torch.randn(4, 3, 5, dtype=torch.float64, requires_grad=True)
    t = torch.randn(6, 3, 5, dtype=torch.float64)
    y, yt = torch.tensor([0, 1, 2, 0]), torch.tensor([0, 1, 2, 0, 1, 2])
    loss = MultiSamplePartContrastLoss(temperature=0.3)
    assert torch.autograd.gradcheck(lambda x: loss(x, t, y, yt), (s, ))


def test_bad_arguments():
    with pytest.raises(ValueError, match='temperature'):
        MultiSamplePartContrastLoss(temperature=0)
    with pytest.raises(ValueError, match='mode'):
        MultiSamplePartContrastLoss(mode='x')
    s, t, y, yt = tiny_example()
    with pytest.raises(ValueError, match='differ'):
        MultiSamplePartContrastLoss()(s, t[:, :, :1], y, yt)
    with pytest.raises(ValueError, match='twin_index'):
        MultiSamplePartContrastLoss(mode='paired')(s, t, y, yt)


def half_example(seed=0):
    """Anchors, candidates (the last 10 empty bank slots), labels, twins."""
    g = torch.Generator().manual_seed(seed)
    s = torch.nn.functional.normalize(torch.randn(12, 6, 16, generator=g),
                                      dim=-1)
    t = torch.nn.functional.normalize(torch.randn(40, 6, 16, generator=g),
                                      dim=-1)
    y, yt = torch.arange(12) % 5, torch.arange(40) % 5
    valid = torch.arange(40) < 30
    twin = torch.where(torch.arange(12) % 3 > 0, torch.arange(12), -1)
    return s, t, y, yt, valid, twin


@pytest.mark.parametrize('mode', MultiSamplePartContrastLoss.MODES)
@pytest.mark.parametrize('dtype', [torch.float16, torch.bfloat16])
def test_half_precision_inputs_and_autocast(mode, dtype):
    """float16 / bfloat16 inputs and autocast: the similarities, the masking
    of empty slots (-1e9 does not fit float16) and the log-sum-exps run in
    float32, so the loss equals the float32 loss of the same (rounded)
    inputs up to float32 rounding; under autocast with float32 inputs
    nothing is rounded at all."""
    loss = MultiSamplePartContrastLoss(temperature=0.1, mode=mode)
    s, t, y, yt, valid, twin = half_example()

    def run(s, t):
        return loss(s, t, y, yt, twin_index=twin, teacher_valid=valid)

    ref = run(s, t)
    s_half = s.to(dtype).requires_grad_()
    got = run(s_half, t.to(dtype))
    assert got.dtype == torch.float32
    rounded = run(s.to(dtype).float(), t.to(dtype).float())
    torch.testing.assert_close(got, rounded, rtol=1e-6, atol=1e-6)
    # the rounding of the embeddings alone (bfloat16: 8 significant bits,
    # relative 2^-9 per element; similarities / tau = 10 amplify it)
    torch.testing.assert_close(got, ref, rtol=2e-2, atol=0)
    got.backward()
    assert s_half.grad.dtype == dtype and torch.isfinite(s_half.grad).all()
    with torch.autocast('cpu', dtype=dtype):
        amp = run(s, t)
    assert amp.dtype == torch.float32
    torch.testing.assert_close(amp, ref, rtol=1e-6, atol=1e-6)


def test_weighted_negatives_by_hand():
    s, t, y, yt = tiny_example()
    e = math.exp
    # weights per (anchor, part, candidate); positives' entries are ignored
    v = torch.tensor([[[9., 0.5, 9.]], [[2., 9., 0.]]])
    loss = MultiSamplePartContrastLoss(temperature=1.0)(
        s, t, y, yt, negative_weights=v)
    # anchor 0: negative t1 (sim 0) counts half
    l0 = -math.log((e(1) + e(0.6)) / (e(1) + 0.5 * e(0) + e(0.6)))
    # anchor 1: t0 (sim 0) counts twice, t2 (sim 0.8) not at all
    l1 = -math.log(e(1) / (2 * e(0) + e(1)))
    assert loss.item() == pytest.approx((l0 + l1) / 2, rel=1e-6)
    # weight 1 everywhere is the plain loss, bit for bit
    plain = MultiSamplePartContrastLoss(temperature=1.0)(s, t, y, yt)
    ones = MultiSamplePartContrastLoss(temperature=1.0)(
        s, t, y, yt, negative_weights=torch.ones(2, 1, 3))
    assert torch.equal(plain, ones)
    with pytest.raises(ValueError, match='negative_weights'):
        MultiSamplePartContrastLoss()(s, t, y, yt,
                                      negative_weights=torch.ones(2, 3))
