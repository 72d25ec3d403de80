"""Low-quality skeleton transforms (SPEC §4.1).

All transforms work on ``keypoint`` arrays of shape ``(M, T, V, C)`` (persons,
frames, joints, coordinates) after ``PreNormalize3D``/``PreNormalize2D``, are
vectorised numpy, and draw their randomness from a per-sample
:class:`numpy.random.Generator` (see :func:`sample_rng`), never from numpy's
global state (mmaction2's ``UniformSampleFrames(test_mode=True)`` reseeds it
to 255 for every sample).

**Missing joints** are represented the same way everywhere: coordinates set to
0 and, when the sample has ``keypoint_score`` (2D layouts), a score of 0. 3D
layouts without scores mark missing joints by all-zero coordinates only (the
convention of NTU RGB+D and SKD).
"""
import zlib
from typing import Dict, Optional, Sequence, Tuple, Union

import numpy as np
from mmcv.transforms import BaseTransform

from mmaction.registry import TRANSFORMS
from mmpartkd.structures import get_joint_mapping, get_layout

__all__ = [
    'sample_rng', 'check_keypoint', 'RandomJointDrop', 'PartOcclusion',
    'TemporalOcclusion', 'JointJitter', 'FrameDrop', 'ConvertLayout',
    'ProjectTo2D', 'CopyHighQuality', 'MaskInvisibleJoints'
]


def _crc(value) -> int:
    return zlib.crc32(str(value).encode())


def sample_rng(results: Dict, seed: int, salt: str,
               test_mode: bool) -> np.random.Generator:
    """The generator of one transform for one sample.

    Args:
        results (dict): The sample; ``frame_dir`` (else ``sample_idx``)
            identifies it.
        seed (int): The transform's seed from the config.
        salt (str): Distinguishes transforms that share a seed.
        test_mode (bool): If True the generator depends only on ``seed``, the
            sample and ``salt``: the corruption of a sample is the same in
            every run and every epoch, and differs between samples. If False
            one draw from numpy's global state is mixed in, so training sees
            a new corruption every epoch while staying reproducible under
            mmengine's ``randomness=dict(seed=...)`` (which seeds every
            dataloader worker).
    """
    key = results.get('frame_dir', results.get('sample_idx', 0))
    entropy = [int(seed) & 0xFFFFFFFF, _crc(key), _crc(salt)]
    if not test_mode:
        entropy.append(int(np.random.randint(0, 2**31 - 1)))
    return np.random.default_rng(np.random.SeedSequence(entropy))


def check_keypoint(results: Dict, transform: str,
                   num_joints: Optional[int] = None) -> np.ndarray:
    """Return ``results['keypoint']`` after checking it; raise a clear
    ``ValueError`` naming the sample for a wrong shape, a wrong joint count,
    NaN/inf values or an empty sequence."""
    where = f'{transform} on sample "{results.get("frame_dir", "?")}"'
    if 'keypoint' not in results:
        raise KeyError(f'{where}: no "keypoint" in the sample')
    kp = results['keypoint']
    if kp.ndim != 4:
        raise ValueError(f'{where}: keypoint must have shape (M, T, V, C), '
                         f'got {kp.shape}')
    if kp.shape[0] == 0 or kp.shape[1] == 0:
        raise ValueError(f'{where}: empty skeleton sequence {kp.shape}')
    if num_joints is not None and kp.shape[2] != num_joints:
        raise ValueError(f'{where}: keypoint has {kp.shape[2]} joints, the '
                         f'layout expects {num_joints}')
    if not np.isfinite(kp).all():
        raise ValueError(f'{where}: keypoint contains NaN or inf; mark '
                         'missing joints with zeros (and score 0) instead')
    return kp


def _mark_missing(results: Dict, missing: np.ndarray) -> None:
    """Zero the coordinates (and scores) of ``missing`` ``(M, T, V)``."""
    results['keypoint'] = np.where(missing[..., None], 0,
                                   results['keypoint']).astype(
                                       results['keypoint'].dtype, copy=False)
    if 'keypoint_score' in results:
        results['keypoint_score'] = np.where(
            missing, 0, results['keypoint_score']).astype(
                results['keypoint_score'].dtype, copy=False)


def _present(results: Dict) -> np.ndarray:
    """Joints that are not missing, ``(M, T, V)`` bool."""
    if 'keypoint_score' in results:
        return results['keypoint_score'] > 0
    kp = results['keypoint']
    # one comparison per coordinate: 4x faster than any() over a last axis
    # of length 2 or 3
    present = kp[..., 0] != 0
    for c in range(1, kp.shape[-1]):
        present |= kp[..., c] != 0
    return present


