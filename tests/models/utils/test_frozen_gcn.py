"""BatchedUnitGCN computes what mmaction2's unit_gcn computes (float
rounding apart), with the same state dict; the distillers' teachers use it,
their students do not."""
import copy
import pickle

import pytest
import torch
from mmaction.models.utils.gcn_utils import unit_gcn

from mmaction.registry import MODELS
from mmpartkd.models.utils import (BatchedUnitGCN,
                                   use_batched_graph_aggregation)
from mmpartkd.testing import make_distill_batch, tiny_gcn_cfg


@pytest.mark.parametrize('adaptive', ['init', 'offset', 'importance'])
@pytest.mark.parametrize('conv_pos', ['pre', 'post'])
@pytest.mark.parametrize('channels', [(6, 6, False), (6, 10, True)])
def test_same_outputs_gradients_and_state(adaptive, conv_pos, channels):
    c_in, c_out, with_res = channels
    torch.manual_seed(0)
    A = torch.rand(3, 25, 25)
    stock = unit_gcn(c_in, c_out, A, adaptive=adaptive, conv_pos=conv_pos,
                     with_res=with_res).train()
    with torch.no_grad():  # a non-trivial learned adjacency
        for name in ('PA', ):
            if hasattr(stock, name):
                getattr(stock, name).add_(0.1 * torch.rand(3, 25, 25))
    fast = copy.deepcopy(stock)
    assert use_batched_graph_aggregation(fast) == 1
    assert type(fast) is BatchedUnitGCN
    assert list(fast.state_dict()) == list(stock.state_dict())
    x = torch.randn(4, c_in, 8, 25, requires_grad=True)
    x_fast = x.detach().clone().requires_grad_()
    out, out_fast = stock(x), fast(x_fast)
    torch.testing.assert_close(out_fast, out, rtol=1e-5, atol=1e-5)
    weight = torch.randn_like(out)
    (out * weight).sum().backward()
    (out_fast * weight).sum().backward()
    # gradients: relative (norm) error; sums over the batch, the joints and
    # the frames cancel, so element-wise tolerances would test the rounding
    grads = [('input', x_fast.grad, x.grad)] + [
        (name, q.grad, p.grad)
        for (name, p), q in zip(stock.named_parameters(), fast.parameters())]
    for name, got, want in grads:
        error = float((got - want).norm() / want.norm())
        assert error < 1e-5, (name, error)
    fast.eval(), stock.eval()
    with torch.no_grad():
        torch.testing.assert_close(fast(x), stock(x), rtol=1e-5, atol=1e-5)
    assert type(pickle.loads(pickle.dumps(fast))) is BatchedUnitGCN


def test_distiller_teachers_use_it_students_do_not(tmp_path):
    ckpt = str(tmp_path / 't.pth')
    torch.manual_seed(0)
    plain = MODELS.build(tiny_gcn_cfg()).eval()
    torch.save(dict(state_dict=plain.state_dict()), ckpt)
    neck = dict(type='PartPoolNeck', in_channels=8, out_channels=4,
                hidden_channels=8)
    model = MODELS.build(dict(
        type='PartKDDistiller', student=tiny_gcn_cfg(),
        teacher=tiny_gcn_cfg(), teacher_ckpt=ckpt, student_neck=neck,
        teacher_neck=neck,
        part_head=dict(type='PartContrastHead', num_classes=4,
                       num_parts=6, embed_channels=4)))
    kinds = {who: {type(m) for m in getattr(model, who).modules()
                   if isinstance(m, unit_gcn)}
             for who in ('teacher', 'student')}
    assert kinds == dict(teacher={BatchedUnitGCN}, student={unit_gcn})
    # the teacher's outputs are the plain recognizer's
    _, samples = make_distill_batch([0, 1, 2, 3])
    hq = torch.stack([s.hq_inputs for s in samples])
    with torch.no_grad():
        feats, _ = plain.extract_feat(hq)
        logits = plain.cls_head(feats)
    torch.testing.assert_close(
        model.teacher_forward(hq, samples)['logits'], logits, rtol=1e-5,
        atol=1e-6)
    # checkpoints of the distiller keep the stock keys
    assert {k[len('teacher.'):] for k in model.state_dict()
            if k.startswith('teacher.')} == set(plain.state_dict())


@pytest.mark.parametrize('dtype', [torch.float16, torch.bfloat16])
def test_under_autocast(dtype):
    torch.manual_seed(0)
    stock = unit_gcn(6, 6, torch.rand(3, 25, 25), adaptive='init').eval()
    fast = copy.deepcopy(stock)
    use_batched_graph_aggregation(fast)
    x = torch.randn(4, 6, 8, 25)
    with torch.no_grad(), torch.autocast('cpu', dtype=dtype):
        out, out_fast = stock(x), fast(x)
    assert out_fast.dtype == out.dtype
    torch.testing.assert_close(out_fast.float(), out.float(), rtol=2e-2,
                               atol=2e-2)
