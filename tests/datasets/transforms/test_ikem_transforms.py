"""IKEM preprocessing and the two SSL augmentations."""
import numpy as np

from mmaction.registry import TRANSFORMS


def _ntu_clip(T=10, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(2, T, 25, 3)).astype(np.float32)
    return x


def test_prenormalize_centre_align_resize():
    T = 10
    x = _ntu_clip(T)
    x[1, 6:] = 0  # second person leaves
    x = np.concatenate([x, np.zeros((2, 3, 25, 3), np.float32)], 1)  # pad
    # the previous behaviour, kept as options: everybody centred on person
    # 0, one rotation from person 0's first frame putting left - right on
    # +x, both ends of the clip kept by the resize
    t = TRANSFORMS.build(
        dict(type='IKEMPreNormalize', layout='nturgb+d', clip_len=19,
             center_on='main', align='first_frame',
             shoulder_vector='left-right', align_corners=True))
    res = t(dict(keypoint=x.copy(), total_frames=T + 3))
    kp = res['keypoint']
    assert kp.shape == (2, 19, 25, 3)
    assert res['original_frames'] == T  # padding frames dropped
    assert abs(res['time_scale'] - 19 / T) < 1e-9
    assert res['total_frames'] == 19
    # main person's spine shoulder is the origin in every frame
    np.testing.assert_allclose(kp[0, :, 20], 0, atol=1e-5)
    # first frame: right -> left shoulder along +x, no z component
    v = kp[0, 0, 4] - kp[0, 0, 8]
    assert v[0] > 0 and abs(v[2]) < 1e-5
    # rotation about y keeps heights and lengths
    d0 = np.linalg.norm(x[0, 0, 3] - x[0, 0, 12])
    assert abs(np.linalg.norm(kp[0, 0, 3] - kp[0, 0, 12]) - d0) < 1e-4
    np.testing.assert_allclose(kp[0, 0, :, 1],
                               x[0, 0, :, 1] - x[0, 0, 20, 1], atol=1e-5)
    # resize keeps both ends (linear interpolation)
    np.testing.assert_allclose(kp[0, -1, 20], 0, atol=1e-5)
    # absent person stays zero at the end
    assert np.all(kp[1, -1] == 0)


def test_prenormalize_first_frame_centring():
    x = _ntu_clip(4)[:1]
    t = TRANSFORMS.build(
        dict(type='IKEMPreNormalize', clip_len=4, per_frame=False,
             align=False))
    kp = t(dict(keypoint=x.copy()))['keypoint']
    np.testing.assert_allclose(kp[0], x[0] - x[0, 0, 20], atol=1e-5)


# --- the reference feeder's preprocessing, ported from reading upstream
# IKEM's feeder/NTUDatasets.py (NTUMotionProcessor with data_type=
# 'relative', sampling='resize', y_rotation=True, and parallel_skeleton):
# data (C, T, V, M); numpy + cv2 as upstream.
def _ref_parallel_skeleton(x, eps=1e-4):
    """One person ``(C, T, V)``: per-frame rotation about y; the sign of
    every angle is that of the clip's summed shoulder z."""
    vec = x[:, :, 8] - x[:, :, 4]  # joint 9 - joint 5 (1-based)
    vec[1] = 0
    norm = np.sqrt(np.sum(np.square(vec), axis=0))
    theta = np.arccos(vec[0] / (norm + eps))
    if np.sum(vec[2]) >= 0:
        theta = -theta
    out = np.empty_like(x)
    for t, a in enumerate(theta):
        R = np.array([[np.cos(a), 0, -np.sin(a)], [0, 1, 0],
                      [np.sin(a), 0, np.cos(a)]])
        out[:, t] = R @ x[:, t]
    return out


def _ref_preprocess(data, t_length, eps=1e-4):
    import cv2
    C, T, V, M = data.shape
    length = int((np.abs(data[:, :, 0, 0]).sum(axis=0) != 0).sum())
    data = data - data[:, :, 20:21, :]  # every person on their own joint 21
    out = np.zeros((C, t_length, V, M))
    for m in range(M):
        img = data[:, :length, :, m].transpose(1, 2, 0)
        out[:, :, :, m] = cv2.resize(
            img, (V, t_length),
            interpolation=cv2.INTER_LINEAR).transpose(2, 0, 1)
    out = out.astype(np.float32)
    for m in range(M):
        out[:, :, :, m] = _ref_parallel_skeleton(out[:, :, :, m], eps)
    return out


