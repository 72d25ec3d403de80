"""MultiModalMoCo: momentum updates, queues, phases, free dims, and the
linear-evaluation recognizer (pretrained prefix, frozen, logit mean)."""
import pytest
import torch
import torch.nn.functional as F

from mmaction.registry import MODELS
from mmaction.structures import ActionDataSample

MODS = ('joint', 'motion', 'bone', 'acceleration', 'rotation_axis',
        'angular_velocity')


def backbone():
    return dict(type='STGCN', base_channels=4, num_stages=4,
                inflate_stages=[3], down_stages=[3],
                graph_cfg=dict(layout='nturgb+d', mode='stgcn_spatial'))


def build(**kw):
    cfg = dict(type='MultiModalMoCo', backbone=backbone(), feat_dim=8,
               proj_dim=dict(joint=4, motion=5, bone=6, acceleration=4,
                             rotation_axis=4, angular_velocity=3),
               queue_size=7, momentum=0.9)
    cfg.update(kw)
    torch.manual_seed(0)
    model = MODELS.build(cfg)
    model.init_weights()
    return model


def inputs(n=3, k=6):
    torch.manual_seed(1)
    return torch.randn(n, 2, 1, 8, 25, 3 * k)


@pytest.mark.parametrize('phase', ['independent', 'cross'])
def test_all_momentum_encoders_updated(phase):
    model = build(phase=phase)
    with torch.no_grad():  # make query and key sides differ
        for p in list(model.encoders.parameters()) + list(
                model.projectors.parameters()):
            p.add_(0.1)
    old_k = [p.clone() for p in list(model.encoders_k.parameters()) +
             list(model.projectors_k.parameters())]
    q = [p.clone() for p in list(model.encoders.parameters()) +
         list(model.projectors.parameters())]
    losses = model(inputs(), mode='loss')
    new_k = list(model.encoders_k.parameters()) + list(
        model.projectors_k.parameters())
    for pk, ok, pq in zip(new_k, old_k, q):
        torch.testing.assert_close(pk, 0.9 * ok + 0.1 * pq)
    assert all(not p.requires_grad for p in new_k)
    expected = {f'loss_{m}' for m in MODS}
    if phase == 'cross':
        expected |= {f'loss_ikem_{m}' for m in MODS}
    assert set(losses) == expected
    assert all(torch.isfinite(v) for v in losses.values())


def test_queues_receive_keys_and_dims_are_free():
    model = build()
    assert model.cat_dim == 26 and model.ikem_heads.joint[2].out_features \
        == 26
    assert model.queue.queue_bone.shape == (7, 6)
    model(inputs(n=3), mode='loss')
    model(inputs(n=3), mode='loss')
    assert int(model.queue.ptr) == 6
    # enqueued rows are the normalised momentum keys of the key view
    keys = model._keys(inputs(n=3)[:, 1])
    torch.testing.assert_close(model.queue.queue_motion[3:6], keys['motion'])
    with pytest.raises(ValueError, match='ikem_dim'):
        build(ikem_dim=768)


def test_independent_loss_is_moco_infonce():
    model = build()
    x = inputs(n=2)
    queue = {m: model.queue.get(m) for m in MODS}
    feats = model.extract_feat(x[:, 0])
    q = F.normalize(model.projectors['bone'](feats['bone']), dim=1)
    losses = model(x, mode='loss')
    k = model._keys(x[:, 1])['bone']  # keys after the momentum update
    logits = torch.cat([(q * k).sum(1, keepdim=True), q @ queue['bone'].t()],
                       1) / 0.07
    expected = F.cross_entropy(logits, torch.zeros(2, dtype=torch.long))
    torch.testing.assert_close(losses['loss_bone'], expected)


def test_single_view_and_predict_rejected():
    model = build(modalities=('joint', ), input_modalities=MODS)
    with pytest.raises(ValueError, match='2 views'):
        model(torch.randn(2, 1, 1, 8, 25, 18), mode='loss')
    with pytest.raises(RuntimeError, match='linear evaluation'):
        model(torch.randn(2, 1, 1, 8, 25, 18), mode='predict')
    feats = model(torch.randn(2, 1, 1, 8, 25, 18), mode='tensor')
    assert feats['joint'].shape == (2, 8)
    with pytest.raises(ValueError):
        model.set_phase('bogus')


def test_linear_recognizer_loads_freezes_and_averages(tmp_path):
    ssl = build()
    ckpt = tmp_path / 'ssl.pth'
    torch.save(dict(state_dict=ssl.state_dict()), ckpt)
    rec = MODELS.build(
        dict(type='MultiModalRecognizerGCN', backbone=backbone(),
             cls_head=dict(type='GCNHead', num_classes=3, in_channels=8),
             modalities=('joint', 'bone'), input_modalities=MODS,
             pretrained=str(ckpt)))
    rec.init_weights()
    for m in ('joint', 'bone'):
        for k, v in rec.backbones[m].state_dict().items():
            assert torch.equal(v, ssl.encoders[m].state_dict()[k]), k
    rec.train()
    assert not rec.backbones.training and rec.cls_heads.training
    assert all(not p.requires_grad for p in rec.backbones.parameters())
    x = torch.randn(2, 1, 1, 8, 25, 18)
    samples = [ActionDataSample().set_gt_label(i) for i in (0, 2)]
    losses = rec(x, samples, mode='loss')
    assert {'loss_cls_joint', 'loss_cls_bone'} <= set(losses)
    (losses['loss_cls_joint'] + losses['loss_cls_bone']).backward()
    assert all(p.grad is None for p in rec.backbones.parameters())
    assert rec.cls_heads.joint.fc.weight.grad is not None
    rec.eval()
    with torch.no_grad():
        out = rec(x, samples, mode='predict')
        feats = rec.extract_feat(x)
        mean = (rec.cls_heads.joint(feats['joint']) +
                rec.cls_heads.bone(feats['bone'])) / 2
    torch.testing.assert_close(out[0].pred_score, mean.softmax(1)[0])
