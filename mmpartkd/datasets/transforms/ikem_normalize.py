"""IKEM's preprocessing: centre, resize to T frames, shoulder alignment
(docs/method.md#ikem)."""
from typing import Dict, Optional, Sequence, Tuple, Union

import numpy as np
from mmcv.transforms import BaseTransform

from mmaction.registry import TRANSFORMS
from mmpartkd.structures.layouts import get_layout

__all__ = ['IKEMPreNormalize', 'resize_frames', 'valid_frames']

# Centre joint(s) and (right, left) shoulders per layout (0-based).
_DEFAULTS = {
    'nturgb+d': dict(center=(20, ), shoulders=(8, 4)),
    'kinect_v1': dict(center=(2, ), shoulders=(8, 4)),
    'coco': dict(center=(5, 6), shoulders=(6, 5)),
    'penn': dict(center=(1, 2), shoulders=(2, 1)),
}
_CENTER_ON = ('each', 'main')
_ALIGN = ('frame', 'first_frame')
_SHOULDER_VECTORS = ('right-left', 'left-right')


def valid_frames(keypoint: np.ndarray) -> np.ndarray:
    """Indices of frames where any person has a non-zero joint."""
    return np.flatnonzero(np.abs(keypoint).reshape(
        keypoint.shape[0], keypoint.shape[1], -1).sum(axis=(0, 2)) > 0)


def resize_frames(array: np.ndarray, clip_len: int, axis: int = 1,
                  start: float = 0., length: Optional[float] = None,
                  align_corners: bool = True) -> np.ndarray:
    """Linearly resample ``array`` along ``axis`` to ``clip_len`` frames.

    The window of ``length`` frames from ``start`` (default the whole
    sequence) is mapped onto ``clip_len`` samples. ``align_corners=True``:
    evenly spaced, both ends of the window included
    (``start + i * (length - 1) / (clip_len - 1)``);
    ``align_corners=False``: frame centres aligned, as ``cv2.resize``
    (``INTER_LINEAR``) and upstream IKEM
    (``start + (i + 0.5) * length / clip_len - 0.5``, clamped to the
    window). Vectorised (no Python loop over frames).
    """
    T = array.shape[axis]
    length = T if length is None else length
    end = start + max(length - 1, 0)
    if align_corners:
        pos = np.linspace(start, end, clip_len)
    else:
        pos = start + (np.arange(clip_len) + 0.5) * (length / clip_len) - 0.5
        pos = np.clip(pos, start, end)
    pos = np.clip(pos, 0, T - 1)
    i0 = np.floor(pos).astype(np.int64)
    i1 = np.minimum(i0 + 1, T - 1)
    shape = [1] * array.ndim
    shape[axis] = clip_len
    w = (pos - i0).reshape(shape)
    out = (np.take(array, i0, axis=axis) * (1 - w) +
           np.take(array, i1, axis=axis) * w)
    return out.astype(array.dtype, copy=False)