def _turning_person(yaw, rng, T):
    """``(T, 25, 3)``: a random body whose right - left shoulder vector is
    ``0.4 (cos yaw, 0, sin yaw)``, walking and bobbing."""
    body = rng.normal(scale=0.3, size=(25, 3))
    body[8], body[4] = (0.2, 1.3, 0.), (-0.2, 1.3, 0.)  # right, left
    root = np.stack([np.linspace(0, 1, T), 0.05 * np.sin(np.arange(T)),
                     np.linspace(2, 3, T)], 1)
    c, s = np.cos(yaw), np.sin(yaw)
    # rotation about y taking +x to (cos, 0, sin)
    R = np.zeros((T, 3, 3))
    R[:, 0, 0], R[:, 0, 2], R[:, 1, 1] = c, -s, 1
    R[:, 2, 0], R[:, 2, 2] = s, c
    wiggle = rng.normal(scale=0.01, size=(T, 25, 3))
    return np.einsum('tij,vj->tvi', R, body) + root[:, None] + wiggle


def _two_turning_persons(T=23, pad=5):
    """Person 0 turns 90 degrees (right - left: (0.4,0,0) -> (0,0,0.4)),
    person 1 turns from -10 to -100 degrees; zero padding after T."""
    rng = np.random.default_rng(3)
    x = np.zeros((2, T + pad, 25, 3))
    x[0, :T] = _turning_person(np.linspace(0, np.pi / 2, T), rng, T)
    x[1, :T] = _turning_person(np.radians(np.linspace(-10, -100, T)), rng,
                               T)
    return x.astype(np.float32)


def test_prenormalize_matches_reference_feeder():
    x = _two_turning_persons()
    t = TRANSFORMS.build(dict(type='IKEMPreNormalize', clip_len=50))
    res = t(dict(keypoint=x.copy()))
    kp = res['keypoint']
    assert res['original_frames'] == 23
    # upstream without its 1e-4 in the angle: the same numbers
    ref = _ref_preprocess(x.transpose(3, 1, 2, 0), 50, eps=0.)
    np.testing.assert_allclose(kp, ref.transpose(3, 1, 2, 0), atol=2e-5)
    # every person, every frame: own joint 21 at the origin, own
    # right - left shoulder vector along +x (0.4 long)
    np.testing.assert_allclose(kp[:, :, 20], 0, atol=1e-6)
    v = kp[:, :, 8] - kp[:, :, 4]
    np.testing.assert_allclose(v[..., 0], 0.4, atol=0.03)
    np.testing.assert_allclose(v[..., 1], 0, atol=0.06)  # the wiggle
    np.testing.assert_allclose(v[..., 2], 0, atol=1e-5)
    # with upstream's 1e-4: a residual turn, at most sqrt(2e-4 / |v|)
    ref_eps = _ref_preprocess(x.transpose(3, 1, 2, 0), 50)
    v_ref = (ref_eps[:, :, 8] - ref_eps[:, :, 4]).transpose(2, 1, 0)
    angle = np.arctan2(v_ref[..., 2], v_ref[..., 0])
    assert 1e-3 < np.abs(angle).max() < np.sqrt(2e-4 / 0.38)


def test_prenormalize_per_frame_vs_first_frame_on_a_turn():
    """The issue's example: a body turning 90 degrees. Per-frame alignment
    keeps right - left at (0.4, 0, 0) in every frame; the previous default
    (one rotation from the first frame, left - right on +x) turns
    left - right from (0.4, 0, 0) to (0, 0, 0.4), 180 degrees away from
    upstream at the start."""
    x = _two_turning_persons()[:1]
    new = TRANSFORMS.build(dict(type='IKEMPreNormalize', clip_len=23))
    old = TRANSFORMS.build(
        dict(type='IKEMPreNormalize', clip_len=23, center_on='main',
             align='first_frame', shoulder_vector='left-right',
             align_corners=True))
    kp_new = new(dict(keypoint=x.copy()))['keypoint'][0]
    kp_old = old(dict(keypoint=x.copy()))['keypoint'][0]
    right_left = kp_new[:, 8] - kp_new[:, 4]
    left_right_old = kp_old[:, 4] - kp_old[:, 8]
    np.testing.assert_allclose(right_left[[0, -1]], [[0.4, 0, 0]] * 2,
                               atol=0.04)
    np.testing.assert_allclose(left_right_old[0], [0.4, 0, 0], atol=0.04)
    np.testing.assert_allclose(left_right_old[-1], [0, 0, 0.4], atol=0.04)


def test_prenormalize_each_person_on_own_centre():
    x = _two_turning_persons()
    x[1] += np.float32(5.)  # far from person 0
    x[1, 23:] = 0
    each = TRANSFORMS.build(dict(type='IKEMPreNormalize', clip_len=23))
    main = TRANSFORMS.build(
        dict(type='IKEMPreNormalize', clip_len=23, center_on='main',
             align=None))
    kp = each(dict(keypoint=x.copy()))['keypoint']
    np.testing.assert_allclose(kp[1, :, 20], 0, atol=1e-5)
    kp = main(dict(keypoint=x.copy()))['keypoint']
    np.testing.assert_allclose(kp[0, :, 20], 0, atol=1e-5)
    d = x[1, :23, 20] - x[0, :23, 20]
    np.testing.assert_allclose(kp[1, :, 20], d, atol=1e-4)


