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


def linear_recognizer(ckpt=None, **kw):
    return MODELS.build(
        dict(type='MultiModalRecognizerGCN', backbone=backbone(),
             cls_head=dict(type='GCNHead', num_classes=3, in_channels=8),
             modalities=('joint', 'bone'), input_modalities=MODS,
             pretrained=None if ckpt is None else str(ckpt), **kw))


def test_linear_recognizer_loads_freezes_and_averages(tmp_path):
    ssl = build()
    ckpt = tmp_path / 'ssl.pth'
    torch.save(dict(state_dict=ssl.state_dict()), ckpt)
    rec = linear_recognizer(ckpt, loss_mode='per_modality')
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


def test_linear_recognizer_default_loss_is_ce_of_mean_logits():
    """Upstream trains one cross-entropy on the averaged logits; the sum of
    per-modality cross-entropies is an option."""
    torch.manual_seed(0)
    rec = linear_recognizer()
    rec.init_weights()
    x = torch.randn(4, 1, 1, 8, 25, 18)
    samples = [ActionDataSample().set_gt_label(i) for i in (0, 2, 1, 2)]
    labels = torch.tensor([0, 2, 1, 2])
    losses = rec(x, samples, mode='loss')
    assert set(k for k in losses if k.startswith('loss')) == {'loss_cls'}
    feats = rec.extract_feat(x)
    logits = {m: rec.cls_heads[m](feats[m]) for m in ('joint', 'bone')}
    mean = (logits['joint'] + logits['bone']) / 2
    torch.testing.assert_close(losses['loss_cls'],
                               F.cross_entropy(mean, labels))
    rec.loss_mode = 'per_modality'
    per = rec(x, samples, mode='loss')
    for m in ('joint', 'bone'):
        torch.testing.assert_close(per[f'loss_cls_{m}'],
                                   F.cross_entropy(logits[m], labels))
    with pytest.raises(ValueError, match='loss_mode'):
        linear_recognizer(loss_mode='sum')


def test_upstream_initialisation_options():
    """init_std=0.02: every conv / linear / BN re-drawn as upstream's
    weights_init; momentum_init='independent': the key side starts from its
    own draws (upstream), 'copy' (default) from the query side."""
    model = build(init_std=0.02, momentum_init='independent')
    conv = model.encoders.joint.gcn[1].tcn.conv
    assert abs(conv.weight.std().item() - 0.02) < 0.004
    assert torch.all(conv.bias == 0)
    bn = model.encoders.joint.gcn[1].tcn.bn
    assert abs(bn.weight.mean().item() - 1) < 0.02 and bn.weight.std() > 0
    lin = model.projectors.joint[0]
    assert abs(lin.weight.std().item() - 0.02) < 0.005
    for q, k in ((model.encoders, model.encoders_k),
                 (model.projectors, model.projectors_k)):
        # weights of conv / linear layers (not the edge importance PA = 1)
        weights = [(a, b) for (name, a), b in zip(q.named_parameters(),
                                                  k.parameters())
                   if a.dim() > 1 and not name.endswith('PA')]
        assert weights and not any(torch.equal(a, b) for a, b in weights)
    copied = build(init_std=0.02)
    for a, b in zip(copied.encoders.parameters(),
                    copied.encoders_k.parameters()):
        assert torch.equal(a, b)
    with pytest.raises(ValueError, match='momentum_init'):
        build(momentum_init='fresh')


def _reference_phase2_losses(model, x, topk=1):
    """Upstream's phase-2 losses (CrosSCLR._cross_training of IKEM's
    net/crossclr_6views.py and its processor's loss), ported from reading
    them on this model's modules: per modality ``x`` the mean over the
    other modalities ``y`` of ``-sum(log_softmax(logits_xy) * mask_y) /
    sum(mask_y)``, ``logits_xy = [l_pos_x, l_neg_x, l_neg_x * l_neg_y] /
    T``, ``mask_y = [1, topk(l_neg_y), topk(l_neg_y)]``; plus the IKEM
    cross-entropy of ``mlp2x(feature_x)`` against the concatenated keys.
    Queues in upstream's ``(dim, K)`` layout. Returns ``{x: total}``."""
    import copy
    T, mods = model.temperature, model.modalities
    x_q, x_k = x[:, 0], x[:, 1]
    with torch.no_grad():
        feats = {m: model.encoders[m](model.select(x_q, m)).mean(
            dim=(3, 4)).mean(1) for m in mods}
        q = {m: F.normalize(model.projectors[m](feats[m]), dim=1)
             for m in mods}
        enc_k, proj_k = (copy.deepcopy(model.encoders_k),
                         copy.deepcopy(model.projectors_k))
        for src, dst in ((model.encoders, enc_k),
                         (model.projectors, proj_k)):
            for pq, pk in zip(src.parameters(), dst.parameters()):
                pk.mul_(model.momentum).add_(pq, alpha=1 - model.momentum)
        k = {m: F.normalize(proj_k[m](enc_k[m](model.select(x_k, m)).mean(
            dim=(3, 4)).mean(1)), dim=1) for m in mods}
        queue = {m: model.queue.get(m).t() for m in mods}  # (dim, K)
        l_pos = {m: torch.einsum('nc,nc->n', q[m], k[m]).unsqueeze(-1)
                 for m in mods}
        l_neg = {m: torch.einsum('nc,ck->nk', q[m], queue[m])
                 for m in mods}
        mask = {}
        for m in mods:
            onehot = torch.zeros_like(l_neg[m])
            onehot.scatter_(1, torch.topk(l_neg[m], topk, dim=1)[1], 1)
            mask[m] = torch.cat([torch.ones(len(onehot), 1), onehot, onehot],
                                dim=1)
        cat_k = F.normalize(torch.cat([k[m] for m in mods], 1), dim=1)
        cat_queue = F.normalize(torch.cat([queue[m] for m in mods], 0),
                                dim=0)
        labels = torch.zeros(len(x), dtype=torch.long)
        total = {}
        for a in mods:
            per_y = []
            for b in mods:
                if b == a:
                    continue
                logits = torch.cat([l_pos[a], l_neg[a],
                                    torch.einsum('nk,nk->nk', l_neg[a],
                                                 l_neg[b])], dim=1) / T
                per_y.append(-(F.log_softmax(logits, dim=1) * mask[b]).sum(1)
                             / mask[b].sum(1))
            u = F.normalize(model.ikem_heads[a](feats[a]), dim=1)
            ikem = torch.cat([torch.einsum('nc,nc->n', u, cat_k)[:, None],
                              torch.einsum('nc,ck->nk', u, cat_queue)],
                             dim=1) / T
            total[a] = (sum(per_y) / len(per_y)).mean() + F.cross_entropy(
                ikem, labels)
    return total


def test_phase2_loss_value_against_upstream_port():
    model = build(phase='cross', queue_size=16)
    x = inputs(n=4)
    model(inputs(n=4) * 0.5, mode='loss')  # real keys in the queue
    model(inputs(n=4) * 2.0, mode='loss')
    expected = _reference_phase2_losses(model, x)
    losses = model(x, mode='loss')
    for m in MODS:
        got = losses[f'loss_{m}'] + losses[f'loss_ikem_{m}']
        torch.testing.assert_close(got, expected[m], rtol=0, atol=1e-5)
        assert abs(got.item() - expected[m].item()) < 1e-6