@TRANSFORMS.register_module()
class IKEMPreNormalize(BaseTransform):
    """IKEM / CrosSCLR preprocessing of a skeleton clip
    (docs/method.md#ikem).

    By default the reference feeder's (upstream ``NTUMotionProcessor``,
    ``data_type='relative'``, ``sampling='resize'``, ``y_rotation=True``):

    1. drop frames where nobody has a joint (padding) -> ``L`` frames;
    2. centre every person on their own centre joint (nturgb+d: joint 21,
       1-based, spine shoulder) in every frame (``center_on='each'``,
       ``per_frame=True``);
    3. resize to ``clip_len`` frames by linear interpolation (frame
       centres aligned, as ``cv2.resize``) and record the time scale
       ``s = clip_len / L`` used by :class:`GenSkeModalities`;
    4. 3D only: rotate every person in every frame about the vertical axis
       so that their own right-minus-left shoulder vector (nturgb+d:
       ``x9 - x5``, 1-based) lies along ``+x`` (``align='frame'``).

    Upstream rotates frame ``t`` by ``-+arccos(v_x / (|v| + 1e-4))`` with
    one sign for the whole clip (that of ``sum_t v_z``); here the angle is
    exact per frame (``atan2``): the same rotation, without the ``1e-4``
    (about 1.4 degrees for a 0.35 m shoulder width) and without turning
    the frames whose ``v_z`` has the other sign by twice their angle.

    The previous behaviour is available as options: ``center_on='main'``
    (everybody on person 0's centre), ``align='first_frame'`` (one rotation
    from person 0's first frame), ``shoulder_vector='left-right'``,
    ``align_corners=True`` (both ends of the clip kept).

    Persons absent in a frame (all-zero joints) stay zero.

    Required Keys:
        - keypoint ``(M, T, V, C)``
        - keypoint_score (optional) ``(M, T, V)``

    Modified Keys:
        - keypoint ``(M, clip_len, V, C)`` float32
        - keypoint_score (if present) ``(M, clip_len, V)``
        - total_frames

    Added Keys:
        - time_scale (float): ``clip_len / L``
        - original_frames (int): ``L``

    Args:
        layout (str | dict): Skeleton layout (default centre and shoulders).
        clip_len (int): Output frames. Defaults to 50 (IKEM).
        center (int | Sequence[int], optional): Centre joint(s) (their mean).
        shoulders (tuple[int, int], optional): ``(right, left)`` shoulders.
        center_on (str): ``'each'``: every person on their own centre
            (upstream); ``'main'``: every person on person 0's.
        per_frame (bool): Centre every frame (True) or by the first frame
            where the person (``'main'``: person 0) is present.
        align (str | bool | None): ``'frame'`` (or True): every person and
            frame by their own shoulders (upstream); ``'first_frame'``: one
            rotation, from person 0's first frame; None / False: none.
            3D only.
        shoulder_vector (str): The vector put on ``+x``: ``'right-left'``
            (upstream, ``x9 - x5`` for nturgb+d) or ``'left-right'``.
        align_corners (bool): Resize convention, see :func:`resize_frames`
            (False: upstream's ``cv2.resize``).
        vertical_axis (int): Index of the vertical coordinate. Defaults to 1
            (``y`` up, Kinect and the synthetic data).
    """

    def __init__(self,
                 layout: Union[str, dict] = 'nturgb+d',
                 clip_len: int = 50,
                 center: Optional[Union[int, Sequence[int]]] = None,
                 shoulders: Optional[Tuple[int, int]] = None,
                 center_on: str = 'each',
                 per_frame: bool = True,
                 align: Union[str, bool, None] = 'frame',
                 shoulder_vector: str = 'right-left',
                 align_corners: bool = False,
                 vertical_axis: int = 1) -> None:
        self.layout = get_layout(layout)
        defaults = _DEFAULTS.get(self.layout.name,
                                 dict(center=(self.layout.center, ),
                                      shoulders=None))
        center = defaults['center'] if center is None else center
        self.center = tuple(np.atleast_1d(center).astype(int).tolist())
        self.shoulders = defaults['shoulders'] if shoulders is None else \
            tuple(shoulders)
        if clip_len < 2:
            raise ValueError('clip_len must be >= 2')
        self.clip_len = int(clip_len)
        if center_on not in _CENTER_ON:
            raise ValueError(f'center_on must be one of {_CENTER_ON}, got '
                             f'{center_on!r}')
        self.center_on = center_on
        self.per_frame = per_frame
        align = {True: 'frame', False: None}.get(align, align)
        if align not in _ALIGN + (None, ):
            raise ValueError(f'align must be one of {_ALIGN} or None, got '
                             f'{align!r}')
        self.align = align if self.shoulders is not None else None
        if shoulder_vector not in _SHOULDER_VECTORS:
            raise ValueError(f'shoulder_vector must be one of '
                             f'{_SHOULDER_VECTORS}, got {shoulder_vector!r}')
        self.shoulder_vector = shoulder_vector
        self.align_corners = align_corners
        if vertical_axis not in (0, 1, 2):
            raise ValueError('vertical_axis must be 0, 1 or 2')
        self.vertical_axis = vertical_axis

    def _shoulder_vector(self, x: np.ndarray) -> np.ndarray:
        """The vector put on ``+x``, ``(..., 3)`` from ``(..., V, 3)``."""
        r, l = self.shoulders
        if self.shoulder_vector == 'right-left':
            return x[..., r, :] - x[..., l, :]
        return x[..., l, :] - x[..., r, :]

    def _rotate(self, x: np.ndarray, v: np.ndarray) -> np.ndarray:
        """Rotate ``x`` ``(M, T, V, 3)`` about the vertical axis so that the
        horizontal part of ``v`` (broadcastable to ``(M, T, 3)``) lies along
        the first horizontal axis; a vertical or zero ``v``: no rotation."""
        h0, h1 = [i for i in range(3) if i != self.vertical_axis]  # (x, z)
        a, b = v[..., h0], v[..., h1]
        norm = np.hypot(a, b)
        ok = norm > 1e-8
        safe = np.where(ok, norm, 1.)
        c = np.where(ok, a / safe, 1.)[..., None]  # (M, T, 1)
        s = np.where(ok, b / safe, 0.)[..., None]
        out = x.copy()
        # maps (a, b) -> (norm, 0) in the horizontal plane
        out[..., h0] = c * x[..., h0] + s * x[..., h1]
        out[..., h1] = -s * x[..., h0] + c * x[..., h1]
        return out

    def transform(self, results: Dict) -> Dict:
        keypoint = np.asarray(results['keypoint'], dtype=np.float32)
        if keypoint.ndim != 4:
            raise ValueError(f'IKEMPreNormalize: keypoint must be '
                             f'(M, T, V, C), got {keypoint.shape}')
        keep = valid_frames(keypoint)
        if keep.size == 0:
            raise ValueError(f'IKEMPreNormalize: sample '
                             f'"{results.get("frame_dir", "?")}" has no '
                             'non-zero frame')
        x = keypoint[:, keep].astype(np.float64)
        present = np.abs(x).sum(-1, keepdims=True) > 0  # (M, L, V, 1)
        person = present.any(axis=2, keepdims=True)  # (M, L, 1, 1)
        owner = slice(None) if self.center_on == 'each' else slice(0, 1)
        centre = x[owner][:, :, list(self.center)].mean(axis=2,
                                                         keepdims=True)
        if not self.per_frame:  # each owner's first frame with a person
            first = person[owner].argmax(axis=1)[:, 0, 0]  # (M', )
            centre = centre[np.arange(len(first)), first][:, None]
        x = np.where(person, x - centre, 0.)
        is_3d = x.shape[-1] == 3
        if self.align == 'first_frame' and is_3d:
            x = self._rotate(x, self._shoulder_vector(x[0, 0]))
        L = x.shape[1]
        x = resize_frames(x, self.clip_len, align_corners=self.align_corners)
        if self.align == 'frame' and is_3d:  # after the resize, as upstream
            x = self._rotate(x, self._shoulder_vector(x))
        results['keypoint'] = x.astype(np.float32)
        if 'keypoint_score' in results:
            results['keypoint_score'] = resize_frames(
                np.asarray(results['keypoint_score'])[:, keep],
                self.clip_len,
                align_corners=self.align_corners).astype(np.float32)
        results['original_frames'] = int(L)
        results['time_scale'] = self.clip_len / float(L)
        results['total_frames'] = self.clip_len
        results.pop('frame_inds', None)
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(layout={self.layout.name}, '
                f'clip_len={self.clip_len}, center={self.center}, '
                f'shoulders={self.shoulders}, center_on={self.center_on}, '
                f'per_frame={self.per_frame}, align={self.align}, '
                f'shoulder_vector={self.shoulder_vector}, '
                f'align_corners={self.align_corners}, '
                f'vertical_axis={self.vertical_axis})')
