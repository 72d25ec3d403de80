import copy

import pytest
import torch
import torch.nn.functional as F

from mmaction.registry import MODELS
from mmpartkd.models.distillers import paired_mask
from mmpartkd.testing import (make_distill_batch, save_teacher_ckpt,
                              tiny_gcn_cfg)


def save_teacher(path, layout='nturgb+d', num_classes=4, seed=0):
    torch.manual_seed(seed)
    teacher = MODELS.build(tiny_gcn_cfg(layout, num_classes))
    torch.save(dict(state_dict=teacher.state_dict(), meta=dict()), path)
    return teacher


def distiller_cfg(ckpt, student_layout='nturgb+d', teacher_layout='nturgb+d',
                  **kw):
    cfg = dict(
        type='PartKDDistiller',
        student=tiny_gcn_cfg(student_layout),
        teacher=tiny_gcn_cfg(teacher_layout),
        teacher_ckpt=ckpt,
        student_neck=dict(type='PartPoolNeck', in_channels=8,
                          layout=student_layout, out_channels=4,
                          hidden_channels=8),
        teacher_neck=dict(type='PartPoolNeck', in_channels=8,
                          layout=teacher_layout, out_channels=4,
                          hidden_channels=8),
        part_head=dict(type='PartContrastHead', num_classes=4, num_parts=6,
                       embed_channels=4, bank_size=4),
        loss_kd=dict(type='LogitKDLoss'),
        loss_feat=dict(type='FeatureKDLoss'))
    cfg.update(kw)
    return cfg


@pytest.fixture
def teacher_ckpt(tmp_path):
    path = str(tmp_path / 'teacher.pth')
    save_teacher(path)
    return path


def test_losses_and_gradients_reach_only_the_student(teacher_ckpt):
    model = MODELS.build(distiller_cfg(teacher_ckpt))
    model.init_weights()
    model.train()
    x, samples = make_distill_batch([0, 1, 2, 3, 0, 1])
    losses = model(x, samples, mode='loss')
    assert {'loss_cls', 'loss_part_contrast', 'loss_kd',
            'loss_feat'} <= set(losses)
    total = sum(v for k, v in losses.items() if k.startswith('loss'))
    total.backward()
    for name, p in model.teacher.named_parameters():
        assert p.grad is None and not p.requires_grad, name
    for name, p in model.student.named_parameters():
        assert p.grad is not None, name
    assert any(p.grad is not None for p in model.student_neck.parameters())
    assert any(p.grad is not None for p in model.teacher_neck.parameters())


def test_teacher_frozen_in_train_mode_and_not_reinitialised(teacher_ckpt):
    reference = torch.load(teacher_ckpt)['state_dict']
    model = MODELS.build(distiller_cfg(teacher_ckpt))
    model.init_weights()  # must not touch the loaded teacher
    model.train()
    assert not model.teacher.training and model.student.training
    for k, v in model.teacher.state_dict().items():
        torch.testing.assert_close(v, reference[k])
    x, samples = make_distill_batch([0, 1, 2, 3])
    hq = torch.stack([s.hq_inputs for s in samples])
    a = model.teacher_forward(hq, samples)
    model(x, samples, mode='loss')  # a training step's forward
    b = model.teacher_forward(hq, samples)
    for k in a:
        torch.testing.assert_close(a[k], b[k])
    for k, v in model.teacher.state_dict().items():
        torch.testing.assert_close(v, reference[k])  # BN stats unchanged


def test_predict_and_tensor_use_the_student_only(teacher_ckpt):
    model = MODELS.build(distiller_cfg(teacher_ckpt)).eval()
    x, samples = make_distill_batch([0, 1])
    preds = model(x, copy.deepcopy(samples), mode='predict')
    ref = model.student.predict(x, copy.deepcopy(samples))
    torch.testing.assert_close(preds[0].pred_score, ref[0].pred_score)
    torch.testing.assert_close(model(x, mode='tensor'),
                               model.student(x, mode='tensor'))
    plain = MODELS.build(tiny_gcn_cfg()).eval()
    plain.load_state_dict(model.student_state_dict())
    torch.testing.assert_close(plain(x, mode='tensor'),
                               model(x, mode='tensor'))


def test_heterogeneous_layouts(tmp_path):
    ckpt = str(tmp_path / 't.pth')
    save_teacher(ckpt, layout='nturgb+d')
    model = MODELS.build(
        distiller_cfg(ckpt, student_layout='kinect_v1',
                      teacher_layout='nturgb+d', loss_feat=None))
    model.train()
    x, samples = make_distill_batch([0, 1, 2], num_joints=20,
                                    hq_num_joints=25)
    losses = model(x, samples, mode='loss')
    assert torch.isfinite(losses['loss_part_contrast'])
    losses['loss_part_contrast'].backward()


