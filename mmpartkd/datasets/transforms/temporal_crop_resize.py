"""Random temporal crop resized back to a fixed length (SSL augmentation)."""
from typing import Dict, Optional, Tuple

import numpy as np
from mmcv.transforms import BaseTransform

from mmaction.registry import TRANSFORMS
from .ikem_normalize import resize_frames
from .utils import sample_rng

__all__ = ['TemporalCropResize']


@TRANSFORMS.register_module()
class TemporalCropResize(BaseTransform):
    """Crop a random window of the clip and resize it to ``clip_len``.

    A ratio ``r ~ U(*ratio)`` of the ``T`` frames, starting at a uniform
    random frame, is resampled linearly to ``clip_len`` frames. The time
    scale is updated so that motion-like modalities keep physical units:
    ``time_scale *= clip_len / (r * T)``.

    Upstream CrosSCLR/IKEM crop a window of the same length out of a
    reflect-padded clip (``temperal_padding_ratio=6``); the crop-resize of
    AimCLR/CMD is used here (a view may cover a shorter or longer span).

    Required Keys:
        - keypoint ``(M, T, V, C)``
        - time_scale (optional, default 1.0)
        - keypoint_score (optional)

    Modified Keys:
        - keypoint ``(M, clip_len, V, C)``, keypoint_score, total_frames,
          time_scale

    Args:
        clip_len (int, optional): Output frames; defaults to the input's.
        ratio (tuple[float, float]): Range of the cropped fraction.
        seed (int): Seed of the per-sample generator (see ``sample_rng``).
        test_mode (bool): Same crop for a sample in every epoch.
    """

    def __init__(self,
                 clip_len: Optional[int] = None,
                 ratio: Tuple[float, float] = (0.5, 1.0),
                 seed: int = 0,
                 test_mode: bool = False) -> None:
        if not 0 < ratio[0] <= ratio[1] <= 1:
            raise ValueError(f'ratio must satisfy 0 < lo <= hi <= 1, got '
                             f'{ratio}')
        self.clip_len = clip_len
        self.ratio = tuple(float(r) for r in ratio)
        self.seed = seed
        self.test_mode = test_mode

    def transform(self, results: Dict) -> Dict:
        keypoint = results['keypoint']
        T = keypoint.shape[1]
        clip_len = self.clip_len or T
        rng = sample_rng(results, self.seed, 'TemporalCropResize',
                         self.test_mode)
        r = rng.uniform(*self.ratio)
        length = float(np.clip(r * T, 2, T))
        start = rng.uniform(0, T - length)
        results['keypoint'] = resize_frames(keypoint, clip_len, 1, start,
                                            length)
        if 'keypoint_score' in results:
            results['keypoint_score'] = resize_frames(
                results['keypoint_score'], clip_len, 1, start, length)
        results['time_scale'] = results.get('time_scale', 1.) * \
            clip_len / length
        results['total_frames'] = clip_len
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(clip_len={self.clip_len}, '
                f'ratio={self.ratio}, seed={self.seed}, '
                f'test_mode={self.test_mode})')
