"""Random shear of skeleton coordinates (SSL augmentation)."""
from typing import Dict

import numpy as np
from mmcv.transforms import BaseTransform

from mmaction.registry import TRANSFORMS
from .utils import sample_rng

__all__ = ['RandomShear']


@TRANSFORMS.register_module()
class RandomShear(BaseTransform):
    """Apply a random shear ``x' = S x`` to every joint (CrosSCLR's shear).

    ``S`` has ones on the diagonal and off-diagonal entries drawn from
    ``U(-amplitude, amplitude)``; one ``S`` per sample (and per call, so two
    views of a sample get different shears). Absent (all-zero) joints stay
    zero because the map is linear. Works for 2D and 3D.

    Required Keys:
        - keypoint ``(M, T, V, C)``

    Modified Keys:
        - keypoint (float32)

    Args:
        amplitude (float): Off-diagonal range. Defaults to 0.5 (upstream).
        seed (int): Seed of the per-sample generator (see ``sample_rng``).
        test_mode (bool): Same shear for a sample in every epoch.
    """

    def __init__(self, amplitude: float = 0.5, seed: int = 0,
                 test_mode: bool = False) -> None:
        if amplitude < 0:
            raise ValueError('amplitude must be >= 0')
        self.amplitude = float(amplitude)
        self.seed = seed
        self.test_mode = test_mode

    def transform(self, results: Dict) -> Dict:
        keypoint = np.asarray(results['keypoint'], dtype=np.float32)
        C = keypoint.shape[-1]
        rng = sample_rng(results, self.seed, 'RandomShear', self.test_mode)
        S = np.eye(C) + rng.uniform(-self.amplitude, self.amplitude,
                                    (C, C)) * (1 - np.eye(C))
        results['keypoint'] = (keypoint @ S.T).astype(np.float32)
        results['shear'] = S
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(amplitude={self.amplitude}, '
                f'seed={self.seed}, test_mode={self.test_mode})')
