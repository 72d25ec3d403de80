import numpy as np
import pytest

from mmaction.registry import TRANSFORMS
from mmpartkd.datasets.transforms import (FrameDrop, JointJitter,
                                          PartOcclusion, RandomJointDrop,
                                          TemporalOcclusion)
from mmpartkd.datasets.transforms.corruptions import _standard_normal
from mmpartkd.structures import get_layout


def test_registered_with_repr():
    for name in ('RandomJointDrop', 'PartOcclusion', 'TemporalOcclusion',
                 'JointJitter', 'FrameDrop'):
        assert TRANSFORMS.get(name) is not None
    t = TRANSFORMS.build(dict(type='RandomJointDrop', drop_prob=0.3))
    assert repr(t).startswith('RandomJointDrop(drop_prob=0.3')


def test_joint_drop_rate_and_scores(sample, missing):
    res = RandomJointDrop(drop_prob=0.6)(sample(T=200, score=True))
    rate = missing(res).mean()
    assert abs(rate - 0.6) < 0.02
    np.testing.assert_array_equal(res['keypoint_score'] == 0, missing(res))


def test_test_mode_is_reproducible_per_sample_and_ignores_global_seed(
        sample, missing):
    t = RandomJointDrop(drop_prob=0.5, test_mode=True, seed=1)
    np.random.seed(255)
    a = missing(t(sample(name='A')))
    np.random.seed(7)
    a2 = missing(t(sample(name='A')))
    b = missing(t(sample(name='B')))
    np.testing.assert_array_equal(a, a2)
    assert (a != b).mean() > 0.3
    other_seed = missing(
        RandomJointDrop(drop_prob=0.5, test_mode=True, seed=2)(
            sample(name='A')))
    assert (a != other_seed).mean() > 0.3


def test_train_mode_changes_every_call_but_follows_global_seed(
        sample, missing):
    t = RandomJointDrop(drop_prob=0.5)
    np.random.seed(0)
    a, b = missing(t(sample())), missing(t(sample()))
    np.random.seed(0)
    a2 = missing(t(sample()))
    assert (a != b).any()
    np.testing.assert_array_equal(a, a2)


@pytest.mark.parametrize('w', [1, 3, 10])
def test_skd_mean_imputation_by_hand(w):
    kp = np.arange(1, 8, dtype=np.float32).reshape(1, 7, 1, 1) * \
        np.ones((1, 1, 1, 3), np.float32)
    res = dict(keypoint=kp.copy(), frame_dir='x')
    t = RandomJointDrop(drop_prob=0.5, impute_window=w, test_mode=True)
    out = t(dict(res))
    value = out['keypoint'][0, :, 0, 0]
    # recompute the same mask to know which frames were dropped
    rng = t._rng(dict(res))
    rng.random()  # the draw deciding whether the sample is corrupted
    dropped = rng.random((1, 7, 1), dtype=np.float32)[0, :, 0] < 0.5
    assert 0 < dropped.sum() < 7
    for i in range(7):
        if not dropped[i]:
            assert value[i] == i + 1
        else:
            neigh = [j + 1 for j in range(max(0, i - w), min(7, i + w + 1))
                     if not dropped[j]]
            expected = np.mean(neigh) if neigh else 0.
            assert value[i] == pytest.approx(expected)


def test_skd_imputation_keeps_kept_entries_and_zeros_the_rest(sample):
    res = sample(T=60)
    res['keypoint'] = -res['keypoint']  # -x * 0 would be -0.
    kp = res['keypoint'].copy()
    t = RandomJointDrop(drop_prob=0.9, impute_window=1, test_mode=True)
    out = t(dict(res))['keypoint']
    rng = t._rng(res)
    rng.random()
    drop = rng.random(kp.shape[:3], dtype=np.float32) < 0.9
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out[~drop], kp[~drop])
    kept = np.pad(~drop, ((0, 0), (1, 1), (0, 0)))
    no_neighbour = drop & ~(kept[:, :-2] | kept[:, 1:-1] | kept[:, 2:])
    assert no_neighbour.sum() > 100
    assert (out[no_neighbour] == 0).all()
    assert not np.signbit(out[no_neighbour]).any()
    assert (out[drop & ~no_neighbour] != 0).all()