class _LowQualityTransform(BaseTransform):
    """Shared arguments: ``p`` (probability that the sample is corrupted at
    all), ``seed`` and ``test_mode`` (see :func:`sample_rng`)."""

    def __init__(self, p: float = 1.0, seed: int = 0,
                 test_mode: bool = False) -> None:
        if not 0. <= p <= 1.:
            raise ValueError(f'{type(self).__name__}: p={p} not in [0, 1]')
        self.p = float(p)
        self.seed = int(seed)
        self.test_mode = bool(test_mode)

    def _rng(self, results: Dict) -> np.random.Generator:
        return sample_rng(results, self.seed, type(self).__name__,
                          self.test_mode)

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


@TRANSFORMS.register_module()
class RandomJointDrop(_LowQualityTransform):
    """Drop every (person, frame, joint) entry independently (SKD protocol).

    With ``impute_window = w`` a dropped entry is filled with the mean of the
    entries of the same joint that were *not* dropped in frames
    ``[t - w, t + w]`` (SKD uses ``drop_prob=0.6``, ``w=3``); entries with no
    such neighbour stay missing. Scores of dropped entries are 0 either way.

    Required Keys:
        - keypoint
        - keypoint_score (optional)

    Modified Keys:
        - keypoint
        - keypoint_score (optional)

    Args:
        drop_prob (float): Probability that one entry is dropped.
        impute_window (int, optional): Half width of the SKD mean
            imputation window, or None for no imputation.
        p (float): Probability that the sample is corrupted at all.
        seed (int): Seed of the per-sample generator.
        test_mode (bool): Same corruption of a sample in every epoch.
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
            _mark_missing(results, drop)
            return results
        keep = (~drop & _present(results)).astype(kp.dtype)
        w = self.impute_window
        M, T, V, C = kp.shape
        # Window sums along T through cumulative sums: O(M*T*V*C), written
        # into preallocated arrays whose first frame is 0 (no np.pad copy).
        csum = np.empty((M, T + 1, V * C), kp.dtype)
        csum[:, 0] = 0
        np.cumsum((kp * keep[..., None]).reshape(M, T, V * C), axis=1,
                  out=csum[:, 1:])
        csum = csum.reshape(M, T + 1, V, C)
        ccnt = np.empty((M, T + 1, V), kp.dtype)
        ccnt[:, 0] = 0
        np.cumsum(keep, axis=1, out=ccnt[:, 1:])
        hi = np.minimum(np.arange(T) + w + 1, T)
        lo = np.maximum(np.arange(T) - w, 0)
        win_sum = csum[:, hi] - csum[:, lo]
        win_cnt = ccnt[:, hi] - ccnt[:, lo]
        imputed = win_sum / np.maximum(win_cnt, 1)[..., None]
        # a full-shape mask: np.where is 2-5x slower with a broadcast one
        results['keypoint'] = np.where(
            np.repeat(drop[..., None], C, axis=-1), imputed,
            kp).astype(kp.dtype, copy=False)
        still_missing = drop & (win_cnt == 0)
        results['keypoint'][still_missing] = 0
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
class PartOcclusion(_LowQualityTransform):
    """Occlude whole body parts in every frame (RA-GCN protocol, drawn per
    sample instead of once per dataset).

    Required Keys:
        - keypoint
        - keypoint_score (optional)

    Modified Keys:
        - keypoint
        - keypoint_score (optional)

    Args:
        parts (Sequence[str | Sequence[int]]): Parts to occlude: names of the
            layout's parts (``'left_arm'``...) or explicit joint lists. RA-GCN's
            occlusions on ``nturgb+d``: ``['left_arm']``, ``['right_arm']``,
            ``[[7, 11, 21, 22, 23, 24]]`` (two hands),
            ``['left_leg', 'right_leg']``, ``['torso']``.
        layout (str | dict): Skeleton layout. Defaults to ``'nturgb+d'``.
        num_parts (int, optional): If given, occlude this many of ``parts``
            chosen at random per sample; else all of them.
        p (float): Probability that the sample is occluded at all.
        seed (int): Seed of the per-sample generator.
        test_mode (bool): Same occlusion of a sample in every epoch.
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
            masks = masks[rng.choice(len(masks), self.num_parts,
                                     replace=False)]
        occluded = masks.any(axis=0)
        _mark_missing(results,
                      np.broadcast_to(occluded, kp.shape[:3]))
        return results

    def _repr_args(self) -> Dict:
        return dict(parts=self.parts, layout=self.layout.name,
                    num_parts=self.num_parts)


