import pytest
import torch

from mmpartkd.models.necks import PartPoolNeck


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
