import copy

import numpy as np
import pytest
from mmaction.datasets.transforms import PreNormalize3D

from mmaction.registry import TRANSFORMS
from mmpartkd.datasets.transforms import FastPreNormalize3D
from mmpartkd.datasets.transforms.pre_normalize import rotation_onto

OPTIONS = [
    dict(),
    dict(align_spine=False),
    dict(align_shoulder=False),
    dict(align_spine=False, align_shoulder=False),
    dict(zaxis=[0, 5], xaxis=[4, 8]),
]


def random_clip(rng, num_person, num_frames, num_joints=25, pad=True):
    """Random skeletons; with ``pad`` each person is absent (all zeros) at
    the start, the end and in a few frames, and misses a few joints."""
    kp = (rng.normal(0, 0.5, (num_person, num_frames, num_joints, 3)) +
          [0, 0, 3]).astype(np.float32)
    if pad:
        for m in range(num_person):
            kp[m, :rng.integers(0, num_frames // 3)] = 0
            kp[m, rng.integers(2 * num_frames // 3, num_frames):] = 0
            kp[m, rng.integers(0, num_frames, 3)] = 0
            kp[m, :, rng.integers(0, num_joints, 2)] = 0
    return kp


def both(kp, **kwargs):
    results = dict(keypoint=kp, total_frames=kp.shape[1])
    stock = PreNormalize3D(**kwargs)(copy.deepcopy(results))
    fast = FastPreNormalize3D(**kwargs)(copy.deepcopy(results))
    return stock, fast


def assert_same(stock, fast):
    assert set(stock) == set(fast)
    assert fast['keypoint'].shape == stock['keypoint'].shape
    assert fast['keypoint'].dtype == stock['keypoint'].dtype
    np.testing.assert_allclose(fast['keypoint'], stock['keypoint'],
                               rtol=0, atol=1e-5)
    assert fast['total_frames'] == stock['total_frames']
    if 'body_center' in stock:
        np.testing.assert_array_equal(fast['body_center'],
                                      stock['body_center'])


@pytest.mark.parametrize('options', OPTIONS)
@pytest.mark.parametrize('num_person', [1, 2])
@pytest.mark.parametrize('num_joints', [25, 17])
def test_matches_mmaction_pre_normalize_3d(options, num_person, num_joints):
    rng = np.random.default_rng(num_person * 100 + num_joints)
    for i in range(8):
        kp = random_clip(rng, num_person, int(rng.integers(4, 40)),
                         num_joints, pad=i % 4 != 0)
        stock, fast = both(kp, **options)
        assert_same(stock, fast)


def test_person_order_and_padding():
    rng = np.random.default_rng(0)
    kp = random_clip(rng, 2, 20, pad=False)
    kp[0, 12:] = 0  # person 1 is present in more frames: becomes the main
    stock, fast = both(kp)
    assert_same(stock, fast)
    assert fast['total_frames'] == 20
    kp = random_clip(rng, 2, 20, pad=False)
    kp[0, 15:] = 0
    kp[1, :5] = 0  # a tie keeps the order; frames of person 0 are kept
    stock, fast = both(kp)
    assert_same(stock, fast)
    assert fast['total_frames'] == 15
    kp[0, 3] = 1e-9  # np.isclose(., 0): still a padded frame
    stock, fast = both(kp)
    assert_same(stock, fast)


def test_already_aligned_and_all_zero_clips():
    rng = np.random.default_rng(1)
    kp = random_clip(rng, 1, 10, pad=False)
    kp[0, 0, 1] = kp[0, 0, 0] + [0, 0, 0.5]  # spine already along +z
    stock, fast = both(kp)
    assert_same(stock, fast)
    kp[0, 0, 1] = kp[0, 0, 0] - [0, 0, 0.5]  # exactly opposite: no rotation
    stock, fast = both(kp)
    assert_same(stock, fast)
    zero = np.zeros((2, 6, 25, 3), np.float32)
    stock, fast = both(zero)
    assert_same(stock, fast)
    assert 'body_center' not in fast and fast['keypoint'] is not zero


def test_output_is_aligned_and_input_untouched():
    rng = np.random.default_rng(2)
    kp = random_clip(rng, 2, 30, pad=False)
    kp[:, :4] = 0  # padded frames, dropped
    original = kp.copy()
    out = FastPreNormalize3D()(dict(keypoint=kp))  # total_frames optional
    np.testing.assert_array_equal(kp, original)
    assert out['total_frames'] == 26
    first = out['keypoint'][0, 0]
    np.testing.assert_allclose(first[1], 0, atol=1e-6)  # centred on joint 1
    shoulders = first[8] - first[4]  # the last rotation: along +x
    np.testing.assert_allclose(shoulders[1:], 0, atol=1e-6)
    assert shoulders[0] > 0
    first = FastPreNormalize3D(align_shoulder=False)(
        dict(keypoint=kp))['keypoint'][0, 0]
    spine = first[1] - first[0]  # along +z
    np.testing.assert_allclose(spine[:2], 0, atol=1e-6)
    assert spine[2] > 0


def test_rotation_onto():
    rng = np.random.default_rng(3)
    for _ in range(5):
        v = rng.normal(size=3)
        R = rotation_onto(v, (0., 0., 1.))
        np.testing.assert_allclose(R @ R.T, np.eye(3), atol=1e-12)
        np.testing.assert_allclose(np.linalg.det(R), 1, atol=1e-12)
        np.testing.assert_allclose(R @ v, [0, 0, np.linalg.norm(v)],
                                   atol=1e-12)
    np.testing.assert_array_equal(rotation_onto(np.zeros(3), (1., 0, 0)),
                                  np.eye(3))


def test_errors_registry_and_repr():
    fast = TRANSFORMS.build(dict(type='FastPreNormalize3D', xaxis=[4, 8]))
    assert repr(fast) == repr(PreNormalize3D(xaxis=[4, 8])).replace(
        'PreNormalize3D', 'FastPreNormalize3D')
    kp = np.ones((3, 5, 25, 3), np.float32)
    with pytest.raises(ValueError, match='1 or 2 persons'):
        fast(dict(keypoint=kp))
    with pytest.raises(ValueError, match='total_frames'):
        fast(dict(keypoint=kp[:2], total_frames=4))