@TRANSFORMS.register_module()
class TemporalOcclusion(_LowQualityTransform):
    """Occlude a block of consecutive frames (all joints, all persons).

    Required Keys:
        - keypoint
        - keypoint_score (optional)

    Modified Keys:
        - keypoint
        - keypoint_score (optional)

    Args:
        length (int | tuple[int, int]): Block length in frames, or an
            inclusive range drawn per sample (RA-GCN: 10..50 of 100 frames).
            Clipped to the sequence length.
        center (float, optional): Block centre as a fraction of the sequence
            (RA-GCN: frame 50 of 100 -> 0.5); None for a random position.
        p (float): Probability that the sample is occluded at all.
        seed (int): Seed of the per-sample generator.
        test_mode (bool): Same occlusion of a sample in every epoch.
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
        frames = np.zeros(T, dtype=bool)
        frames[start:start + n] = True
        _mark_missing(results,
                      np.broadcast_to(frames[None, :, None], kp.shape[:3]))
        return results

    def _repr_args(self) -> Dict:
        return dict(length=self.length, center=self.center)


@TRANSFORMS.register_module()
class JointJitter(_LowQualityTransform):
    """Scale-normalised Gaussian joint noise (pyskl protocol).

    Each jittered joint moves along a random direction by a length drawn
    from ``N(0, sigma) * D``, with ``D`` the diagonal of the bounding box of
    the person's present joints, per frame (``scale='frame'``) or over the
    whole video (``scale='video'``). Missing joints stay missing.

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
            all frames (a systematic error); else frames are independent.
        joint_prob (float): Probability that one entry is jittered (1.0 for
            pyskl, lower for RA-GCN's random jitter).
        p (float): Probability that the sample is jittered at all.
        seed (int): Seed of the per-sample generator.
        test_mode (bool): Same noise for a sample in every epoch.
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
        present)."""
        # coordinates first, joints last: the reductions then run over a
        # contiguous axis (4x faster than reducing axis 2 of (M, T, V, C))
        kp = np.ascontiguousarray(np.moveaxis(keypoint, -1, 0))
        axes = -1 if scale == 'frame' else (-2, -1)
        hi = np.where(present, kp, -np.inf).max(axis=axes)
        lo = np.where(present, kp, np.inf).min(axis=axes)
        d = hi - lo  # (C, M, T|)
        diag = np.sqrt(np.einsum('c...,c...->...', d, d))
        diag = np.where(np.isfinite(diag), diag, 0.)
        return diag if scale == 'frame' else diag[:, None]

    def corrupt(self, results: Dict, kp: np.ndarray,
                rng: np.random.Generator) -> Dict:
        if self.sigma == 0:
            return results
        M, T, V, C = kp.shape
        present = _present(results)
        diag = self.bbox_diagonal(kp, present, self.scale)  # (M, T|1)
        shape = (M, 1, V) if self.shared else (M, T, V)
        # float32 draws: about twice as fast as float64, ample precision
        direction = rng.standard_normal(shape + (C, ), dtype=np.float32)
        norm = np.sqrt(np.einsum('...c,...c->...', direction, direction))
        length = self.sigma * rng.standard_normal(shape, dtype=np.float32)
        if self.joint_prob < 1:  # (random() < 1 always holds)
            length = length * (rng.random(shape) < self.joint_prob)
        # one (M, T, V) factor, zero for missing joints (kp + 0 == kp)
        scale = length / np.maximum(norm, 1e-12) * diag[:, :, None] * present
        results['keypoint'] = (kp + scale[..., None] * direction).astype(
            kp.dtype, copy=False)
        return results

    def _repr_args(self) -> Dict:
        return dict(sigma=self.sigma, scale=self.scale, shared=self.shared,
                    joint_prob=self.joint_prob)


@TRANSFORMS.register_module()
class FrameDrop(_LowQualityTransform):
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
        p (float): Probability that the sample is degraded at all.
        seed (int): Seed of the per-sample generator.
        test_mode (bool): Same degradation of a sample in every epoch.
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
            _mark_missing(results,
                          np.broadcast_to(~keep[None, :, None], kp.shape[:3]))
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


@TRANSFORMS.register_module()
class ConvertLayout(BaseTransform):
    """Re-order joints from one layout to another.

    Joints the target layout has and the source lacks are missing (zeros,
    and score 0; a score array is created for 2D data when the source has
    none, so the loss of those joints is visible to the model).

    Required Keys:
        - keypoint
        - keypoint_score (optional)

    Modified Keys:
        - keypoint
        - keypoint_score (optional)

    Added Keys:
        - layout (the target layout name)

    Args:
        source (str | dict): Layout of the incoming keypoints.
        target (str | dict): Layout to produce (``nturgb+d -> kinect_v1``,
            ``kinect_v1 -> nturgb+d``, ``coco -> penn``, ``penn -> coco`` or
            any mapping added with ``register_joint_mapping``).
    """

    def __init__(self, source: Union[str, dict],
                 target: Union[str, dict]) -> None:
        self.source = get_layout(source)
        self.target = get_layout(target)
        self.index = get_joint_mapping(self.source.name, self.target.name)

    def transform(self, results: Dict) -> Dict:
        kp = check_keypoint(results, type(self).__name__,
                            self.source.num_node)
        missing = self.index < 0
        src = np.where(missing, 0, self.index)
        out = kp[:, :, src]
        out[:, :, missing] = 0
        results['keypoint'] = out
        if 'keypoint_score' in results:
            score = results['keypoint_score'][:, :, src]
            score[:, :, missing] = 0
            results['keypoint_score'] = score
        elif missing.any() and kp.shape[-1] == 2:
            score = np.ones(kp.shape[:3], dtype=kp.dtype)[:, :, src]
            score[:, :, missing] = 0
            results['keypoint_score'] = score
        results['layout'] = self.target.name
        return results

    def __repr__(self) -> str:
        return (f'{type(self).__name__}(source={self.source.name!r}, '
                f'target={self.target.name!r})')


@TRANSFORMS.register_module()
class ProjectTo2D(BaseTransform):
    """Turn 3D skeletons into 2D ones (the "2D estimate of a 3D skeleton"
    kind of low quality).

    ``'orthographic'`` keeps ``(x, y)`` (use after ``PreNormalize3D``);
    ``'perspective'`` divides by depth, ``(f * x / z, f * y / z)`` (use on
    camera coordinates, before normalisation). Missing joints stay zero.

    Required Keys:
        - keypoint

    Modified Keys:
        - keypoint

    Args:
        mode (str): ``'orthographic'`` or ``'perspective'``.
        focal (float): Focal length of ``'perspective'``.
    """

    def __init__(self, mode: str = 'orthographic', focal: float = 1.0) -> None:
        if mode not in ('orthographic', 'perspective'):
            raise ValueError(f'unknown projection mode {mode}')
        self.mode, self.focal = mode, float(focal)

    def transform(self, results: Dict) -> Dict:
        kp = check_keypoint(results, type(self).__name__)
        if kp.shape[-1] != 3:
            raise ValueError(f'ProjectTo2D needs 3D keypoints, got C='
                             f'{kp.shape[-1]}')
        if self.mode == 'orthographic':
            results['keypoint'] = np.ascontiguousarray(kp[..., :2])
        else:
            z = kp[..., 2:3]
            safe = np.where(np.abs(z) > 1e-6, z, 1.)
            xy = np.where(np.abs(z) > 1e-6, self.focal * kp[..., :2] / safe, 0)
            results['keypoint'] = xy.astype(kp.dtype)
        return results

    def __repr__(self) -> str:
        return f'{type(self).__name__}(mode={self.mode!r}, focal={self.focal})'


@TRANSFORMS.register_module()
class MaskInvisibleJoints(BaseTransform):
    """Mark the joints a dataset annotates as not visible as missing.

    Penn Action, for instance, gives invisible joints an estimated position
    and visibility 0 (``keypoint_score``); this removes the estimate, which is
    the real low-quality version of the skeleton.

    Required Keys:
        - keypoint
        - keypoint_score

    Modified Keys:
        - keypoint
        - keypoint_score

    Args:
        threshold (float): Joints with ``keypoint_score <= threshold`` are
            missing. Defaults to 0.
    """

    def __init__(self, threshold: float = 0.) -> None:
        self.threshold = float(threshold)

    def transform(self, results: Dict) -> Dict:
        check_keypoint(results, type(self).__name__)
        if 'keypoint_score' not in results:
            raise KeyError('MaskInvisibleJoints needs keypoint_score '
                           f'(sample "{results.get("frame_dir", "?")}")')
        _mark_missing(results, results['keypoint_score'] <= self.threshold)
        return results

    def __repr__(self) -> str:
        return f'{type(self).__name__}(threshold={self.threshold})'


@TRANSFORMS.register_module()
class CopyHighQuality(BaseTransform):
    """Keep a clean copy of the sample for the teacher.

    Put it right before the low-quality transforms; ``PackDistillInputs``
    later formats the copy like the student's input and packs both, so one
    annotation file serves teacher and student.

    Required Keys:
        - keypoint
        - keypoint_score (optional)

    Added Keys:
        - hq_keypoint
        - hq_keypoint_score (optional)
    """

    def transform(self, results: Dict) -> Dict:
        results['hq_keypoint'] = check_keypoint(results,
                                                type(self).__name__).copy()
        if 'keypoint_score' in results:
            results['hq_keypoint_score'] = results['keypoint_score'].copy()
        return results

    def __repr__(self) -> str:
        return f'{type(self).__name__}()'
