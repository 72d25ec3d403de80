import numpy as np
import pytest

from mmpartkd.structures import check_keypoint_array, get_layout


def test_good_array_is_returned():
    kp = np.ones((2, 5, 25, 3), np.float32)
    assert check_keypoint_array(kp, 'here', 25, coords=(2, 3),
                                score=np.ones((2, 5, 25))) is kp


@pytest.mark.parametrize('kp, kwargs, message', [
    (np.ones((5, 25, 3)), {}, r'here: keypoint must have shape .* got '
     r'\(5, 25, 3\)'),
    (np.ones((1, 5, 25, 4)), dict(coords=(2, 3)), r'coordinates 2 or 3\), '
     r'got \(1, 5, 25, 4\)'),
    (np.ones((1, 0, 25, 3)), {}, 'here: empty skeleton sequence'),
    (np.ones((0, 5, 25, 3)), {}, 'empty skeleton sequence'),
    (np.ones((1, 5, 0, 3)), {}, 'empty skeleton sequence'),
    (np.ones((1, 5, 20, 3)), dict(num_joints=25, expected_by='the dataset'),
     'here: keypoint has 20 joints, the dataset expects 25'),
    (np.ones((1, 5, 25, 3)), dict(score=np.ones((1, 5, 24))),
     r'keypoint_score has shape \(1, 5, 24\), expected \(1, 5, 25\)'),
])
def test_bad_arrays(kp, kwargs, message):
    with pytest.raises(ValueError, match=message):
        check_keypoint_array(kp, 'here', **kwargs)


def test_nan_is_located_and_error_class_chosen():

    class MyError(ValueError):
        pass

    kp = np.ones((2, 5, 25, 3))
    kp[1, 3, 7, 2] = np.inf
    with pytest.raises(MyError, match=r'NaN or inf \(first at \[person, '
                       r'frame, joint, coord\] = \[1, 3, 7, 2\]\)'):
        check_keypoint_array(kp, 'here', error=MyError)


def test_layout_check_keypoint_uses_it():
    with pytest.raises(ValueError, match='keypoint has 20 joints, layout '
                       '"nturgb\\+d" expects 25'):
        get_layout('nturgb+d').check_keypoint(np.ones((1, 5, 20, 3)))
