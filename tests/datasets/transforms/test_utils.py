import zlib

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


@pytest.mark.parametrize('seeding', ['seed_sequence', 'hash'])
def test_sample_rng_depends_on_seed_sample_and_salt(seeding):
    def draw(*args):
        return sample_rng(*args, seeding=seeding).random()

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


def test_sample_rng_default_is_numpy_seed_sequence():
    """Transforms that keep the default (RandomShear, TemporalCropResize)
    keep their streams; ``'hash'`` is another stream."""
    crc = [zlib.crc32(s.encode()) for s in ('a', 'X')]
    expected = np.random.default_rng(np.random.SeedSequence([7] + crc))
    res = dict(frame_dir='a')
    assert sample_rng(res, 7, 'X', True).random() == expected.random()
    assert (sample_rng(res, 7, 'X', True, seeding='hash').random() !=
            sample_rng(res, 7, 'X', True).random())
    with pytest.raises(ValueError, match='seeding must be'):
        sample_rng(res, 7, 'X', True, seeding='md5')


def test_hash_seeded_streams_look_uniform_and_independent():
    draws = np.stack([
        sample_rng(dict(frame_dir=f'S{i:03d}'), 0, 'X', True,
                   seeding='hash').random(2000) for i in range(50)
    ])
    assert abs(draws.mean() - 0.5) < 0.005
    assert abs(draws.var() - 1 / 12) < 0.002
    # first draws of different samples, and neighbouring samples, unrelated
    assert abs(np.corrcoef(draws[:-1, 0], draws[1:, 0])[0, 1]) < 0.4
    assert np.abs(np.corrcoef(draws)[np.triu_indices(50, 1)]).max() < 0.1


@pytest.mark.parametrize('score', [False, True])
def test_mark_missing_then_present_joints(sample, score):
    res = sample(score=score)
    assert present_joints(res).all()
    drop = np.random.default_rng(0).random(res['keypoint'].shape[:3]) < 0.3
    mark_missing(res, drop)
    np.testing.assert_array_equal(present_joints(res), ~drop)
    assert (res['keypoint'][drop] == 0).all()
    assert res['keypoint'].dtype == np.float32


@pytest.mark.parametrize('score', [False, True])
def test_mark_missing_leaves_inputs_and_writes_positive_zeros(sample,
                                                              score):
    res = sample(score=score)
    res['keypoint'] = -res['keypoint']  # -x * 0 would be -0.
    kp, before = res['keypoint'], res['keypoint'].copy()
    drop = np.random.default_rng(1).random(kp.shape[:3]) < 0.3
    mark_missing(res, drop)
    np.testing.assert_array_equal(kp, before)
    assert not np.signbit(res['keypoint'][drop]).any()
    np.testing.assert_array_equal(res['keypoint'][~drop], before[~drop])


@pytest.mark.parametrize('score', [False, True])
@pytest.mark.parametrize('index', [np.s_[:, 5:9], np.s_[:, :, [3, 7, 8]],
                                   np.s_[:, np.arange(40) % 3 == 0]])
def test_mark_missing_index_equals_mask(sample, score, index):
    res = sample(score=score)
    mask = np.zeros(res['keypoint'].shape[:3], bool)
    mask[index] = True
    by_mask, by_index = dict(res), dict(res)
    mark_missing(by_mask, mask)
    mark_missing(by_index, index)
    for key in ('keypoint', 'keypoint_score'):
        if key in res:
            assert by_index[key].dtype == res[key].dtype
            assert by_index[key] is not res[key]
            np.testing.assert_array_equal(by_index[key], by_mask[key])
    np.testing.assert_array_equal(present_joints(by_index), ~mask)


@pytest.mark.parametrize('C', [2, 3])
def test_present_joints_all_coordinates_zero(sample, C):
    res = sample(C=C)
    res['keypoint'][0, 1, 2] = 0
    res['keypoint'][0, 1, 3] = -0.
    res['keypoint'][1, 2, 4, :-1] = 0  # one coordinate left: present
    present = present_joints(res)
    assert present.shape == res['keypoint'].shape[:3]
    assert np.flatnonzero(~present).tolist() == [1 * 25 + 2, 1 * 25 + 3]