def test_part_occlusion_exact_joints(sample, missing):
    layout = get_layout('nturgb+d')
    res = PartOcclusion(parts=['left_arm'])(sample())
    occluded = missing(res).all(axis=(0, 1))
    assert np.flatnonzero(occluded).tolist() == sorted(
        layout.parts['left_arm'])
    res = PartOcclusion(parts=['left_leg', 'right_leg', [7, 11]],
                        num_parts=1, test_mode=True)(sample(name='q'))
    n = missing(res).all(axis=(0, 1)).sum()
    assert n in (2, 4)
    with pytest.raises(ValueError, match='has no part "tail"'):
        PartOcclusion(parts=['tail'])
    with pytest.raises(ValueError, match='25 joints'):
        PartOcclusion(parts=[[30]])
    with pytest.raises(ValueError, match='20 joints'):
        PartOcclusion(parts=['head'])(sample(V=20))


def test_temporal_occlusion_centred_block(sample, missing):
    res = TemporalOcclusion(length=10, center=0.5)(sample(T=100))
    frames = np.flatnonzero(missing(res).all(axis=(0, 2)))
    assert frames.tolist() == list(range(45, 55))


def test_jitter_magnitude_scales_with_bbox(sample):
    clean = sample(M=1, T=400)
    res = JointJitter(sigma=0.05, scale='frame')(dict(clean,
                                                      keypoint=clean[
                                                          'keypoint'].copy()))
    offset = np.linalg.norm(res['keypoint'] - clean['keypoint'], axis=-1)
    diag = JointJitter.bbox_diagonal(clean['keypoint'],
                                     np.ones((1, 400, 25), bool), 'frame')
    ratio = offset / diag[..., None]
    # |N(0, s)| has mean s * sqrt(2 / pi)
    assert ratio.mean() == pytest.approx(0.05 * np.sqrt(2 / np.pi), rel=0.05)
    # missing joints stay missing
    kp = clean['keypoint'].copy()
    kp[0, :, 3] = 0
    out = JointJitter(sigma=0.05)(dict(clean, keypoint=kp))
    assert (out['keypoint'][0, :, 3] == 0).all()


def test_jitter_direction_per_person_joint_length_per_frame(sample):
    clean = sample(T=50)
    out = JointJitter(sigma=0.05)(dict(clean,
                                       keypoint=clean['keypoint'].copy()))
    offset = (out['keypoint'] - clean['keypoint']).astype(np.float64)
    length = np.linalg.norm(offset, axis=-1)
    big = length > 1e-2  # float32 rounding blurs the direction of tiny ones
    unit = offset / length[..., None]
    # in every frame a joint moves along its own line, back or forth
    first = np.take_along_axis(unit, big.argmax(1)[:, None, :, None],
                               axis=1)[:, 0]  # (M, V, C)
    cos = np.einsum('mtvc,mvc->mtv', unit, first)[big]
    np.testing.assert_allclose(np.abs(cos), 1, atol=1e-3)
    assert (cos > 0).mean() == pytest.approx(0.5, abs=0.1)
    # ... a line that differs between joints and persons
    lines = np.abs(np.einsum('mvc,nwc->mvnw', first, first))
    assert (lines < 0.99).mean() > 0.9


@pytest.mark.parametrize('scale', ['frame', 'video'])
@pytest.mark.parametrize('shared', [False, True])
@pytest.mark.parametrize('joint_prob', [1.0, 0.5])
@pytest.mark.parametrize('score', [False, True])
def test_jitter_options(sample, scale, shared, joint_prob, score):
    clean = sample(T=30, score=score)
    if score:  # missing by its score (coordinates left as they were)
        clean['keypoint_score'][1, :, 4] = 0
    else:
        clean['keypoint'][1, :, 4] = 0
    out = JointJitter(sigma=0.05, scale=scale, shared=shared,
                      joint_prob=joint_prob)(dict(
                          clean, keypoint=clean['keypoint'].copy()))
    kp = out['keypoint']
    assert kp.dtype == np.float32 and kp.shape == clean['keypoint'].shape
    np.testing.assert_array_equal(kp[1, :, 4], clean['keypoint'][1, :, 4])
    moved = (kp != clean['keypoint']).any(-1)
    moved[1, :, 4] = True
    if joint_prob == 1:
        assert moved.all()
    elif not shared:
        assert abs(moved.mean() - 0.5) < 0.05
    if shared and scale == 'video':  # one offset per (person, joint)
        offset = kp - clean['keypoint']
        np.testing.assert_allclose(offset, offset[:, :1].repeat(30, 1),
                                   atol=1e-6)


