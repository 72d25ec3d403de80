"""IKEM modalities against hand-computed values."""
import numpy as np
import pytest

from mmaction.registry import TRANSFORMS
from mmpartkd.datasets.transforms.modalities import (IKEM_MODALITIES,
                                                     IKEMPairs,
                                                     compute_modalities,
                                                     get_ikem_pairs)

ALL = IKEM_MODALITIES


def _ntu_static(T=5):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(1, 1, 25, 3))
    return np.repeat(x, T, axis=1)


def test_ntu_pairs_match_spec():
    p = get_ikem_pairs('nturgb+d')
    spec_1based = [(1, 2), (2, 21), (3, 21), (4, 3), (5, 21), (6, 5), (7, 6),
                   (8, 7), (9, 21), (10, 9), (11, 10), (12, 11), (13, 1),
                   (14, 13), (15, 14), (16, 15), (17, 1), (18, 17), (19, 18),
                   (20, 19), (21, 21), (22, 8), (23, 8), (24, 12), (25, 12)]
    assert p.bones == [(v - 1, q - 1) for v, q in spec_1based]
    axes = dict(p.axes)
    assert axes[22] == 21 and axes[24] == 23  # (23,22), (25,24) 1-based
    assert axes[21] == 7 and axes[23] == 11
    assert p.torso_normal == (20, (1, 4, 8))


def test_derived_pairs_for_other_layouts():
    k = dict(get_ikem_pairs('kinect_v1').bones)
    assert k[3] == 2  # head hangs from the shoulder centre (no neck)
    assert k[4] == 2 and k[8] == 2 and k[0] == 1 and k[2] == 2
    assert get_ikem_pairs('kinect_v1').torso_normal == (2, (1, 4, 8))
    penn = dict(get_ikem_pairs('penn').bones)
    assert penn[1] == 0 and penn[3] == 1 and penn[5] == 3 and penn[11] == 9
    assert get_ikem_pairs('coco').torso_normal is None


def test_motion_and_acceleration_time_scaled():
    T, s = 6, 2.5
    t = np.arange(T, dtype=float)
    x = np.zeros((1, T, 25, 3))
    x[0, :, 3, 0] = 0.5 * t**2  # joint 3 accelerates along x: a = 1
    x[0, :, 5, 1] = 3 * t  # joint 5 moves at 3 per frame along y
    out = compute_modalities(x, get_ikem_pairs('nturgb+d'),
                             ('motion', 'acceleration'), time_scale=s)
    m, a = out['motion'], out['acceleration']
    # motion: s * (x[t+1] - x[t]); last frame 0
    np.testing.assert_allclose(m[0, :-1, 5, 1], s * 3)
    np.testing.assert_allclose(m[0, :-1, 3, 0], s * (t[:-1] + 0.5))
    assert np.all(m[0, -1] == 0)
    # acceleration: s * (m[t+1] - m[t]) = s^2 * 1 for joint 3; last 2 frames 0
    np.testing.assert_allclose(a[0, :-2, 3, 0], s * s * 1.0)
    np.testing.assert_allclose(a[0, :-2, 5, 1], 0, atol=1e-6)
    assert np.all(a[0, -2:] == 0)


def test_bone_and_torso_normal():
    x = _ntu_static(T=2)
    out = compute_modalities(x, get_ikem_pairs('nturgb+d'), ('bone', ))
    b = out['bone'][0, 0]
    j = x[0, 0]
    # 1-based (7, 6): wrist - elbow; (1, 2): base - mid
    np.testing.assert_allclose(b[6], j[6] - j[5], rtol=1e-5)
    np.testing.assert_allclose(b[0], j[0] - j[1], rtol=1e-5)
    n = np.cross(j[1] - j[8], j[4] - j[8])
    np.testing.assert_allclose(b[20], n / np.linalg.norm(n), rtol=1e-5)
    assert abs(np.linalg.norm(b[20]) - 1) < 1e-5


def test_rotation_axis_child_cross_parent():
    x = _ntu_static(T=2)
    out = compute_modalities(x, get_ikem_pairs('nturgb+d'),
                             ('bone', 'rotation_axis'))
    b, r = out['bone'][0, 0], out['rotation_axis'][0, 0]
    np.testing.assert_allclose(r[6], np.cross(b[6], b[5]), rtol=1e-4)
    # (23, 22) 1-based: thumb axis uses the hand-tip bone
    np.testing.assert_allclose(r[22], np.cross(b[22], b[21]), rtol=1e-4)
    # bones hanging from joint 21 use the torso normal
    np.testing.assert_allclose(r[4], np.cross(b[4], b[20]), rtol=1e-4)
    np.testing.assert_allclose(r[20], 0, atol=1e-7)  # self pair


