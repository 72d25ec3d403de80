"""PartKD's combined objective (docs/method.md#combined-objective): the part
contrast for every sample plus instance-level alignment of the paired ones
(``loss_feat``, ``loss_part_reg``). The 2-process run with a rank holding
no twin is ``test_process_without_paired_samples`` in
test_part_kd_distiller_dist.py (its ``unpaired_rank`` case has both)."""
import os.path as osp

import pytest
import torch
from mmengine.config import Config

from mmaction.registry import MODELS
from mmpartkd.models.distillers import build_model_cfg, paired_mask
from mmpartkd.models.losses import PartRegressionLoss
from mmpartkd.models.utils import pool_gcn_feature
from mmpartkd.structures import get_layout
from mmpartkd.testing import make_distill_batch, tiny_gcn_cfg

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.dirname(
    osp.abspath(__file__)))))
COMBINED = 'configs/partkd/partkd-combined_stgcn-q_1xb32-joint-{}_{}.py'
COMBINED_CONFIGS = [
    COMBINED.format('harsh-u32-30e', 'penn-official-keypoint-2d'),
    COMBINED.format('mild-u32-30e', 'penn-official-keypoint-2d'),
    COMBINED.format('lq-u32-30e', 'synthetic-xsub-keypoint-3d'),
]


# ------------------------------------------------------------------- loss
def hand_batch():
    """Three samples, three 2-D parts; a zero vector is an absent part."""
    s = torch.tensor([
        [[1., 0.], [0., 2.], [0., 0.]],  # part 2 absent (student)
        [[3., 4.], [1., 0.], [1., 1.]],
        [[0., 0.], [0., 0.], [0., 0.]],  # no part: not counted
    ], requires_grad=True)
    t = torch.tensor([
        [[0., 1.], [0., 3.], [1., 1.]],
        [[3., 4.], [0., 0.], [-1., -1.]],  # part 1 absent (teacher)
        [[1., 0.], [0., 1.], [1., 0.]],
    ], requires_grad=True)
    return s, t


def test_part_regression_loss_by_hand():
    s, t = hand_batch()
    # sample 0: parts 0 (1 - cos 90 deg = 1) and 1 (1 - 1 = 0) -> 0.5
    # sample 1: parts 0 (0) and 2 (1 - cos 180 deg = 2) -> 1.0
    # sample 2: no part both sides have -> left out of the mean
    expected = 2. * (0.5 + 1.0) / 2
    loss = PartRegressionLoss(loss_weight=2.)(s, t)
    torch.testing.assert_close(loss, torch.tensor(expected))
    torch.testing.assert_close(
        PartRegressionLoss.usable_parts(s, t),
        torch.tensor([[True, True, False], [True, False, True],
                      [False, False, False]]))
    loss.backward()
    assert t.grad is None  # stop-gradient on the teacher side
    assert s.grad is not None
    assert float(s.grad[2].abs().sum()) == 0.  # not counted
    # the scale does not depend on the batch size
    torch.testing.assert_close(
        PartRegressionLoss(loss_weight=2.)(s.repeat(3, 1, 1),
                                           t.repeat(3, 1, 1)), loss)


def test_part_regression_loss_is_scale_free_and_zero_without_parts():
    s, t = hand_batch()
    loss = PartRegressionLoss()
    # compares directions: the norm of an embedding does not matter
    torch.testing.assert_close(loss(5. * s, 0.1 * t), loss(s, t))
    for s_, t_ in ((s[2:], t[2:]), (s[:0], t[:0])):  # no usable part, empty
        zero = loss(s_, t_)
        assert zero.item() == 0. and zero.requires_grad
        zero.backward()
    assert s.grad is not None