def test_box_muller_draws_are_standard_normal():
    rng = np.random.default_rng(0)
    z = _standard_normal(rng, (3, 5, 7))
    assert z.shape == (3, 5, 7) and z.dtype == np.float32
    z = _standard_normal(rng, (400001, ))
    assert abs(z.mean()) < 0.005 and abs(z.std() - 1) < 0.005
    for q, tail in ((1.0, 0.3173), (1.96, 0.05), (3.0, 0.0027)):
        assert (np.abs(z) > q).mean() == pytest.approx(tail, rel=0.05)
    assert np.isfinite(z).all() and np.abs(z).max() < 5.8
    # the two draws of each Box-Muller pair (cos, sin) are uncorrelated,
    # also in magnitude
    cos, sin = z[:200000], z[200001:]
    assert abs(np.corrcoef(cos, sin)[0, 1]) < 0.01
    assert abs(np.corrcoef(np.abs(cos), np.abs(sin))[0, 1]) < 0.01


def test_bbox_diagonal_by_hand():
    kp = np.zeros((1, 1, 3, 2), np.float32)
    kp[0, 0, 0] = [0, 0]
    kp[0, 0, 1] = [3, 4]
    kp[0, 0, 2] = [100, 100]  # not present
    present = np.array([[[True, True, False]]])
    assert JointJitter.bbox_diagonal(kp, present, 'frame')[0, 0] == 5


@pytest.mark.parametrize('scale', ['frame', 'video'])
def test_bbox_diagonal_against_a_loop(sample, scale):
    kp = sample(T=30)['keypoint']
    present = np.random.default_rng(3).random(kp.shape[:3]) > 0.2
    present[1, 4] = False  # nobody in a frame: 0
    diag = JointJitter.bbox_diagonal(kp, present, scale)
    assert diag.shape == ((2, 30) if scale == 'frame' else (2, 1))
    for m in range(2):
        if scale == 'video':
            pts = kp[m][present[m]]
            expected = np.linalg.norm(pts.max(0) - pts.min(0))
            assert diag[m, 0] == pytest.approx(expected, rel=1e-6)
            continue
        for t in range(30):
            pts = kp[m, t][present[m, t]]
            expected = (np.linalg.norm(pts.max(0) - pts.min(0))
                        if len(pts) else 0.)
            assert diag[m, t] == pytest.approx(expected, rel=1e-6)


def test_frame_drop_modes():
    kp = np.arange(10, dtype=np.float32).reshape(1, 10, 1, 1) + 1
    base = dict(keypoint=kp, frame_dir='f', total_frames=10)
    out = FrameDrop(mode='uniform', factor=3, fill=None)(dict(base))
    assert out['total_frames'] in (3, 4)
    assert np.all(np.diff(out['keypoint'][0, :, 0, 0]) == 3)
    out = FrameDrop(mode='uniform', factor=2, fill='nearest')(dict(base))
    v = out['keypoint'][0, :, 0, 0]
    assert v.shape == (10, ) and len(np.unique(v)) == 5
    out = FrameDrop(mode='uniform', factor=2, fill='linear')(dict(base))
    np.testing.assert_allclose(out['keypoint'][0, 1:-1, 0, 0],
                               kp[0, 1:-1, 0, 0])
    out = FrameDrop(mode='block', ratio=0.3, fill='zero')(dict(base))
    zero = out['keypoint'][0, :, 0, 0] == 0
    assert zero.sum() == 3 and np.ptp(np.flatnonzero(zero)) == 2
    out = FrameDrop(mode='random', ratio=0.5, fill=None)(dict(base))
    assert 1 <= out['total_frames'] <= 10


@pytest.mark.parametrize('transform', [
    RandomJointDrop(), PartOcclusion(parts=['head']), TemporalOcclusion(),
    JointJitter(), FrameDrop()
])
def test_bad_input_is_named(transform, sample):
    bad = sample()
    bad['keypoint'][0, 0, 0, 0] = np.nan
    with pytest.raises(ValueError, match='NaN'):
        transform(bad)
    with pytest.raises(ValueError, match='empty skeleton sequence'):
        transform(dict(keypoint=np.zeros((1, 0, 25, 3), np.float32),
                       frame_dir='e'))