def test_rotating_forearm_angular_velocity():
    """Upper arm hangs along -y; the forearm turns about +z by w rad/frame
    away from it. theta (angle forearm / upper arm) grows by w per frame,
    the axis b_forearm x b_upper is -z, so omega = s * w * (0, 0, -1)."""
    T, w, s = 8, 0.1, 1.5
    t = np.arange(T)
    x = np.zeros((1, T, 25, 3))
    shoulder, elbow, wrist = 4, 5, 6
    x[0, :, shoulder] = (0.2, 1.4, 0.)
    x[0, :, elbow] = x[0, :, shoulder] + (0., -0.3, 0.)
    ang = 0.3 + w * t  # angle of the forearm from -y towards +x
    x[0, :, wrist, 0] = x[0, :, elbow, 0] + 0.25 * np.sin(ang)
    x[0, :, wrist, 1] = x[0, :, elbow, 1] - 0.25 * np.cos(ang)
    out = compute_modalities(x, get_ikem_pairs('nturgb+d'),
                             ('angular_velocity', 'rotation_axis'),
                             time_scale=s)
    om = out['angular_velocity'][0, :, wrist]
    np.testing.assert_allclose(om[:-1], np.tile([0, 0, -s * w], (T - 1, 1)),
                               atol=1e-5)
    np.testing.assert_allclose(np.linalg.norm(om[:-1], axis=1), s * w,
                               rtol=1e-4)
    assert np.all(om[-1] == 0)
    # rotation axis magnitude |b6||b5| sin(theta)
    r = out['rotation_axis'][0, :, wrist]
    np.testing.assert_allclose(r[:, 2], -0.25 * 0.3 * np.sin(ang), rtol=1e-4)
    # turning back reverses the sign
    xr = x[:, ::-1].copy()
    om_r = compute_modalities(xr, get_ikem_pairs('nturgb+d'),
                              ('angular_velocity', ),
                              time_scale=s)['angular_velocity'][0, :, wrist]
    np.testing.assert_allclose(om_r[:-1, 2], s * w, rtol=1e-4)


def test_2d_is_lifted_with_in_plane_axes():
    x = np.random.default_rng(1).normal(size=(1, 4, 17, 2))
    out = compute_modalities(x, get_ikem_pairs('coco'), ALL)
    for name, v in out.items():
        assert v.shape == (1, 4, 17, 3), name
    np.testing.assert_allclose(out['joint'][..., 2], 0)
    np.testing.assert_allclose(out['rotation_axis'][..., :2], 0, atol=1e-7)
    np.testing.assert_allclose(out['angular_velocity'][..., :2], 0,
                               atol=1e-7)
    assert np.abs(out['rotation_axis'][..., 2]).max() > 0


def test_gen_ske_modalities_packing():
    x = _ntu_static(T=4).astype(np.float32)
    x[0, :, 7] += np.arange(4)[:, None] * 0.1
    t = TRANSFORMS.build(
        dict(type='GenSkeModalities', layout='nturgb+d',
             modalities=('bone', 'joint', 'motion')))
    res = t(dict(keypoint=x.copy(), keypoint_score=np.ones((1, 4, 25)),
                 time_scale=2.0))
    kp = res['keypoint']
    assert kp.shape == (1, 4, 25, 9) and kp.dtype == np.float32
    assert 'keypoint_score' not in res
    assert res['modalities'] == ('bone', 'joint', 'motion')
    np.testing.assert_allclose(kp[..., 3:6], x)
    np.testing.assert_allclose(kp[0, :-1, 7, 6:9], 0.2, rtol=1e-5)
    np.testing.assert_allclose(kp[0, 0, 6, 0:3], x[0, 0, 6] - x[0, 0, 5],
                               rtol=1e-5)
    assert 'GenSkeModalities' in repr(t)


def test_gen_ske_modalities_errors():
    with pytest.raises(ValueError):
        TRANSFORMS.build(dict(type='GenSkeModalities', modalities=('foo', )))
    t = TRANSFORMS.build(dict(type='GenSkeModalities', layout='nturgb+d'))
    with pytest.raises(ValueError, match='joints'):
        t(dict(keypoint=np.zeros((1, 3, 17, 3), np.float32)))
    with pytest.raises(ValueError):
        IKEMPairs(bones=[(0, 30)]).arrays(25)


