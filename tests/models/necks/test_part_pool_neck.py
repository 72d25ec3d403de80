import pytest
import torch
import torch.nn.functional as F

from mmpartkd.models.heads import PartContrastHead
from mmpartkd.models.losses import MultiSamplePartContrastLoss
from mmpartkd.models.necks import PartPoolNeck
from mmpartkd.structures import PART_NAMES, get_layout


def test_pool_by_hand():
    neck = PartPoolNeck(in_channels=2, layout='penn', out_channels=None,
                        normalize=False)
    x = torch.zeros(1, 2, 2, 3, 13)  # N, M, C, T, V
    x[0, 0, 0, :, 0] = 6.  # head joint, person 0, channel 0
    x[0, 1, 1, :, 5] = 3.  # left wrist, person 1, channel 1
    out = neck(x)
    assert out.shape == (1, 6, 2)
    head, left_arm = out[0, 0], out[0, 2]
    # mean over persons (2) of the mean over the part's joints
    assert head.tolist() == [3., 0.]
    assert left_arm.tolist() == pytest.approx([0., 0.5])  # 3 / 3 / 2


def test_embeddings_are_normalised_and_parts_independent():
    torch.manual_seed(0)
    neck = PartPoolNeck(in_channels=8, layout='nturgb+d', out_channels=4,
                        hidden_channels=16, num_layers=2).eval()
    x = torch.randn(3, 2, 8, 5, 25)
    e = neck(x)
    assert e.shape == (3, 6, 4)
    torch.testing.assert_close(e.norm(dim=-1), torch.ones(3, 6))
    # changing a leg joint does not change the arm embeddings
    y = x.clone()
    y[..., 14] += 5
    e2 = neck(y)
    torch.testing.assert_close(e2[:, 2:4], e[:, 2:4])
    assert not torch.allclose(e2[:, 4], e[:, 4])


def test_custom_parts_and_errors():
    neck = PartPoolNeck(in_channels=4, layout='kinect_v1',
                        parts=dict(arms=[4, 5, 8, 9], legs=[12, 16]),
                        out_channels=None)
    assert neck.part_names == ['arms', 'legs']
    ordered = PartPoolNeck(in_channels=4, layout='coco', out_channels=None,
                           part_names=['left_leg', 'head'])
    assert ordered.part_names == ['left_leg', 'head']
    with pytest.raises(ValueError, match='names joints'):
        PartPoolNeck(in_channels=4, layout='penn', parts=dict(a=[13]))
    with pytest.raises(ValueError, match='not in the part map'):
        PartPoolNeck(in_channels=4, layout='penn', part_names=['tail'])
    with pytest.raises(ValueError, match='has 13'):
        PartPoolNeck(in_channels=4, layout='penn')(torch.zeros(1, 1, 4, 2,
                                                               25))


def test_single_sample_in_training_uses_running_statistics():
    neck = PartPoolNeck(in_channels=4, layout='penn', out_channels=4,
                        hidden_channels=8).train()
    x = torch.randn(1, 1, 4, 3, 13)
    out = neck(x)  # a BatchNorm of one sample would raise here
    torch.testing.assert_close(out, neck.eval()(x))


# ------------------------------------------------ empty parts (#part-matching)
def test_a_part_the_layout_lacks_is_masked_not_averaged():
    parts = {k: v for k, v in get_layout('nturgb+d').parts.items()
             if k != 'head'}  # a layout without head joints
    with pytest.raises(ValueError, match='missing_parts="mask"'):
        PartPoolNeck(in_channels=4, parts=parts, part_names=PART_NAMES)
    torch.manual_seed(0)
    neck = PartPoolNeck(in_channels=4, parts=parts, part_names=PART_NAMES,
                        missing_parts='mask', out_channels=3,
                        hidden_channels=8).eval()
    assert neck.part_names == list(PART_NAMES)
    assert neck.part_in_layout.tolist() == [False] + [True] * 5
    assert torch.isfinite(neck.pool_weight).all()  # no 0 / 0
    assert neck.pool_weight[0].sum() == 0
    e = neck(torch.randn(2, 1, 4, 3, 25))
    assert (e[:, 0] == 0).all()  # the zero vector: "no embedding"
    torch.testing.assert_close(e[:, 1:].norm(dim=-1), torch.ones(2, 5))
    # the teacher side embeds pooled (cached) features: masked the same
    assert (neck.embed(torch.randn(2, 6, 4))[:, 0] == 0).all()
    with pytest.raises(ValueError, match='not in the part map'):
        PartPoolNeck(in_channels=4, parts=dict(head=[]), missing_parts='mask')


