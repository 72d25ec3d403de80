"""Skeleton corruptions: the low-quality skeletons of the protocols in
docs/method.md#low-quality-protocols (joint drop, part and temporal
occlusion, joint jitter, frame-rate reduction).

All corruptions work on ``keypoint`` arrays of shape ``(M, T, V, C)``
(persons, frames, joints, coordinates) after ``PreNormalize3D`` /
``PreNormalize2D``, are vectorised numpy, draw their randomness from a
per-sample generator (:func:`~.utils.sample_rng`) and mark missing joints
with :func:`~.utils.mark_missing`.
"""
from typing import Dict, Optional, Sequence, Tuple, Union

import numpy as np
from mmcv.transforms import BaseTransform

from mmaction.registry import TRANSFORMS
from mmpartkd.structures import get_layout
from .utils import check_keypoint, mark_missing, sample_rng

__all__ = [
    'BaseCorruption', 'RandomJointDrop', 'PartOcclusion',
    'TemporalOcclusion', 'JointJitter', 'FrameDrop'
]


class BaseCorruption(BaseTransform):
    """Base of the corruptions: checks the sample, decides with probability
    ``p`` whether to corrupt it, then calls :meth:`corrupt` with the
    sample's generator.

    Unless a subclass says otherwise:

    Required Keys:
        - keypoint
        - keypoint_score (optional)

    Modified Keys:
        - keypoint
        - keypoint_score (optional)

    Args:
        p (float): Probability that the sample is corrupted at all.
        seed (int): Seed of the per-sample generator.
        test_mode (bool): Same corruption of a sample in every run and
            epoch (see :func:`~.utils.sample_rng`).
    """

    def __init__(self, p: float = 1.0, seed: int = 0,
                 test_mode: bool = False) -> None:
        if not 0. <= p <= 1.:
            raise ValueError(f'{type(self).__name__}: p={p} not in [0, 1]')
        self.p = float(p)
        self.seed = int(seed)
        self.test_mode = bool(test_mode)

    def _rng(self, results: Dict) -> np.random.Generator:
        return sample_rng(results, self.seed, type(self).__name__,
                          self.test_mode, seeding='hash')

    #: joint count the input must have (None: any)
    num_joints: Optional[int] = None

    def transform(self, results: Dict) -> Dict:
        """Check the sample, draw whether it is corrupted (probability
        ``p``), then corrupt it with :meth:`corrupt`."""
        kp = check_keypoint(results, type(self).__name__, self.num_joints)
        rng = self._rng(results)
        if rng.random() >= self.p:
            return results
        return self.corrupt(results, kp, rng)

    def corrupt(self, results: Dict, kp: np.ndarray,
                rng: np.random.Generator) -> Dict:
        """Corrupt ``results`` (whose keypoint is ``kp``) using ``rng``."""
        raise NotImplementedError

    def _base_repr(self) -> str:
        return f'p={self.p}, seed={self.seed}, test_mode={self.test_mode}'

    def __repr__(self) -> str:
        extra = ', '.join(f'{k}={v!r}' for k, v in self._repr_args().items())
        return (f'{type(self).__name__}({extra}, {self._base_repr()})')

    def _repr_args(self) -> Dict:
        return {}


def _window_sum(x: np.ndarray, w: int) -> np.ndarray:
    """Sums of ``x`` ``(M, T, K)`` over the frames ``[t - w, t + w]``
    (clipped to the sequence), ``(M, T, K)``.

    ``2 w`` shifted in-place additions: for SKD's ``w = 3`` 3x faster than
    differences of cumulative sums (``np.cumsum`` along a middle axis is
    slow), and exact sums instead of differences of large float32 sums.
    Starting from ``x + 0.`` makes every sum of zeros ``+0.``, never ``-0.``.
    """
    out = x + 0.
    for s in range(1, min(w, x.shape[1] - 1) + 1):
        out[:, s:] += x[:, :-s]
        out[:, :-s] += x[:, s:]
    return out


