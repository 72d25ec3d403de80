import numpy as np
import pytest
import torch
import torch.nn.functional as F

from mmaction.registry import MODELS
from mmpartkd.models.heads import PartContrastHead
from mmpartkd.models.losses import MultiSamplePartContrastLoss


def unit(*shape, seed=0):
    g = torch.Generator().manual_seed(seed)
    return F.normalize(torch.randn(*shape, generator=g), dim=-1)


def head(**kw):
    kw.setdefault('loss', dict(type='MultiSamplePartContrastLoss',
                               temperature=0.5))
    return PartContrastHead(num_classes=3, num_parts=2, embed_channels=4,
                            **kw)


def test_registered():
    assert MODELS.get('PartContrastHead') is PartContrastHead


def test_bank_fifo_and_wrap_around():
    h = head(bank_size=2)
    e = unit(5, 2, 4)
    h.enqueue(e[:3], torch.tensor([0, 0, 0]))  # 3 rows into 2 slots
    assert h.bank_count.tolist() == [2, 0, 0]
    # the newest two survive
    kept = {tuple(r.flatten().tolist()) for r in h.bank[0]}
    assert kept == {tuple(e[i].flatten().tolist()) for i in (1, 2)}
    h.enqueue(e[3:4], torch.tensor([0]))  # overwrites the oldest (e[1])
    kept = {tuple(r.flatten().tolist()) for r in h.bank[0]}
    assert kept == {tuple(e[i].flatten().tolist()) for i in (2, 3)}
    cand, labels, valid = h.bank_candidates()
    assert labels.tolist() == [0, 0, 1, 1, 2, 2]
    assert valid.tolist() == [True, True, False, False, False, False]


def test_enqueue_is_a_fifo_per_class():
    """The one-scatter enqueue keeps exactly what a FIFO per class keeps,
    over batches with mixed, repeated and overflowing classes."""
    size = 3
    h = head(bank_size=size)
    fifo = {k: [] for k in range(3)}
    g = torch.Generator().manual_seed(0)
    for step in range(12):
        n = int(torch.randint(0, 9, (1, ), generator=g))
        labels = torch.randint(0, 3, (n, ), generator=g)
        rows = unit(n, 2, 4, seed=step)
        h.enqueue(rows, labels)
        for row, k in zip(rows, labels.tolist()):
            fifo[k] = (fifo[k] + [row])[-size:]
        for k in range(3):
            assert int(h.bank_count[k]) == len(fifo[k])
            kept = sorted(tuple(r.flatten().tolist())
                          for r in h.bank[k, :len(fifo[k])])
            assert kept == sorted(tuple(r.flatten().tolist())
                                  for r in fifo[k])


def test_loss_equals_plain_loss_on_batch_plus_bank():
    h = head(bank_size=2)
    s, t = unit(4, 2, 4, seed=1), unit(2, 2, 4, seed=2)
    y = torch.tensor([0, 1, 2, 0])
    bank_rows, bank_y = unit(2, 2, 4, seed=3), torch.tensor([2, 2])
    h.enqueue(bank_rows, bank_y)
    twin = torch.tensor([0, 1, -1, -1])
    out = h.loss(s, y, t, y[:2], twin)['loss_part_contrast']
    # class 2's anchor (no twin) has only bank positives; class 0's second
    # anchor has the first anchor's twin as positive
    plain = MultiSamplePartContrastLoss(temperature=0.5)(
        s, torch.cat([t, bank_rows]), y, torch.cat([y[:2], bank_y]))
    assert out.item() == pytest.approx(plain.item(), rel=1e-6)
    # after the step the batch's teacher rows are in the bank
    assert h.bank_count.tolist() == [1, 1, 2]


def test_sample_with_only_bank_positives_by_hand():
    h = head(bank_size=1, loss=dict(type='MultiSamplePartContrastLoss',
                                    temperature=1.0))
    bank = torch.tensor([[[1., 0, 0, 0], [0, 1., 0, 0]]])
    h.enqueue(bank, torch.tensor([1]))
    s = torch.tensor([[[1., 0, 0, 0], [1., 0, 0, 0]]])
    t = torch.tensor([[[0., 0, 1, 0], [0., 0, 1, 0]]])  # another class
    out = h.loss(s, torch.tensor([1]), t, torch.tensor([0]),
                 torch.tensor([-1]))['loss_part_contrast']
    e = np.exp
    part0 = -np.log(e(1) / (e(1) + e(0)))  # bank sim 1, batch sim 0
    part1 = -np.log(e(0) / (e(0) + e(0)))  # bank sim 0, batch sim 0
    assert out.item() == pytest.approx((part0 + part1) / 2, rel=1e-6)


