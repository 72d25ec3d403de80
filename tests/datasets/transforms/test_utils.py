import numpy as np
import pytest

from mmpartkd.datasets.transforms import (check_keypoint, mark_missing,
                                          present_joints, sample_rng)


def test_check_keypoint_names_transform_and_sample(sample):
    res = sample(V=20)
    assert check_keypoint(res, 'T') is res['keypoint']
    with pytest.raises(ValueError, match=r'^T on sample "S001": keypoint has '
                       '20 joints, the layout expects 25'):
        check_keypoint(res, 'T', 25)
    with pytest.raises(KeyError, match='T on sample "x": no "keypoint"'):
        check_keypoint(dict(frame_dir='x'), 'T')
    with pytest.raises(ValueError, match=r'must have shape .*got \(3, 4\)'):
        check_keypoint(dict(keypoint=np.zeros((3, 4))), 'T')


def test_sample_rng_depends_on_seed_sample_and_salt():
    draw = lambda *a: sample_rng(*a).random()  # noqa: E731
    a = draw(dict(frame_dir='a'), 0, 'X', True)
    np.random.seed(1)
    assert draw(dict(frame_dir='a'), 0, 'X', True) == a
    assert draw(dict(frame_dir='b'), 0, 'X', True) != a
    assert draw(dict(frame_dir='a'), 1, 'X', True) != a
    assert draw(dict(frame_dir='a'), 0, 'Y', True) != a
    np.random.seed(1)
    b = draw(dict(frame_dir='a'), 0, 'X', False)
    np.random.seed(1)
    assert draw(dict(frame_dir='a'), 0, 'X', False) == b != a


@pytest.mark.parametrize('score', [False, True])
def test_mark_missing_then_present_joints(sample, score):
    res = sample(score=score)
    assert present_joints(res).all()
    drop = np.random.default_rng(0).random(res['keypoint'].shape[:3]) < 0.3
    mark_missing(res, drop)
    np.testing.assert_array_equal(present_joints(res), ~drop)
    assert (res['keypoint'][drop] == 0).all()
    assert res['keypoint'].dtype == np.float32