def _standard_normal(rng: np.random.Generator,
                     shape: Tuple[int, ...]) -> np.ndarray:
    """float32 ``N(0, 1)`` draws by the Box-Muller transform of float32
    uniforms: 2x faster than ``rng.standard_normal(shape, np.float32)``
    (the ziggurat), which was the largest cost of :class:`JointJitter`. The
    uniforms' 24 bits bound the draws to ``|z| < 5.8``."""
    size = int(np.prod(shape))
    half = (size + 1) // 2
    u = rng.random((2, half), dtype=np.float32)
    radius = np.log1p(-u[0])  # log(1 - u): u < 1, so finite
    radius *= -2
    np.sqrt(radius, out=radius)
    angle = u[1] * np.float32(2 * np.pi)
    z = np.empty((2, half), np.float32)
    np.cos(angle, out=z[0])
    np.sin(angle, out=z[1])
    z *= radius
    return z.reshape(-1)[:size].reshape(shape)


# Layouts. Numpy broadcasts a (M, T, V) factor over the short last axis of
# (M, T, V, C) keypoints 3-5x slower than over a leading or middle axis, and
# reduces over V (axis 2) 6x slower than over a leading axis; the
# corruptions therefore work on transposed copies (5 us for an NTU clip,
# 2x100x25x3) and write their last result back into (M, T, V, C).


def _coordinates_first(keypoint: np.ndarray) -> np.ndarray:
    """``(M, T, V, C)`` -> a contiguous ``(C, M, T, V)`` copy."""
    return np.ascontiguousarray(keypoint.transpose(3, 0, 1, 2))


def _joints_first(keypoint: np.ndarray) -> np.ndarray:
    """``(M, T, V, C)`` -> a contiguous ``(V, C, M, T)`` copy (a copy to
    ``(V, M, T, C)`` would take 6x longer)."""
    return np.ascontiguousarray(keypoint.transpose(2, 3, 0, 1))


def _present(results: Dict, keypoint: np.ndarray, coord_axis: int,
             score_axes: Tuple[int, int, int]) -> np.ndarray:
    """:func:`~.utils.present_joints` of a transposed ``keypoint`` whose
    coordinates are along ``coord_axis``, in its layout; ``score_axes``
    transposes a ``(M, T, V)`` ``keypoint_score`` into that layout."""
    if 'keypoint_score' in results:
        return results['keypoint_score'].transpose(score_axes) > 0
    # any() counts -0. as 0, as ``!= 0`` does
    return keypoint.any(axis=coord_axis)


@TRANSFORMS.register_module()
class RandomJointDrop(BaseCorruption):
    """Drop every (person, frame, joint) entry independently (SKD protocol).

    With ``impute_window = w`` a dropped entry is filled with the mean of the
    entries of the same joint that were *not* dropped in frames
    ``[t - w, t + w]`` (SKD uses ``drop_prob=0.6``, ``w=3``); entries with no
    such neighbour stay missing. Scores of dropped entries are 0 either way.

    Keys: those of :class:`BaseCorruption`.

    Args:
        drop_prob (float): Probability that one entry is dropped.
        impute_window (int, optional): Half width of the SKD mean
            imputation window, or None for no imputation.
        **kwargs: ``p``, ``seed``, ``test_mode`` of :class:`BaseCorruption`.
    """

    def __init__(self, drop_prob: float = 0.6,
                 impute_window: Optional[int] = None, **kwargs) -> None:
        super().__init__(**kwargs)
        if not 0. <= drop_prob <= 1.:
            raise ValueError(f'drop_prob={drop_prob} not in [0, 1]')
        if impute_window is not None and impute_window < 1:
            raise ValueError('impute_window must be >= 1 or None')
        self.drop_prob = float(drop_prob)
        self.impute_window = impute_window

    def corrupt(self, results: Dict, kp: np.ndarray,
                rng: np.random.Generator) -> Dict:
        drop = rng.random(kp.shape[:3], dtype=np.float32) < self.drop_prob
        if self.impute_window is None:
            mark_missing(results, drop)
            return results
        M, T, V, C = kp.shape
        kp_c = _coordinates_first(kp)  # (C, M, T, V)
        keep = ~drop & _present(results, kp_c, 0, (0, 1, 2))
        # the kept coordinates and the keep mask stacked, (C + 1, M, T, V):
        # one window sum gives the sums and the counts
        kept = np.empty((C + 1, M, T, V), kp.dtype)
        np.multiply(kp_c, keep, out=kept[:C])
        kept[C] = keep
        win = _window_sum(kept.reshape((C + 1) * M, T, V),
                          self.impute_window).reshape(kept.shape)
        # kept entries unchanged (+ 0), dropped ones (0 in ``kept``) + their
        # window mean; with no neighbour the window sum is 0, so they stay 0
        imputed = win[:C]  # in place: fewer fresh arrays, fewer cache misses
        imputed *= drop / np.maximum(win[C], 1)
        # the last sum written straight into the (M, T, V, C) output
        out = np.empty_like(kp)
        np.add(imputed, kept[:C], out=out.transpose(3, 0, 1, 2))
        results['keypoint'] = out
        if 'keypoint_score' in results:
            results['keypoint_score'] = np.where(
                drop, 0, results['keypoint_score']).astype(
                    results['keypoint_score'].dtype, copy=False)
        return results

    def _repr_args(self) -> Dict:
        return dict(drop_prob=self.drop_prob,
                    impute_window=self.impute_window)