def test_prenormalize_fixes_upstream_sign_per_clip():
    """Upstream picks one sign for the whole clip (that of the summed
    shoulder z): a body turning from -30 to +60 degrees has its frames
    before the crossing turned by twice their angle. Here every frame is
    aligned."""
    rng = np.random.default_rng(0)
    T = 19
    x = np.zeros((2, T, 25, 3), np.float32)
    x[0] = _turning_person(np.radians(np.linspace(-30, 60, T)), rng, T)
    x[1] = _turning_person(np.zeros(T), rng, T)
    kp = TRANSFORMS.build(dict(type='IKEMPreNormalize', clip_len=T))(
        dict(keypoint=x.copy()))['keypoint']
    v = kp[0, :, 8] - kp[0, :, 4]
    np.testing.assert_allclose(v[:, 2], 0, atol=1e-5)
    assert np.all(v[:, 0] > 0.35)
    ref = _ref_preprocess(x.transpose(3, 1, 2, 0), T, eps=0.)
    v_ref = (ref[:, :, 8, 0] - ref[:, :, 4, 0]).T
    angle = np.degrees(np.arctan2(v_ref[:, 2], v_ref[:, 0]))
    assert angle[0] < -50  # about 2 * -30 degrees
    np.testing.assert_allclose(angle[-1], 0, atol=2)


def test_resize_frames_conventions():
    from mmpartkd.datasets.transforms.ikem_normalize import resize_frames
    x = np.arange(4, dtype=np.float64)[None, :, None]
    np.testing.assert_allclose(
        resize_frames(x, 7, align_corners=True)[0, :, 0],
        np.linspace(0, 3, 7))
    # frame centres aligned (cv2.resize): (i + 0.5) * 4 / 7 - 0.5, clamped
    pos = np.clip((np.arange(7) + 0.5) * 4 / 7 - 0.5, 0, 3)
    np.testing.assert_allclose(
        resize_frames(x, 7, align_corners=False)[0, :, 0], pos)


def test_temporal_crop_resize_updates_time_scale():
    T = 20
    x = np.zeros((1, T, 25, 3), np.float32)
    x[0, :, :, 0] = np.arange(T)[:, None]  # 1 unit per frame
    t = TRANSFORMS.build(
        dict(type='TemporalCropResize', clip_len=12, ratio=(0.5, 0.5)))
    res = t(dict(keypoint=x, time_scale=2.0, frame_dir='a'))
    kp = res['keypoint']
    assert kp.shape == (1, 12, 25, 3)
    step = np.diff(kp[0, :, 0, 0])
    np.testing.assert_allclose(step, step[0], rtol=1e-4)  # still linear
    # crop length 10 frames -> 12: scale *= 12 / 10
    assert abs(res['time_scale'] - 2.0 * 12 / 10) < 1e-9
    # the time scale makes motion frame-rate independent: s * dx ~ 2 * 1
    assert abs(res['time_scale'] * step[0] - 2.0 * 12 / 11 * 9 / 10) < 1e-4


def test_random_shear_linear_and_per_view():
    x = _ntu_clip(3)
    x[1] = 0
    t = TRANSFORMS.build(dict(type='RandomShear', amplitude=0.5))
    a = t(dict(keypoint=x.copy(), frame_dir='s'))
    S = a['shear']
    assert np.allclose(np.diag(S), 1) and np.abs(S).max() <= 1.5
    np.testing.assert_allclose(a['keypoint'], x @ S.T, rtol=1e-5)
    assert np.all(a['keypoint'][1] == 0)
    b = t(dict(keypoint=x.copy(), frame_dir='s'))
    assert not np.allclose(a['shear'], b['shear'])


def test_multi_view_stacks_views():
    x = _ntu_clip(16)[:1]
    t = TRANSFORMS.build(
        dict(type='MultiView', num_views=2, transforms=[
            dict(type='TemporalCropResize', clip_len=8),
            dict(type='RandomShear'),
            dict(type='GenSkeModalities', modalities=('joint', 'bone')),
            dict(type='FormatGCNInput', num_person=2),
        ]))
    res = t(dict(keypoint=x, frame_dir='v', time_scale=1.0))
    assert res['keypoint'].shape == (2, 2, 8, 25, 6)
    assert res['num_clips'] == 2 and len(res['view_time_scales']) == 2
    assert not np.allclose(res['keypoint'][0], res['keypoint'][1])
    assert np.all(res['keypoint'][:, 1] == 0)  # padded person
