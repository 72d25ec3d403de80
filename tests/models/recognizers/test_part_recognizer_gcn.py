import pytest
import torch

from mmaction.registry import MODELS
from mmpartkd.testing import make_distill_batch, tiny_gcn_cfg


def build():
    cfg = tiny_gcn_cfg(recognizer='PartRecognizerGCN')
    cfg['neck'] = dict(type='PartPoolNeck', in_channels=8, out_channels=4,
                       hidden_channels=8)
    return MODELS.build(cfg)


def test_stages():
    torch.manual_seed(0)
    model = build().eval()
    x, samples = make_distill_batch([0, 1], with_hq=False)
    assert model(x, stage='backbone').shape == (2, 1, 8, 4, 25)
    parts = model(x, stage='neck')
    assert parts.shape == (2, 6, 4)
    assert model(x, stage='head').shape == (2, 4)
    with pytest.raises(ValueError, match='stage'):
        model(x, stage='nope')
    # loss and predict work exactly like the stock recognizer
    model.train()
    losses = model(x, samples, mode='loss')
    assert set(losses) >= {'loss_cls'}
    model.eval()
    preds = model(x, samples, mode='predict')
    assert preds[0].pred_score.shape == (4, )


def test_neck_stage_needs_a_neck():
    model = MODELS.build(tiny_gcn_cfg(recognizer='PartRecognizerGCN'))
    x, _ = make_distill_batch([0], with_hq=False)
    with pytest.raises(ValueError, match='needs a recognizer with a neck'):
        model(x, stage='neck')