def test_part_matrix_rows_weight_the_parts(tmp_path):
    s, t = unit(2, 2, 4, seed=4), unit(2, 2, 4, seed=5)
    y = torch.tensor([0, 1])
    twin = torch.tensor([0, 1])
    matrix = np.array([[3., 1.], [0., 2.], [1., 1.]])
    path = str(tmp_path / 'A.npy')
    np.save(path, matrix)
    h = head(bank_size=0, part_matrix=path)
    torch.testing.assert_close(
        h.part_matrix, torch.tensor([[.75, .25], [0., 1.], [.5, .5]]))
    out = h.loss(s, y, t, y, twin)['loss_part_contrast']
    loss = MultiSamplePartContrastLoss(temperature=0.5)
    expected = loss(s, t, y, y, part_weights=torch.tensor([[.75, .25],
                                                           [0., 1.]]))
    assert out.item() == pytest.approx(expected.item(), rel=1e-6)
    uniform = head(bank_size=0, part_matrix='uniform')
    assert uniform.loss(s, y, t, y, twin)['loss_part_contrast'].item() == \
        pytest.approx(loss(s, t, y, y).item(), rel=1e-6)


def test_weighted_negatives_use_the_matrix_of_both_classes():
    s, t = unit(3, 2, 4, seed=4), unit(3, 2, 4, seed=5)
    y, yt = torch.tensor([0, 1, 2]), torch.tensor([0, 1, 1])
    twin = torch.tensor([0, 1, -1])
    loss = MultiSamplePartContrastLoss(temperature=0.5)
    # the uniform matrix gives every negative weight 1: the plain loss
    uniform = head(bank_size=0, weight_negatives=True)
    assert uniform.loss(s, y, t, yt, twin)['loss_part_contrast'].item() == \
        pytest.approx(loss(s, t, y, yt).item(), rel=1e-6)
    A = torch.tensor([[.9, .1], [.5, .5], [.2, .8]])
    h = head(bank_size=0, part_matrix=A.tolist(), weight_negatives=True)
    out = h.loss(s, y, t, yt, twin)['loss_part_contrast']
    # P * (A[y_i, p] + A[y_j, p]) / 2, e.g. anchor of class 0, part 1,
    # candidate of class 1: 2 * (0.1 + 0.5) / 2 = 0.6
    v = A[y][:, :, None] + A[yt].T[None]
    assert v[0, 1, 1].item() == pytest.approx(0.6)
    expected = loss(s, t, y, yt, part_weights=A[y], negative_weights=v)
    assert out.item() == pytest.approx(expected.item(), rel=1e-6)
    plain = head(bank_size=0, part_matrix=A.tolist())
    assert out.item() != pytest.approx(
        plain.loss(s, y, t, yt, twin)['loss_part_contrast'].item(),
        rel=1e-3)


def test_learned_matrix_gets_gradients_and_regulariser():
    h = head(bank_size=0, part_matrix='learned', learned_reg=0.5)
    s = unit(3, 2, 4, seed=6).requires_grad_(True)
    t = unit(3, 2, 4, seed=7)
    y = torch.tensor([0, 1, 2])
    losses = h.loss(s, y, t, y, torch.arange(3))
    assert losses['loss_part_matrix'].item() == pytest.approx(0, abs=1e-6)
    sum(losses.values()).backward()
    assert h.part_logits.grad.abs().sum() > 0


def test_bad_configs_and_labels(tmp_path):
    with pytest.raises(FileNotFoundError, match='compute_part_matrix'):
        head(part_matrix=str(tmp_path / 'none.npy'))
    with pytest.raises(ValueError, match=r'expected \(3, 2\)'):
        head(part_matrix=[[1., 1.]])
    with pytest.raises(ValueError, match='non-negative'):
        head(part_matrix=[[1., -1.]] * 3)
    with pytest.raises(ValueError, match='bank_size'):
        head(bank_size=-1)
    h = head()
    s = unit(1, 2, 4)
    with pytest.raises(ValueError, match='class count'):
        h.loss(s, torch.tensor([3]), s, torch.tensor([3]),
               torch.tensor([0]))