def test_part_regression_loss_errors():
    for bad in (-1., float('nan'), float('inf'), '1'):
        with pytest.raises(ValueError, match='loss_weight'):
            PartRegressionLoss(loss_weight=bad)
    with pytest.raises(ValueError, match='differ'):
        PartRegressionLoss()(torch.zeros(2, 3, 4), torch.zeros(2, 3, 5))
    with pytest.raises(ValueError, match=r'\(N, P, D\)'):
        PartRegressionLoss()(torch.ones(2, 4), torch.ones(2, 4))


# -------------------------------------------------------------- distiller
def losses_of(outputs):
    """The ``loss*`` entries (``loss_by_feat`` also logs accuracies)."""
    return {k: v for k, v in outputs.items() if k.startswith('loss')}


def combined_cfg(ckpt, **kw):
    neck = dict(type='PartPoolNeck', in_channels=8, out_channels=4,
                hidden_channels=8)
    cfg = dict(
        type='PartKDDistiller',
        student=tiny_gcn_cfg(),
        teacher=tiny_gcn_cfg(),
        teacher_ckpt=ckpt,
        student_neck=dict(neck, mask_missing=True),
        teacher_neck=neck,
        part_head=dict(type='PartContrastHead', num_classes=4, num_parts=6,
                       embed_channels=4, bank_size=4),
        loss_feat=dict(type='FeatureKDLoss', pairwise_weight=1.0,
                       loss_weight=1.0),
        loss_part_reg=dict(type='PartRegressionLoss', loss_weight=0.5),
        paired_ratio=0.5)
    cfg.update(kw)
    return cfg


@pytest.fixture
def teacher_ckpt(tmp_path):
    path = str(tmp_path / 'teacher.pth')
    torch.manual_seed(0)
    torch.save(dict(state_dict=MODELS.build(tiny_gcn_cfg()).state_dict()),
               path)
    return path


def half_paired_batch(labels):
    """A batch whose first half is paired at ``paired_ratio=0.5``, with the
    head joints of the first sample missing (zero)."""
    x, samples = make_distill_batch(labels)
    idx = torch.arange(200)
    paired = paired_mask(idx, 0.5)
    n = len(labels) // 2
    chosen = idx[paired][:n].tolist() + idx[~paired][:len(labels) -
                                                     n].tolist()
    for ds, i in zip(samples, chosen):
        ds.set_metainfo(dict(sample_idx=i))
    x[0, ..., get_layout('nturgb+d').parts['head'], :] = 0.
    return x, samples


def test_losses_equal_the_standalone_losses_on_the_paired_subset(
        teacher_ckpt):
    model = MODELS.build(combined_cfg(teacher_ckpt))
    model.init_weights()
    model.train()
    x, samples = half_paired_batch([0, 1, 2, 3, 0, 1, 2, 3])
    losses = losses_of(model(x, samples, mode='loss'))
    assert set(losses) == {'loss_cls', 'loss_part_contrast', 'loss_feat',
                           'loss_part_reg'}

    # the same terms from the model's parts, on the paired subset
    paired = model.paired(samples)
    idx = paired.nonzero().squeeze(1)
    assert idx.tolist() == [0, 1, 2, 3]
    feats, _ = model.student.extract_feat(x)
    neck = model.student_neck
    s_parts = neck(feats, present=neck.part_presence(x))
    assert s_parts[0, 0].abs().sum() == 0  # sample 0's head is absent
    hq = torch.stack([samples[i].hq_inputs for i in idx.tolist()])
    teacher = model.teacher_forward(hq, [samples[i] for i in idx.tolist()])
    t_parts = model.teacher_neck.embed(teacher['parts'])
    reg = PartRegressionLoss(loss_weight=0.5)(s_parts[idx], t_parts)
    torch.testing.assert_close(losses['loss_part_reg'], reg)
    usable = PartRegressionLoss.usable_parts(s_parts[idx], t_parts)
    assert usable.sum(1).tolist() == [5, 6, 6, 6]
    feat_s = model.feat_proj(pool_gcn_feature(feats)[idx])
    torch.testing.assert_close(losses['loss_feat'],
                               model.loss_feat(feat_s, teacher['feat']))
    assert losses['loss_part_reg'].item() > 0

    # stop-gradient: the regression trains the student side only
    model.zero_grad()
    losses['loss_part_reg'].backward(retain_graph=True)
    assert all(p.grad is None for p in model.teacher_neck.parameters())
    assert all(p.grad is not None for p in model.student_neck.parameters())
    assert all(p.grad is not None
               for p in model.student.backbone.parameters())


