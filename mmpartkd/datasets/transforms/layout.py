"""Transforms between skeleton representations: joint layouts
(docs/method.md#part-matching), 3D -> 2D projection and dataset visibility
flags turned into missing joints."""
from typing import Dict, Optional, Sequence, Union

import numpy as np
from mmcv.transforms import BaseTransform

from mmaction.registry import TRANSFORMS
from mmpartkd.structures import (get_joint_mapping, get_layout,
                                 register_joint_mapping)
from .utils import check_keypoint, mark_missing

__all__ = ['ConvertLayout', 'ProjectTo2D', 'MaskInvisibleJoints']


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
        - keypoint (the joints of the target layout)
        - keypoint_score (optional; created for 2D input when the target
          has joints the source lacks)

    Added Keys:
        - layout (the target layout name)

    Args:
        source (str | dict): Layout of the incoming keypoints.
        target (str | dict): Layout to produce (``nturgb+d -> kinect_v1``,
            ``kinect_v1 -> nturgb+d``, ``coco -> penn``, ``penn -> coco`` or
            any mapping added with ``register_joint_mapping``).
        mapping (Sequence[int], optional): For each target joint, the source
            joint it is read from, or -1 (missing). Registers the mapping
            (``register_joint_mapping``), so a config can convert to a
            layout it declares inline; a mapping that contradicts one
            already registered raises ``ValueError``.
    """

    def __init__(self, source: Union[str, dict], target: Union[str, dict],
                 mapping: Optional[Sequence[int]] = None) -> None:
        self.source = get_layout(source)
        self.target = get_layout(target)
        if mapping is not None:
            register_joint_mapping(self.source.name, self.target.name,
                                   mapping)
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
        mark_missing(results, results['keypoint_score'] <= self.threshold)
        return results

    def __repr__(self) -> str:
        return f'{type(self).__name__}(threshold={self.threshold})'
