"""RelationalCMKD: frozen eval-mode teacher, own queue per teacher
modality, hand-assembled loss."""
import pytest
import torch
import torch.nn.functional as F

from mmaction.registry import MODELS
from mmpartkd.models.ssl import relational_kd_loss

MODS = ('joint', 'motion', 'bone', 'acceleration', 'rotation_axis',
        'angular_velocity')


def backbone():
    return dict(type='STGCN', base_channels=4, num_stages=4,
                inflate_stages=[3], down_stages=[3],
                graph_cfg=dict(layout='nturgb+d', mode='stgcn_spatial'))


def teacher_cfg():
    return dict(type='MultiModalMoCo', backbone=backbone(), feat_dim=8,
                proj_dim=4, queue_size=5)


def build(tmp_path):
    torch.manual_seed(0)
    teacher = MODELS.build(teacher_cfg())
    teacher.init_weights()
    ckpt = tmp_path / 'teacher.pth'
    torch.save(dict(state_dict=teacher.state_dict()), ckpt)
    torch.manual_seed(1)
    model = MODELS.build(
        dict(type='RelationalCMKD', teacher=teacher_cfg(),
             teacher_ckpt=str(ckpt), backbone=backbone(), feat_dim=8,
             queue_size=6, temperature=0.1))
    model.init_weights()  # must not re-initialise the loaded teacher
    return model, teacher


def test_teacher_frozen_and_loaded(tmp_path):
    model, teacher = build(tmp_path)
    for k, v in teacher.state_dict().items():
        assert torch.equal(model.teacher.state_dict()[k], v), k
    model.train()
    assert model.encoders.joint.training
    assert not model.teacher.training
    assert all(not m.training for m in model.teacher.modules())
    assert all(not p.requires_grad for p in model.teacher.parameters())
    bn_before = model.teacher.encoders.bone.data_bn.running_mean.clone()
    torch.manual_seed(2)
    x = torch.randn(3, 2, 1, 8, 25, 18)
    losses = model(x, mode='loss')
    assert set(losses) == {'loss_joint', 'loss_motion', 'loss_bone'}
    sum(losses.values()).backward()
    assert all(p.grad is None for p in model.teacher.parameters())
    assert model.encoders.joint.gcn[0].gcn.conv.weight.grad is not None
    assert model.heads.bone[0].weight.grad is not None
    assert torch.equal(model.teacher.encoders.bone.data_bn.running_mean,
                       bn_before)
    # students only read their modality: no encoder for acceleration
    assert set(model.encoders.keys()) == {'joint', 'motion', 'bone'}
    assert model.teacher_dim == 24 and model.heads.joint[2].out_features == 24


def test_loss_uses_each_teacher_modality_own_queue(tmp_path):
    model, _ = build(tmp_path)
    model.train()
    # give every teacher queue different, distinct contents
    g = torch.Generator().manual_seed(3)
    for name in list(MODS) + ['teacher_concat']:
        q = getattr(model.queue, f'queue_{name}')
        q.copy_(F.normalize(torch.randn(q.shape, generator=g), dim=1))
    queues = {n: model.queue.get(n) for n in MODS}
    queue_t = model.queue.get('teacher_concat')
    torch.manual_seed(4)
    x = torch.randn(3, 2, 1, 8, 25, 18)
    z, t = model.teacher_embed(x[:, 0])
    u = model.student_embed(x[:, 1])
    expected = torch.stack([
        relational_kd_loss(u['motion'], t, queue_t, z[m], queues[m], 0.1)
        .mean() for m in MODS
    ]).mean()
    losses = model(x, mode='loss')
    torch.testing.assert_close(losses['loss_motion'], expected)
    # the upstream bug (angular velocity reading the bone queue) differs
    buggy = torch.stack([
        relational_kd_loss(
            u['motion'], t, queue_t, z[m],
            queues['bone' if m == 'angular_velocity' else m], 0.1).mean()
        for m in MODS
    ]).mean()
    assert not torch.allclose(buggy, expected)
    # teacher queues were then filled with this batch (aligned rows)
    torch.testing.assert_close(model.queue.queue_angular_velocity[:3],
                               z['angular_velocity'])
    torch.testing.assert_close(model.queue.queue_teacher_concat[:3], t)


def test_teacher_checkpoint_required_and_strict(tmp_path):
    cfg = dict(type='RelationalCMKD', teacher=teacher_cfg(),
               backbone=backbone(), feat_dim=8, queue_size=6)
    with pytest.raises(ValueError,
                       match='needs teacher_ckpt.*model.teacher_ckpt'):
        MODELS.build(cfg)
    # a checkpoint of a teacher with other embedding dims does not load
    other = MODELS.build(dict(teacher_cfg(), proj_dim=8))
    ckpt = tmp_path / 'other.pth'
    torch.save(dict(state_dict=other.state_dict()), ckpt)
    with pytest.raises(ValueError, match='shape mismatches'):
        MODELS.build(dict(cfg, teacher_ckpt=str(ckpt)))
