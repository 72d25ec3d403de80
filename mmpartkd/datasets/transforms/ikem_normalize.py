"""IKEM's preprocessing: centre, shoulder alignment, resize to T frames."""
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


def valid_frames(keypoint: np.ndarray) -> np.ndarray:
    """Indices of frames where any person has a non-zero joint."""
    return np.flatnonzero(np.abs(keypoint).reshape(
        keypoint.shape[0], keypoint.shape[1], -1).sum(axis=(0, 2)) > 0)


def resize_frames(array: np.ndarray, clip_len: int, axis: int = 1,
                  start: float = 0., length: Optional[float] = None
                  ) -> np.ndarray:
    """Linearly resample ``array`` along ``axis`` to ``clip_len`` frames.

    The window ``[start, start + length - 1]`` (in frames, default the whole
    sequence) is mapped onto ``clip_len`` evenly spaced samples, both ends
    included. Vectorised (no Python loop over frames).
    """
    T = array.shape[axis]
    length = T if length is None else length
    pos = np.linspace(start, start + max(length - 1, 0), clip_len)
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
    """IKEM / CrosSCLR preprocessing of a skeleton clip.

    1. drop frames where nobody has a joint (padding) -> ``L`` frames;
    2. centre on the main person's centre joint (nturgb+d: joint 21,
       1-based, spine shoulder), per frame (``per_frame=True``, upstream's
       ``relative`` data) or by the first frame only;
    3. 3D only: rotate about the vertical axis so that the main person's
       right->left shoulder vector of the first frame lies along ``+x``;
    4. resize to ``clip_len`` frames by linear interpolation and record the
       time scale ``s = clip_len / L`` used by :class:`GenSkeModalities`.

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
        per_frame (bool): Centre every frame (True) or by the first frame.
        align (bool): Rotate about the vertical axis (3D only).
        vertical_axis (int): Index of the vertical coordinate. Defaults to 1
            (``y`` up, Kinect and the synthetic data).
    """

    def __init__(self,
                 layout: Union[str, dict] = 'nturgb+d',
                 clip_len: int = 50,
                 center: Optional[Union[int, Sequence[int]]] = None,
                 shoulders: Optional[Tuple[int, int]] = None,
                 per_frame: bool = True,
                 align: bool = True,
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
        self.per_frame = per_frame
        self.align = align and self.shoulders is not None
        if vertical_axis not in (0, 1, 2):
            raise ValueError('vertical_axis must be 0, 1 or 2')
        self.vertical_axis = vertical_axis

    def _rotation(self, x: np.ndarray) -> np.ndarray:
        """Rotation matrix about the vertical axis from the first frame."""
        r, l = self.shoulders
        v = x[0, 0, l] - x[0, 0, r]
        h = [i for i in range(3) if i != self.vertical_axis]  # (x, z)
        a, b = v[h[0]], v[h[1]]
        norm = np.hypot(a, b)
        R = np.eye(3)
        if norm < 1e-8:
            return R
        c, s = a / norm, b / norm
        # maps (a, b) -> (norm, 0) in the horizontal plane
        R[h[0], h[0]], R[h[0], h[1]] = c, s
        R[h[1], h[0]], R[h[1], h[1]] = -s, c
        return R

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
        centre = x[0:1, :, list(self.center)].mean(axis=2, keepdims=True)
        if not self.per_frame:
            centre = centre[:, :1]
        x = np.where(person, x - centre, 0.)
        if self.align and x.shape[-1] == 3:
            x = x @ self._rotation(x).T
            x = np.where(person, x, 0.)
        L = x.shape[1]
        results['keypoint'] = resize_frames(x, self.clip_len).astype(
            np.float32)
        if 'keypoint_score' in results:
            results['keypoint_score'] = resize_frames(
                np.asarray(results['keypoint_score'])[:, keep],
                self.clip_len).astype(np.float32)
        results['original_frames'] = int(L)
        results['time_scale'] = self.clip_len / float(L)
        results['total_frames'] = self.clip_len
        results.pop('frame_inds', None)
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(layout={self.layout.name}, '
                f'clip_len={self.clip_len}, center={self.center}, '
                f'shoulders={self.shoulders}, per_frame={self.per_frame}, '
                f'align={self.align}, vertical_axis={self.vertical_axis})')
