"""Modalities of skeletons with missing joints (zero coordinates), as in
the Penn Action harsh protocol (docs/method.md#modalities): every value is
finite and equal to what docs/method.md#modalities says."""
import numpy as np
import pytest

from mmpartkd.datasets.transforms import GenSkeModalities
from mmpartkd.datasets.transforms.modalities import (compute_modalities,
                                                     get_ikem_pairs)

S = 1.5  # time scale
# penn (13 joints): head 0; left shoulder 1 -> head; left elbow 3 -> 1;
# left wrist 5 -> 3 (bone pairs = rotation-axis pairs)
HEAD, L_SHOULDER, L_ELBOW, L_WRIST = 0, 1, 3, 5


def penn_clip() -> np.ndarray:
    """(1, 4, 13, 2) clip, every joint present and distinct, then the left
    elbow missing in frame 1 and the whole skeleton missing in frame 3."""
    rng = np.random.default_rng(0)
    x = rng.uniform(0.1, 0.9, (1, 4, 13, 2))
    x[0, 1, L_ELBOW] = 0  # the elbow is missing in frame 1
    x[0, 3] = 0  # nobody in frame 3
    return x


def lifted(x: np.ndarray) -> np.ndarray:
    return np.concatenate([x, np.zeros_like(x[..., :1])], axis=-1)


@pytest.fixture
def modalities():
    return compute_modalities(penn_clip(), get_ikem_pairs('penn'),
                              time_scale=S)


def test_all_finite_and_bounded(modalities):
    for name, value in modalities.items():
        assert np.isfinite(value).all(), name
        # coordinates lie in [0, 1): nothing grows beyond a few units
        assert np.abs(value).max() <= S * np.pi + 1e-6, name


def test_bone_of_a_missing_joint(modalities):
    x = lifted(penn_clip())[0]
    bone = modalities['bone'][0]
    # missing joint, present parent: -x[parent]
    np.testing.assert_allclose(bone[1, L_ELBOW], -x[1, L_SHOULDER],
                               rtol=1e-6)
    # present joint, missing parent: x[v]
    np.testing.assert_allclose(bone[1, L_WRIST], x[1, L_WRIST], rtol=1e-6)
    # joint and parent missing: 0
    np.testing.assert_array_equal(bone[3], 0)


def test_motion_into_and_out_of_a_missing_frame(modalities):
    x = lifted(penn_clip())[0]
    motion = modalities['motion'][0]
    # into the missing elbow (frame 0 -> 1): -s x[0]; out of it: s x[2]
    np.testing.assert_allclose(motion[0, L_ELBOW], -S * x[0, L_ELBOW],
                               rtol=1e-6)
    np.testing.assert_allclose(motion[1, L_ELBOW], S * x[2, L_ELBOW],
                               rtol=1e-6)
    # into the empty frame 3: -s x[2]; the last frame is 0
    np.testing.assert_allclose(motion[2], -S * x[2], rtol=1e-6)
    np.testing.assert_array_equal(motion[3], 0)


def test_angle_with_a_zero_length_bone(modalities):
    """Frame 3 has only zero-length bones: angle 0, rotation axis 0,
    angular velocity 0; frame 2 -> 3: -s theta[2] normalize(r[2])."""
    x = lifted(penn_clip())[0]
    rot = modalities['rotation_axis'][0]
    omega = modalities['angular_velocity'][0]
    np.testing.assert_array_equal(rot[3], 0)
    np.testing.assert_array_equal(omega[3], 0)
    # wrist bone against the elbow bone in frame 2, both present
    b_wrist = x[2, L_WRIST] - x[2, L_ELBOW]
    b_elbow = x[2, L_ELBOW] - x[2, L_SHOULDER]
    cos = b_wrist @ b_elbow / np.linalg.norm(b_wrist) / np.linalg.norm(
        b_elbow)
    theta = np.arccos(cos)
    r = np.cross(b_wrist, b_elbow)
    np.testing.assert_allclose(omega[2, L_WRIST],
                               -S * theta * r / np.linalg.norm(r),
                               rtol=1e-5)


def test_angle_with_a_zero_length_parent_bone_is_zero_in_3d():
    """3D: the elbow bone (negative coordinates) against a zero-length
    shoulder bone (head and shoulder missing in frame 1) has angle 0, not
    pi (arctan2(0, -0.)), so frame 0's angular velocity is
    -s theta[0] normalize(r[0]), not s (pi - theta[0]) normalize(r[0])."""
    x = np.zeros((1, 2, 13, 3))
    x[0, 0, HEAD] = [0.0, 0.5, 0.1]
    x[0, 0, L_SHOULDER] = [0.2, 0.3, 0.0]
    x[0, 0, L_ELBOW] = [0.3, 0.0, 0.2]
    x[0, 1, L_ELBOW] = [-0.2, -0.3, -0.1]  # head, shoulder missing
    out = compute_modalities(x, get_ikem_pairs('penn'),
                             ('bone', 'angular_velocity'), S)
    b = out['bone'][0].astype(np.float64)
    assert not b[1, L_SHOULDER].any()
    b_elbow, b_shoulder = b[0, L_ELBOW], b[0, L_SHOULDER]
    theta = np.arccos(b_elbow @ b_shoulder / np.linalg.norm(b_elbow) /
                      np.linalg.norm(b_shoulder))
    r = np.cross(b_elbow, b_shoulder)
    np.testing.assert_allclose(out['angular_velocity'][0, 0, L_ELBOW],
                               -S * theta * r / np.linalg.norm(r),
                               rtol=1e-5)


def test_harsh_protocol_sample_is_finite():
    """MaskInvisibleJoints + 80 % joint drop + jitter before the modalities
    (the Penn harsh linear evaluation's order): finite, bounded."""
    from mmpartkd.datasets.transforms import (JointJitter,
                                              MaskInvisibleJoints,
                                              RandomJointDrop)
    rng = np.random.default_rng(1)
    results = dict(
        keypoint=rng.uniform(-0.5, 0.5, (1, 24, 13, 2)).astype(np.float32),
        keypoint_score=(rng.random((1, 24, 13)) > 0.3).astype(np.float32),
        frame_dir='clip', time_scale=0.5)
    for t in (MaskInvisibleJoints(), RandomJointDrop(drop_prob=0.8),
              JointJitter(sigma=0.05)):
        results = t(results)
    assert (results['keypoint'] == 0).all(-1).mean() > 0.7
    out = GenSkeModalities(layout='penn')(results)
    assert out['keypoint'].shape == (1, 24, 13, 18)
    assert np.isfinite(out['keypoint']).all()
    assert np.abs(out['keypoint']).max() < 5