@pytest.mark.parametrize('case', ['paired_ratio_0', 'no_hq_inputs'])
def test_zero_terms_without_twins_touch_every_parameter(teacher_ckpt, case):
    """No twin in the batch: loss_feat and loss_part_reg are exact zeros,
    and every trainable parameter still gets a gradient (DDP without
    find_unused_parameters needs them)."""
    ratio = 0. if case == 'paired_ratio_0' else 1.
    model = MODELS.build(combined_cfg(teacher_ckpt, paired_ratio=ratio))
    model.init_weights()
    model.train()
    x, samples = make_distill_batch([0, 1, 2, 3],
                                    with_hq=case != 'no_hq_inputs')
    assert not model.paired(samples).any()
    losses = losses_of(model(x, samples, mode='loss'))
    assert set(losses) == {'loss_cls', 'loss_part_contrast', 'loss_feat',
                           'loss_part_reg'}
    for k in ('loss_feat', 'loss_part_reg', 'loss_part_contrast'):
        assert losses[k].item() == 0., k  # empty bank, no twin
        assert losses[k].requires_grad, k
    sum(losses.values()).backward()
    for name, p in model.named_parameters():
        if p.requires_grad:
            assert p.grad is not None, name


def test_loss_part_reg_needs_part_head(teacher_ckpt):
    with pytest.raises(ValueError, match='loss_part_reg needs part_head'):
        MODELS.build(
            combined_cfg(teacher_ckpt, part_head=None, student_neck=None,
                         teacher_neck=None))


# ---------------------------------------------------------------- configs
@pytest.mark.parametrize('config', COMBINED_CONFIGS, ids=osp.basename)
def test_combined_configs_with_the_regression_option(config, tmp_path):
    """Each combined config is its task's PartKD config plus the featkd
    configs' loss_feat; the --cfg-options that add the regression term give
    the four losses, each logged on its own."""
    cfg = Config.fromfile(osp.join(ROOT, config))
    base = Config.fromfile(osp.join(ROOT, config.replace('partkd-combined',
                                                         'partkd')))
    assert cfg.model.loss_feat == dict(type='FeatureKDLoss',
                                       pairwise_weight=1.0, loss_weight=1.0)
    assert {k: v for k, v in cfg.model.items() if k != 'loss_feat'} == \
        dict(base.model)
    assert 'loss_part_reg' not in cfg.model
    teacher = MODELS.build(build_model_cfg(cfg.model.teacher, 'teacher'))
    ckpt = str(tmp_path / 'teacher.pth')
    torch.save(dict(state_dict=teacher.state_dict()), ckpt)
    cfg.merge_from_dict({
        'model.loss_part_reg.type': 'PartRegressionLoss',
        'model.loss_part_reg.loss_weight': 0.5,
        'model.teacher_ckpt': ckpt,
        'model.part_head.part_matrix': 'uniform'
    })
    model = MODELS.build(cfg.model)
    assert model.loss_part_reg.loss_weight == 0.5
    model.train()
    channels = cfg.model.student.backbone.get('in_channels', 3)
    joints = teacher.backbone.graph.num_node
    x, samples = make_distill_batch([0, 1, 2, 3, 0, 1], num_joints=joints,
                                    channels=channels)
    losses = losses_of(model(x, samples, mode='loss'))
    assert set(losses) == {'loss_cls', 'loss_part_contrast', 'loss_feat',
                           'loss_part_reg'}
    assert all(torch.isfinite(v) for v in losses.values())