def test_paired_ratio(teacher_ckpt):
    idx = torch.arange(10000)
    for ratio in (0., 0.1, 0.5, 1.):
        frac = paired_mask(idx, ratio).float().mean().item()
        assert frac == pytest.approx(ratio, abs=0.02)
    # a fixed property of the sample
    assert torch.equal(paired_mask(idx, 0.5), paired_mask(idx, 0.5))
    model = MODELS.build(distiller_cfg(teacher_ckpt, paired_ratio=0.))
    model.train()
    calls = []
    original = model.teacher_forward
    model.teacher_forward = lambda hq, s: calls.append(len(s)) or original(
        hq, s)
    x, samples = make_distill_batch([0, 1, 2, 3])
    losses = model(x, samples, mode='loss')
    assert calls == []  # no twin is shown to the teacher
    assert losses['loss_part_contrast'].item() == 0.  # empty bank
    # ... but every trainable parameter gets a (zero) gradient, as DDP
    # without find_unused_parameters needs
    sum(v for k, v in losses.items() if k.startswith('loss')).backward()
    for name, p in model.named_parameters():
        if p.requires_grad:
            assert p.grad is not None, name
    model.paired_ratio = 0.5
    model(x, samples, mode='loss')
    assert calls == [int(paired_mask(torch.arange(4), 0.5).sum())]


def test_build_time_errors(tmp_path, teacher_ckpt):
    with pytest.raises(ValueError, match='needs teacher_ckpt'):
        MODELS.build(distiller_cfg(None))
    with pytest.raises(FileNotFoundError, match='not found'):
        MODELS.build(distiller_cfg(str(tmp_path / 'missing.pth')))
    other = str(tmp_path / 'k7.pth')
    save_teacher(other, num_classes=7)
    with pytest.raises(ValueError, match='7 classes'):
        MODELS.build(distiller_cfg(other))
    kinect = str(tmp_path / 'kinect.pth')
    save_teacher(kinect, layout='kinect_v1')
    with pytest.raises(ValueError, match='layout'):
        MODELS.build(distiller_cfg(kinect))
    with pytest.raises(ValueError, match='paired_ratio'):
        MODELS.build(distiller_cfg(teacher_ckpt, paired_ratio=1.5))
    bad_neck = distiller_cfg(teacher_ckpt)
    bad_neck['teacher_neck']['part_names'] = ['head', 'torso']
    with pytest.raises(ValueError, match='parts'):
        MODELS.build(bad_neck)
    bad_parts = distiller_cfg(teacher_ckpt)
    bad_parts['student_neck']['parts'] = dict(arm=[30])
    with pytest.raises(ValueError, match='names joints'):
        MODELS.build(bad_parts)
    bad_head = distiller_cfg(teacher_ckpt)
    bad_head['part_head']['num_classes'] = 5
    with pytest.raises(ValueError, match='num_classes=5'):
        MODELS.build(bad_head)
    student_k = distiller_cfg(teacher_ckpt)
    student_k['student']['cls_head']['num_classes'] = 5
    with pytest.raises(ValueError, match='student has 5 classes'):
        MODELS.build(student_k)


def test_batch_with_a_single_paired_sample(teacher_ckpt):
    """A small paired_ratio can leave one paired sample in a batch: the
    teacher-side projection must not need batch statistics then."""
    model = MODELS.build(distiller_cfg(teacher_ckpt, paired_ratio=0.3))
    model.train()
    x, samples = make_distill_batch([0, 1, 2, 3])
    idx = torch.arange(200)
    paired = paired_mask(idx, 0.3)
    chosen = idx[paired][:1].tolist() + idx[~paired][:3].tolist()
    for ds, i in zip(samples, chosen):
        ds.set_metainfo(dict(sample_idx=i))
    assert int(model.paired(samples).sum()) == 1
    losses = model(x, samples, mode='loss')
    assert torch.isfinite(losses['loss_part_contrast'])


def test_part_block_pools_an_earlier_block(teacher_ckpt):
    cfg = distiller_cfg(teacher_ckpt, part_block=0, loss_kd=None,
                        loss_feat=None)
    for neck in ('student_neck', 'teacher_neck'):
        cfg[neck]['in_channels'] = 4  # block 0 keeps base_channels
    model = MODELS.build(cfg)
    model.train()
    x, samples = make_distill_batch([0, 1, 2, 3])
    hq = torch.stack([s.hq_inputs for s in samples])
    # reference: the teacher backbone cut after its first block
    cut = copy.deepcopy(model.teacher.backbone)
    cut.num_stages = 1
    with torch.no_grad():
        block0 = cut(hq.flatten(0, 1))
    torch.testing.assert_close(model.teacher_forward(hq, samples)['parts'],
                               model.teacher_neck.pool(block0))
    losses = model(x, samples, mode='loss')
    losses['loss_part_contrast'].backward()
    student_blocks = model.student.backbone.gcn
    assert all(p.grad is not None for p in student_blocks[0].parameters())
    # the part loss stops at block 0: later blocks only learn from loss_cls
    assert all(p.grad is None for p in student_blocks[1].parameters())
    # the exported student is the plain one, hooks or not
    plain = MODELS.build(tiny_gcn_cfg()).eval()
    plain.load_state_dict(model.student_state_dict())
    model.eval()
    torch.testing.assert_close(plain(x, mode='tensor'),
                               model(x, mode='tensor'))


