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
    t = TRANSFORMS.build(
        dict(type='IKEMPreNormalize', layout='nturgb+d', clip_len=19))
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