def test_a_part_missing_in_a_sample_is_masked_in_that_sample():
    torch.manual_seed(0)
    neck = PartPoolNeck(in_channels=4, out_channels=3, hidden_channels=8,
                        mask_missing=True).eval()
    left_arm = get_layout('nturgb+d').parts['left_arm']
    inputs = torch.randn(2, 1, 1, 5, 25, 3)  # (N, clips, M, T, V, C)
    inputs[0, ..., left_arm, :] = 0  # every joint, every frame
    inputs[1, :, :, 1:, left_arm, :] = 0  # present in one frame: present
    present = neck.part_presence(inputs)
    assert present.tolist() == [[1, 1, 0, 1, 1, 1], [1] * 6]
    e = neck(torch.randn(2, 1, 4, 5, 25), present=present)
    assert (e[0, 2] == 0).all() and (e[1].norm(dim=-1) > 0.99).all()
    keep = PartPoolNeck(in_channels=4, out_channels=None)  # the default
    assert keep.part_presence(inputs).all()


def test_the_loss_skips_absent_parts_and_renormalises_the_row():
    loss = MultiSamplePartContrastLoss(temperature=0.5)
    g = torch.Generator().manual_seed(0)
    s = F.normalize(torch.randn(3, 2, 4, generator=g), dim=-1)
    t = F.normalize(torch.randn(4, 2, 4, generator=g), dim=-1)
    y, yt = torch.tensor([0, 1, 1]), torch.tensor([0, 1, 0, 1])
    w = torch.tensor([[.3, .7]]).repeat(3, 1)
    # anchor 0 lacks part 1; candidate 3 lacks part 0; anchor 2 lacks both
    s_cut, t_cut = s.clone(), t.clone()
    s_cut[0, 1] = 0
    s_cut[2] = 0
    t_cut[3, 0] = 0
    out = loss(s_cut, t_cut, y, yt, part_weights=w)
    # by hand, from the plain loss of one part at a time
    part0 = loss(s[:2, :1], t[:3, :1], y[:2], yt[:3], avg_factor=1,
                 part_weights=torch.ones(2, 1))  # without candidate 3
    a0 = loss(s[:1, :1], t[:3, :1], y[:1], yt[:3], avg_factor=1,
              part_weights=torch.ones(1, 1))  # anchor 0: weight 1 on part 0
    a1 = loss(s[1:2], t, y[1:2], yt, avg_factor=1,
              part_weights=w[:1])  # plain, but part 0 without candidate 3
    a1 = a1 - .3 * loss(s[1:2, :1], t[:, :1], y[1:2], yt, avg_factor=1,
                        part_weights=torch.ones(1, 1)) \
        + .3 * (part0 - a0)
    # anchors 0 and 1 count, anchor 2 (no part) does not
    torch.testing.assert_close(out, (a0 + a1) / 2)
    assert loss.valid_anchors(s_cut, t_cut, y, yt).tolist() == [1, 1, 0]
    # nothing usable anywhere: 0, not NaN, and a finite gradient
    s_none = s_cut.clone().requires_grad_(True)
    zero = loss(s_none, t_cut, torch.tensor([2, 2, 2]), yt,
                part_weights=w)
    zero.backward()
    assert zero.item() == 0 and torch.isfinite(s_none.grad).all()


def test_head_counts_only_anchors_with_a_usable_part():
    head = PartContrastHead(num_classes=2, num_parts=2, embed_channels=4,
                            bank_size=2, gather=False)
    g = torch.Generator().manual_seed(1)
    s = F.normalize(torch.randn(2, 2, 4, generator=g), dim=-1)
    t = F.normalize(torch.randn(2, 2, 4, generator=g), dim=-1)
    t[1, 1] = 0  # the class-1 twin lacks part 1 ...
    s[1, 0] = 0  # ... and its anchor lacks part 0: nothing usable
    labels = torch.tensor([0, 1])
    out = head.loss(s, labels, t, labels, torch.tensor([0, 1]))
    # anchor 0 alone, against both candidates, averaged over 1 anchor
    plain = head.loss_part(s[:1], t, labels[:1], labels,
                           part_weights=torch.full((1, 2), .5))
    torch.testing.assert_close(out['loss_part_contrast'], plain)
    # the absent part stays absent in the memory bank
    assert (head.bank[1, 0, 1] == 0).all() and head.bank_count[1] == 1