def test_part_block_errors(teacher_ckpt):
    with pytest.raises(IndexError, match='3 blocks'):
        MODELS.build(distiller_cfg(teacher_ckpt, part_block=3))
    with pytest.raises(ValueError, match='block 0 gives 4'):
        MODELS.build(distiller_cfg(teacher_ckpt, part_block=0))
    with pytest.raises(ValueError, match='part_block needs part_head'):
        MODELS.build(distiller_cfg(teacher_ckpt, part_block=0,
                                   part_head=None))


@pytest.mark.parametrize('dtype', [torch.float16, torch.bfloat16])
def test_one_step_under_autocast(tmp_path, dtype):
    """A training step under CPU autocast gives the float32 step's losses
    within the rounding of the half-precision network (a few 1e-3 measured;
    2e-2 allowed) and finite gradients close in direction: cosine 0.998
    (float16) and 0.974 (bfloat16, 8 significant bits) measured against
    float32. The untrained student's part features vary little between
    random samples, so the part projection's batch normalisation amplifies
    the rounding; the student alone gives 0.999 / 0.996."""
    x, samples = make_distill_batch([0, 1, 2, 3, 0, 1, 2, 3], frames=16)
    ckpt = str(tmp_path / 'calibrated.pth')
    # BN statistics that fit the data, as a trained teacher has (see
    # calibrate_bn: an uncalibrated teacher amplifies any rounding)
    save_teacher_ckpt(ckpt, seed=1, calibrate_on=torch.stack(
        [s.hq_inputs for s in samples]))

    def step(amp):
        torch.manual_seed(0)
        model = MODELS.build(distiller_cfg(ckpt, paired_ratio=0.5)).train()
        with torch.autocast('cpu', dtype=dtype, enabled=amp):
            losses = model(x, samples, mode='loss')
        losses = {k: v for k, v in losses.items() if k.startswith('loss')}
        sum(losses.values()).backward()
        grads = torch.cat([p.grad.flatten() for p in model.parameters()
                           if p.grad is not None])
        return losses, grads

    ref, ref_grads = step(False)
    got, grads = step(True)
    assert set(got) == {'loss_cls', 'loss_part_contrast', 'loss_kd',
                        'loss_feat'}
    for k, v in ref.items():
        assert got[k].dtype == torch.float32, k
        torch.testing.assert_close(got[k], v, rtol=2e-2, atol=1e-3, msg=k)
    assert torch.isfinite(grads).all() and grads.shape == ref_grads.shape
    min_cosine = 0.99 if dtype == torch.float16 else 0.95
    assert F.cosine_similarity(grads, ref_grads, dim=0) > min_cosine


def test_paired_ratio_needs_sample_idx(teacher_ckpt):
    """Below paired_ratio 1 the pairing hashes sample_idx; a batch without
    it raises (its position in a shuffled batch would pair another subset
    in every epoch) instead of falling back to the position."""
    model = MODELS.build(distiller_cfg(teacher_ckpt, paired_ratio=0.5))
    model.train()
    x, samples = make_distill_batch([0, 1, 2, 3])
    del samples[2].sample_idx
    assert 'sample_idx' not in samples[2].metainfo
    with pytest.raises(KeyError) as error:
        model(x, samples, mode='loss')
    message = str(error.value)
    assert 'sample_idx' in message and 'position 2' in message
    assert 'PackDistillInputs' in message and 'meta_keys' in message
    model.paired_ratio = 1.  # every sample with a twin: no index needed
    model(x, samples, mode='loss')


def test_part_matrix_file_checked_against_the_necks_parts(tmp_path,
                                                          teacher_ckpt):
    """The distiller gives the head its necks' part names; a matrix that
    tools/compute_part_matrix.py measured on the layout's parts fits the
    default necks and is refused for necks with another part order."""
    import numpy as np

    from mmpartkd.apis.part_matrix import save_part_matrix
    from mmpartkd.structures import get_layout
    parts = list(get_layout('nturgb+d').parts)
    (tmp_path / 'pm').mkdir()
    path = str(tmp_path / 'pm' / 'part_matrix.npy')
    matrix = np.full((4, 6), 1 / 6, np.float32)
    save_part_matrix(path, matrix, np.full((4, 6), 0.5), list('abcd'),
                     parts, meta={})
    cfg = distiller_cfg(teacher_ckpt)
    cfg['part_head']['part_matrix'] = path
    model = MODELS.build(cfg)
    assert model.part_head.part_names == parts
    reordered = distiller_cfg(teacher_ckpt)
    reordered['part_head']['part_matrix'] = path
    for neck in ('student_neck', 'teacher_neck'):
        reordered[neck]['part_names'] = parts[::-1]
    with pytest.raises(ValueError) as error:
        MODELS.build(reordered)
    assert str(parts) in str(error.value)
    assert str(parts[::-1]) in str(error.value)
    wrong = distiller_cfg(teacher_ckpt)
    wrong['part_head']['part_names'] = parts[::-1]
    with pytest.raises(ValueError, match='part_head.part_names'):
        MODELS.build(wrong)