# --- upstream's modalities (CrosSCLR._cross_training of IKEM's
# net/crossclr_6views.py), ported from reading it: torch, a batch
# (N, C, T, V, M), 1-based pairs; ``cross`` stands for its torch.cross.
_UP_BONE = [(1, 2), (2, 21), (3, 21), (4, 3), (5, 21), (6, 5), (7, 6),
            (8, 7), (9, 21), (10, 9), (11, 10), (12, 11), (13, 1), (14, 13),
            (15, 14), (16, 15), (17, 1), (18, 17), (19, 18), (20, 19),
            (21, 21), (22, 8), (23, 8), (24, 12), (25, 12)]
_UP_AXIS = [p if p[0] not in (23, 25) else (p[0], p[0] - 1)
            for p in _UP_BONE]


def _upstream_modalities(x, frames, cross):
    import torch
    import torch.nn.functional as F
    s = (50. / frames).view(-1, 1, 1, 1, 1)  # time scale per sample
    motion = torch.zeros_like(x)
    motion[:, :, :-1] = x[:, :, 1:] - x[:, :, :-1]
    motion = s * motion
    acc = torch.zeros_like(x)
    acc[:, :, :-2] = motion[:, :, 1:-1] - motion[:, :, :-2]
    acc = s * acc
    bone = torch.zeros_like(x)
    for v1, v2 in _UP_BONE:
        bone[:, :, :, v1 - 1] = x[:, :, :, v1 - 1] - x[:, :, :, v2 - 1]
    bone[:, :, :, 20] = F.normalize(
        cross(bone[:, :, :, 1] - bone[:, :, :, 8],
              bone[:, :, :, 4] - bone[:, :, :, 8]))
    axis = torch.zeros_like(x)
    for b1, b2 in _UP_AXIS:
        axis[:, :, :, b1 - 1] = cross(bone[:, :, :, b1 - 1],
                                      bone[:, :, :, b2 - 1])
    nb = F.normalize(bone, dim=1)
    theta = torch.zeros_like(x[:, :1])
    for b1, b2 in _UP_AXIS:
        cp = cross(nb[:, :, :, b1 - 1], nb[:, :, :, b2 - 1])
        theta[:, 0, :, b1 - 1] = torch.atan2(
            torch.norm(cp, dim=1),
            torch.einsum('abcd,abcd->acd', nb[:, :, :, b1 - 1],
                         nb[:, :, :, b2 - 1]))
    omega = torch.zeros_like(x)
    omega[:, :, :-1] = (theta[:, :, 1:] - theta[:, :, :-1]) * \
        F.normalize(axis, dim=1)[:, :, :-1]
    omega = s * omega
    return dict(joint=x, motion=motion, bone=bone, acceleration=acc,
                rotation_axis=axis, angular_velocity=omega)


def _first_size3_dim_cross(a, b):
    """What upstream's ``torch.cross(a, b)`` (no ``dim``) computes: the
    cross product over the first dimension of size 3."""
    import torch
    return torch.cross(a, b, dim=list(a.shape).index(3))


def test_torch_cross_batch_of_three_upstream_bug():
    """A batch of exactly 3: upstream's dim-less ``torch.cross`` crosses
    over the batch, not the coordinates; ``compute_modalities`` (per sample,
    ``axis=-1``) equals the corrected port (``dim=1``) for every batch."""
    import torch
    rng = np.random.default_rng(5)
    T, frames = 6, torch.tensor([40., 50., 64.], dtype=torch.float64)
    x = rng.normal(size=(3, 3, T, 25, 2))  # (N, C, T, V, M)
    xt = torch.from_numpy(x)
    fixed = _upstream_modalities(
        xt, frames, lambda a, b: torch.cross(a, b, dim=1))
    pairs = get_ikem_pairs('nturgb+d')
    for n in range(3):
        ours = compute_modalities(x[n].transpose(3, 1, 2, 0), pairs, ALL,
                                  time_scale=50. / frames[n].item())
        for name in ALL:
            np.testing.assert_allclose(
                ours[name], fixed[name][n].numpy().transpose(3, 1, 2, 0),
                atol=1e-9, err_msg=name)
    buggy = _upstream_modalities(xt, frames, _first_size3_dim_cross)
    for name in ('bone', 'rotation_axis', 'angular_velocity'):
        assert not torch.allclose(buggy[name], fixed[name]), name
    # any other batch size: the first size-3 dim is the coordinates
    two = _upstream_modalities(xt[:2], frames[:2], _first_size3_dim_cross)
    for name in ALL:
        torch.testing.assert_close(two[name], fixed[name][:2])
