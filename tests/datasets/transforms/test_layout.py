import numpy as np
import pytest

from mmaction.registry import TRANSFORMS
from mmpartkd.datasets.transforms import (ConvertLayout, MaskInvisibleJoints,
                                          ProjectTo2D)


def test_registered():
    for name in ('ConvertLayout', 'ProjectTo2D', 'MaskInvisibleJoints'):
        assert TRANSFORMS.get(name) is not None


def test_convert_layout(sample, missing):
    res = sample(V=25)
    out = ConvertLayout('nturgb+d', 'kinect_v1')(dict(res))
    assert out['keypoint'].shape[2] == 20 and out['layout'] == 'kinect_v1'
    np.testing.assert_array_equal(out['keypoint'][:, :, 2],
                                  res['keypoint'][:, :, 20])
    back = ConvertLayout('kinect_v1', 'nturgb+d')(dict(out))
    assert back['keypoint'].shape[2] == 25
    assert missing(back)[:, :, [2, 21, 22, 23, 24]].all()
    penn = sample(V=13, C=2, score=True)
    coco = ConvertLayout('penn', 'coco')(dict(penn))
    assert (coco['keypoint_score'][:, :, 1:5] == 0).all()
    assert (coco['keypoint_score'][:, :, [0, 5]] == 1).all()
    with pytest.raises(ValueError, match='layout expects 25'):
        ConvertLayout('nturgb+d', 'kinect_v1')(sample(V=20))


def test_project_to_2d(sample):
    res = sample(C=3)
    out = ProjectTo2D()(dict(res))
    np.testing.assert_array_equal(out['keypoint'], res['keypoint'][..., :2])
    out = ProjectTo2D('perspective', focal=2.)(dict(res))
    np.testing.assert_allclose(
        out['keypoint'], 2 * res['keypoint'][..., :2] /
        res['keypoint'][..., 2:], rtol=1e-5)


def test_mask_invisible_joints(sample, missing):
    res = sample(V=13, C=2, score=True)
    res['keypoint_score'][0, :, 3] = 0
    out = MaskInvisibleJoints()(res)
    assert missing(out)[0, :, 3].all() and missing(out).sum() == 40
    with pytest.raises(KeyError, match='needs keypoint_score'):
        MaskInvisibleJoints()(sample())


def test_convert_layout_to_inline_layout(sample, missing):
    """A target declared inline (a layout dict) with its joint mapping:
    head and both wrists of penn, plus one joint penn lacks."""
    target = dict(name='test_penn_head_wrists', num_node=4,
                  inward=[(1, 0), (2, 0), (3, 0)], center=0, dims=2,
                  parts=dict(head=[0, 3], left_arm=[1], right_arm=[2]))
    penn = sample(V=13, C=2, score=True)
    out = ConvertLayout('penn', target, mapping=[0, 5, 6, -1])(dict(penn))
    assert out['layout'] == 'test_penn_head_wrists'
    np.testing.assert_array_equal(out['keypoint'][:, :, :3],
                                  penn['keypoint'][:, :, [0, 5, 6]])
    assert missing(out)[:, :, 3].all() and not missing(out)[:, :, :3].any()
    assert (out['keypoint_score'][:, :, 3] == 0).all()
    # registered: later instances (and other pipelines) may omit it, or
    # repeat it; a different one is an error
    assert ConvertLayout('penn', target.copy()).index.tolist() == \
        [0, 5, 6, -1]
    ConvertLayout('penn', target, mapping=[0, 5, 6, -1])
    with pytest.raises(ValueError, match='contradicts'):
        ConvertLayout('penn', target, mapping=[0, 6, 5, -1])
