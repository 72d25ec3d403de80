import numpy as np
import pytest


def _sample(M=2, T=40, V=25, C=3, score=False, name='S001', seed=0):
    """A random skeleton sample ``(M, T, V, C)``; no joint is missing."""
    rng = np.random.default_rng(seed)
    res = dict(keypoint=rng.normal(size=(M, T, V, C)).astype(np.float32) + 2,
               frame_dir=name, total_frames=T)
    if score:
        res['keypoint_score'] = np.ones((M, T, V), np.float32)
    return res


@pytest.fixture
def sample():
    """Factory of random skeleton samples (see :func:`_sample`)."""
    return _sample


@pytest.fixture
def missing():
    """The missing-joint mask ``(M, T, V)`` of a sample."""
    return lambda res: (res['keypoint'] == 0).all(-1)