@pytest.mark.parametrize('dtype', [torch.float16, torch.bfloat16])
@pytest.mark.parametrize('amp', [False, True])
def test_half_precision_embeddings_and_autocast(dtype, amp):
    """float16 / bfloat16 embeddings (e.g. from necks under autocast), with
    or without autocast around the head: the bank stays float32 (not
    rounded to the batch's dtype), the loss is computed in float32 and
    equals the float32 head on the same rounded embeddings, over steps that
    fill and read the bank."""
    ref_head, half_head = head(bank_size=2), head(bank_size=2)
    y = torch.tensor([0, 1, 2, 0])
    for step in range(3):
        s = unit(4, 2, 4, seed=10 + step).to(dtype)
        t = unit(2, 2, 4, seed=20 + step).to(dtype)
        twin = torch.tensor([0, 1, -1, -1])
        ref = ref_head.loss(s.float(), y, t.float(), y[:2], twin)
        with torch.autocast('cpu', dtype=dtype, enabled=amp):
            got = half_head.loss(s.requires_grad_(), y, t, y[:2], twin)
        assert got['loss_part_contrast'].dtype == torch.float32
        torch.testing.assert_close(got['loss_part_contrast'],
                                   ref['loss_part_contrast'])
        got['loss_part_contrast'].backward()
        assert torch.isfinite(s.grad).all()
    assert half_head.bank.dtype == torch.float32
    assert torch.equal(half_head.bank, ref_head.bank)
    assert int(half_head.bank_count.sum()) == 4


def save_matrix(tmp_path, parts, name='A', sidecar=True):
    """A (3, 2) matrix and, as tools/compute_part_matrix.py writes it, the
    JSON beside it listing the parts of its columns."""
    import json
    path = str(tmp_path / f'{name}.npy')
    np.save(path, np.array([[3., 1.], [0., 2.], [1., 1.]]))
    if sidecar:
        (tmp_path / f'{name}.json').write_text(
            json.dumps(dict(classes=['a', 'b', 'c'], parts=parts)))
    return path


def test_part_matrix_part_names_checked_against_the_sidecar(tmp_path):
    path = save_matrix(tmp_path, ['head', 'torso'])
    h = head(part_matrix=path, part_names=['head', 'torso'])
    torch.testing.assert_close(h.part_matrix[0], torch.tensor([.75, .25]))
    with pytest.raises(ValueError) as error:
        head(part_matrix=path, part_names=['torso', 'head'])  # order
    assert "['head', 'torso']" in str(error.value)
    assert "['torso', 'head']" in str(error.value)
    with pytest.raises(ValueError, match="parts \\['head', 'left_arm'\\]"):
        head(part_matrix=path, part_names=['head', 'left_arm'])
    # a sidecar but no names to check it against: refused, not skipped
    with pytest.raises(ValueError, match='without part_names'):
        head(part_matrix=path)
    with pytest.raises(ValueError, match='3 part_names'):
        head(part_names=['head', 'torso', 'arm'])
    broken = save_matrix(tmp_path, None, name='B')
    (tmp_path / 'B.json').write_text('{not json')
    with pytest.raises(ValueError, match='cannot read the part names'):
        head(part_matrix=broken, part_names=['head', 'torso'])


def test_part_matrix_without_sidecar_warns(tmp_path, monkeypatch):
    import mmpartkd.models.heads.part_contrast_head as module
    logged = []
    monkeypatch.setattr(module, 'print_log',
                        lambda msg, **kw: logged.append((msg, kw)))
    path = save_matrix(tmp_path, None, sidecar=False)
    head(part_matrix=path, part_names=['head', 'torso'])
    head(part_matrix=path)
    assert len(logged) == 2
    assert all('cannot be checked' in msg and kw['level'] == 30
               for msg, kw in logged)
    # nested lists have no file and no sidecar: the shape check only
    head(part_matrix=[[1., 1.]] * 3, part_names=['head', 'torso'])
    assert len(logged) == 2