PartSpec = Union[str, Sequence[int]]


@TRANSFORMS.register_module()
class PartOcclusion(BaseCorruption):
    """Occlude whole body parts in every frame (RA-GCN protocol, drawn per
    sample instead of once per dataset).

    Keys: those of :class:`BaseCorruption`.

    Args:
        parts (Sequence[str | Sequence[int]]): Parts to occlude: names of the
            layout's parts (``'left_arm'``...) or explicit joint lists.
            RA-GCN's occlusions on ``nturgb+d``: ``['left_arm']``,
            ``['right_arm']``, ``[[7, 11, 21, 22, 23, 24]]`` (two hands),
            ``['left_leg', 'right_leg']``, ``['torso']``.
        layout (str | dict): Skeleton layout. Defaults to ``'nturgb+d'``.
        num_parts (int, optional): If given, occlude this many of ``parts``
            chosen at random per sample; else all of them.
        **kwargs: ``p``, ``seed``, ``test_mode`` of :class:`BaseCorruption`.
    """

    def __init__(self, parts: Sequence[PartSpec],
                 layout: Union[str, dict] = 'nturgb+d',
                 num_parts: Optional[int] = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.layout = get_layout(layout)
        self.num_joints = self.layout.num_node
        if isinstance(parts, str) or len(parts) == 0:
            raise ValueError('parts must be a non-empty list of part names '
                             'or joint lists')
        masks = []
        for part in parts:
            if isinstance(part, str):
                if part not in self.layout.parts:
                    raise ValueError(
                        f'layout "{self.layout.name}" has no part "{part}"; '
                        f'its parts: {self.layout.part_names}')
                joints = self.layout.parts[part]
            else:
                joints = list(part)
                self.layout.check_parts({str(joints): joints})
            mask = np.zeros(self.layout.num_node, dtype=bool)
            mask[joints] = True
            masks.append(mask)
        self.parts = list(parts)
        self.part_masks = np.stack(masks)
        if num_parts is not None and not 1 <= num_parts <= len(parts):
            raise ValueError(f'num_parts={num_parts} not in [1, {len(parts)}]')
        self.num_parts = num_parts

    def corrupt(self, results: Dict, kp: np.ndarray,
                rng: np.random.Generator) -> Dict:
        masks = self.part_masks
        if self.num_parts is not None:
            # (a permutation: 4x cheaper than choice(replace=False))
            masks = masks[rng.permutation(len(masks))[:self.num_parts]]
        mark_missing(results, np.s_[:, :, np.flatnonzero(masks.any(axis=0))])
        return results

    def _repr_args(self) -> Dict:
        return dict(parts=self.parts, layout=self.layout.name,
                    num_parts=self.num_parts)


@TRANSFORMS.register_module()
class TemporalOcclusion(BaseCorruption):
    """Occlude a block of consecutive frames (all joints, all persons).

    Keys: those of :class:`BaseCorruption`.

    Args:
        length (int | tuple[int, int]): Block length in frames, or an
            inclusive range drawn per sample (RA-GCN: 10..50 of 100 frames).
            Clipped to the sequence length.
        center (float, optional): Block centre as a fraction of the sequence
            (RA-GCN: frame 50 of 100 -> 0.5); None for a random position.
        **kwargs: ``p``, ``seed``, ``test_mode`` of :class:`BaseCorruption`.
    """

    def __init__(self, length: Union[int, Tuple[int, int]] = (10, 50),
                 center: Optional[float] = None, **kwargs) -> None:
        super().__init__(**kwargs)
        lo, hi = (length, length) if isinstance(length, int) else length
        if not 0 <= lo <= hi:
            raise ValueError(f'bad length {length}')
        if center is not None and not 0. <= center <= 1.:
            raise ValueError(f'center={center} not in [0, 1]')
        self.length = (int(lo), int(hi))
        self.center = center

    def corrupt(self, results: Dict, kp: np.ndarray,
                rng: np.random.Generator) -> Dict:
        T = kp.shape[1]
        n = min(int(rng.integers(self.length[0], self.length[1] + 1)), T)
        if self.center is None:
            start = int(rng.integers(0, T - n + 1))
        else:
            start = int(np.clip(round(self.center * T - n / 2), 0, T - n))
        mark_missing(results, np.s_[:, start:start + n])
        return results

    def _repr_args(self) -> Dict:
        return dict(length=self.length, center=self.center)


@TRANSFORMS.register_module()
class JointJitter(BaseCorruption):
    """Scale-normalised Gaussian joint noise (pyskl protocol).

    Each jittered joint moves along a random direction by a length drawn
    from ``N(0, sigma) * D``, with ``D`` the diagonal of the bounding box of
    the person's present joints, per frame (``scale='frame'``) or over the
    whole video (``scale='video'``). The direction (uniform on the sphere)
    is drawn once per (person, joint), the length per frame (or once, with
    ``shared``): in each frame the offset of a joint is isotropic with
    length ``|N(0, sigma)| * D``, and over the frames it moves back and
    forth along one line. Missing joints stay missing.

    Required Keys:
        - keypoint
        - keypoint_score (optional)

    Modified Keys:
        - keypoint

    Args:
        sigma (float): Noise scale relative to ``D`` (pyskl: 0.01, 0.02,
            0.05).
        scale (str): ``'frame'`` or ``'video'``.
        shared (bool): If True one offset per (person, joint) is shared by
            all frames (a systematic error); else each frame draws its own
            length.
        joint_prob (float): Probability that one entry is jittered (1.0 for
            pyskl, lower for RA-GCN's random jitter).
        **kwargs: ``p``, ``seed``, ``test_mode`` of :class:`BaseCorruption`.
    """

    def __init__(self, sigma: float = 0.02, scale: str = 'frame',
                 shared: bool = False, joint_prob: float = 1.0,
                 **kwargs) -> None:
        super().__init__(**kwargs)
        if sigma < 0:
            raise ValueError(f'sigma={sigma} must be >= 0')
        if scale not in ('frame', 'video'):
            raise ValueError(f'scale must be "frame" or "video", got {scale}')
        if not 0. <= joint_prob <= 1.:
            raise ValueError(f'joint_prob={joint_prob} not in [0, 1]')
        self.sigma = float(sigma)
        self.scale = scale
        self.shared = bool(shared)
        self.joint_prob = float(joint_prob)

    @staticmethod
    def bbox_diagonal(keypoint: np.ndarray, present: np.ndarray,
                      scale: str) -> np.ndarray:
        """Bounding-box diagonal of the present joints, ``(M, T)`` for
        ``'frame'`` or ``(M, 1)`` for ``'video'`` (0 where nothing is
        present).

        Args:
            keypoint (np.ndarray): ``(M, T, V, C)``.
            present (np.ndarray): ``(M, T, V)`` bool.
            scale (str): ``'frame'`` or ``'video'``.
        """
        return JointJitter._bbox_diagonal(_joints_first(keypoint),
                                          present.transpose(2, 0, 1), scale)

    @staticmethod
    def _bbox_diagonal(kp: np.ndarray, present: np.ndarray,
                       scale: str) -> np.ndarray:
        """:meth:`bbox_diagonal` of ``kp`` ``(V, C, M, T)`` and ``present``
        ``(V, M, T)``: the max/min over joints are elementwise maxima of
        contiguous ``(C, M, T)`` blocks, 2x faster than reducing a last axis
        of 25 joints and 6x faster than axis 2 of ``(M, T, V, C)``."""
        if present.all():
            hi, lo = kp.max(axis=0), kp.min(axis=0)
        else:
            # missing joints at -inf for the max and +inf for the min
            inf = np.where(present, kp.dtype.type(0),
                           kp.dtype.type(np.inf))[:, None]
            shifted = kp - inf
            hi = shifted.max(axis=0)
            lo = np.add(kp, inf, out=shifted).min(axis=0)
        if scale == 'video':
            hi, lo = hi.max(axis=-1), lo.min(axis=-1)
        # (C, M, T|); nothing present: -inf - inf, clipped to 0
        d = np.maximum(hi - lo, 0)
        diag = np.sqrt((d * d).sum(axis=0))
        return diag if scale == 'frame' else diag[:, None]

    def corrupt(self, results: Dict, kp: np.ndarray,
                rng: np.random.Generator) -> Dict:
        if self.sigma == 0:
            return results
        M, T, V, C = kp.shape
        # Joints first, (V, C, M, T), for the bounding boxes; then every
        # (joint, person, frame) factor broadcasts over the coordinates as
        # a middle axis (fast), not as a last axis of 2-3 (slow).
        kp_t = _joints_first(kp)
        present = _present(results, kp_t, 1, (2, 0, 1))  # (V, M, T)
        diag = self._bbox_diagonal(kp_t, present, self.scale)  # (M, T|1)
        # One direction per (person, joint), uniform on the sphere (a
        # normalised Gaussian vector): T times fewer draws than one per
        # frame.
        direction = rng.standard_normal((V, C, M, 1), dtype=np.float32)
        direction /= np.maximum(np.sqrt(
            (direction * direction).sum(axis=1, keepdims=True)), 1e-12)
        shape = (V, M, 1) if self.shared else (V, M, T)
        length = _standard_normal(rng, shape)
        if self.joint_prob < 1:  # (random() < 1 always holds)
            length *= rng.random(shape, dtype=np.float32) < self.joint_prob
        # zero for missing joints (kp + 0 == kp)
        factor = present * (self.sigma * diag)  # (V, M, T)
        factor *= length
        jittered = factor[:, None] * direction
        jittered += kp_t
        results['keypoint'] = np.ascontiguousarray(
            jittered.transpose(2, 3, 0, 1)).astype(kp.dtype, copy=False)
        return results

    def _repr_args(self) -> Dict:
        return dict(sigma=self.sigma, scale=self.scale, shared=self.shared,
                    joint_prob=self.joint_prob)


@TRANSFORMS.register_module()
class FrameDrop(BaseCorruption):
    """Temporal degradation (SHARDeg): lose frames of the sequence.

    Modes: ``'uniform'`` keeps every ``factor``-th frame (random offset);
    ``'random'`` drops each frame with probability ``ratio``; ``'block'``
    drops one contiguous block of ``ratio * T`` frames at a random place.
    At least one frame is always kept.

    Lost frames are then filled: ``'nearest'`` repeats the last kept frame
    (what a low frame-rate stream played at the full rate looks like; the
    first kept frame fills the start), ``'linear'`` interpolates between kept
    frames, ``'zero'`` marks them missing, and ``None`` removes them
    (changes ``total_frames``: use it only before ``UniformSampleFrames``).

    Required Keys:
        - keypoint
        - keypoint_score (optional)
        - total_frames (with ``fill=None``)

    Modified Keys:
        - keypoint
        - keypoint_score (optional)
        - total_frames (with ``fill=None``)

    Args:
        mode (str): ``'uniform'``, ``'random'`` or ``'block'``.
        factor (int): Subsampling factor of ``'uniform'``.
        ratio (float): Fraction of frames lost in ``'random'``/``'block'``.
        fill (str, optional): ``'nearest'``, ``'linear'``, ``'zero'`` or None.
        **kwargs: ``p``, ``seed``, ``test_mode`` of :class:`BaseCorruption`.
    """

    MODES = ('uniform', 'random', 'block')
    FILLS = ('nearest', 'linear', 'zero', None)

    def __init__(self, mode: str = 'uniform', factor: int = 2,
                 ratio: float = 0.5, fill: Optional[str] = 'nearest',
                 **kwargs) -> None:
        super().__init__(**kwargs)
        if mode not in self.MODES:
            raise ValueError(f'mode must be one of {self.MODES}, got {mode}')
        if fill not in self.FILLS:
            raise ValueError(f'fill must be one of {self.FILLS}, got {fill}')
        if factor < 1:
            raise ValueError(f'factor={factor} must be >= 1')
        if not 0. <= ratio < 1.:
            raise ValueError(f'ratio={ratio} not in [0, 1)')
        self.mode, self.factor, self.ratio, self.fill = mode, int(factor), \
            float(ratio), fill

    def _kept_frames(self, T: int, rng: np.random.Generator) -> np.ndarray:
        keep = np.zeros(T, dtype=bool)
        if self.mode == 'uniform':
            keep[int(rng.integers(0, min(self.factor, T)))::self.factor] = True
        elif self.mode == 'random':
            keep = rng.random(T) >= self.ratio
        else:
            n = min(int(round(self.ratio * T)), T - 1)
            start = int(rng.integers(0, T - n + 1))
            keep[:] = True
            keep[start:start + n] = False
        if not keep.any():
            keep[int(rng.integers(0, T))] = True
        return keep

    def corrupt(self, results: Dict, kp: np.ndarray,
                rng: np.random.Generator) -> Dict:
        T = kp.shape[1]
        keep = self._kept_frames(T, rng)
        kept = np.flatnonzero(keep)
        keys = [k for k in ('keypoint', 'keypoint_score') if k in results]
        if self.fill is None:
            for k in keys:
                results[k] = results[k][:, kept]
            results['total_frames'] = len(kept)
        elif self.fill == 'zero':
            mark_missing(results, np.s_[:, ~keep])
        elif self.fill == 'nearest':
            # index of the last kept frame at or before t (first kept before).
            src = np.maximum.accumulate(np.where(keep, np.arange(T), -1))
            src[src < 0] = kept[0]
            for k in keys:
                results[k] = results[k][:, src]
        else:  # linear
            t = np.arange(T)
            right = np.searchsorted(kept, t).clip(0, len(kept) - 1)
            left = (right - 1).clip(0, len(kept) - 1)
            right = np.where(kept[right] < t, left, right)
            left = np.where(kept[left] > t, right, left)
            span = (kept[right] - kept[left]).astype(np.float64)
            w = np.where(span > 0, (t - kept[left]) / np.maximum(span, 1), 0.)
            for k in keys:
                a, b = results[k][:, kept[left]], results[k][:, kept[right]]
                shape = (1, T) + (1, ) * (a.ndim - 2)
                results[k] = (a * (1 - w.reshape(shape)) +
                              b * w.reshape(shape)).astype(a.dtype)
        return results

    def _repr_args(self) -> Dict:
        return dict(mode=self.mode, factor=self.factor, ratio=self.ratio,
                    fill=self.fill)
