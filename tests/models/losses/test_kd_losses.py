import math

import pytest
import torch

from mmpartkd.models.losses import FeatureKDLoss, LogitKDLoss


def test_logit_kd_by_hand():
    s = torch.tensor([[1., 0.]])
    t = torch.tensor([[0., 1.]])
    tau = 2.
    ps = [math.exp(0.5) / (math.exp(0.5) + 1), 1 / (math.exp(0.5) + 1)]
    pt = ps[::-1]
    kl = sum(p * math.log(p / q) for p, q in zip(pt, ps))
    out = LogitKDLoss(tau=tau, loss_weight=3.)(s, t)
    assert out.item() == pytest.approx(3 * kl * tau**2, rel=1e-6)
    assert LogitKDLoss()(t, t).item() == pytest.approx(0, abs=1e-7)


def test_logit_kd_gradient_reaches_student_only():
    s = torch.randn(4, 3, requires_grad=True)
    t = torch.randn(4, 3, requires_grad=True)
    LogitKDLoss()(s, t).backward()
    assert s.grad is not None and t.grad is None


def test_feature_kd():
    x = torch.randn(5, 8)
    assert FeatureKDLoss()(x, x).item() == pytest.approx(0, abs=1e-7)
    y = x + 1.  # same pairwise structure: only the MSE term remains
    assert FeatureKDLoss()(x, y).item() == pytest.approx(1., rel=1e-5)
    assert FeatureKDLoss()(2 * x, x).item() == pytest.approx(
        ((2 * x - x)**2).mean().item(), rel=1e-5)  # scale-free structure
    with pytest.raises(ValueError, match='differ'):
        FeatureKDLoss()(x, x[:, :4])


@pytest.mark.parametrize('loss', [LogitKDLoss(), FeatureKDLoss()])
@pytest.mark.parametrize('dtype', [torch.float16, torch.bfloat16])
def test_kd_losses_in_float32_under_half_precision(loss, dtype):
    """A KL divergence (or distance) of two close inputs computed in
    float16 / bfloat16 loses most of its digits (bfloat16 log-softmax made
    a logit KD loss of two similar models 60 % off): the losses compute in
    float32 from the rounded inputs, and under autocast exactly as in
    float32."""
    g = torch.Generator().manual_seed(0)
    s = torch.randn(8, 10, generator=g)
    t = s + 0.1 * torch.randn(8, 10, generator=g)
    ref = loss(s, t)
    got = loss(s.to(dtype), t.to(dtype))
    assert got.dtype == torch.float32
    torch.testing.assert_close(
        got, loss(s.to(dtype).float(), t.to(dtype).float()))
    with torch.autocast('cpu', dtype=dtype):
        amp = loss(s, t)
    torch.testing.assert_close(amp, ref)
