"""Several augmented views of one sample, stacked as clips."""
import copy
from typing import Dict, List, Sequence, Union

import numpy as np
from mmcv.transforms import BaseTransform, Compose

from mmaction.registry import TRANSFORMS

__all__ = ['MultiView']


@TRANSFORMS.register_module()
class MultiView(BaseTransform):
    """Run a sub-pipeline ``num_views`` times on copies of a sample and stack
    the resulting ``keypoint`` arrays along the clip axis.

    Used for contrastive self-supervision: with a sub-pipeline ending in
    ``FormatGCNInput`` every view is ``(1, M, T, V, C)`` and the output is
    ``(num_views, M, T, V, C)``; after ``PackActionInputs`` a batch is
    ``(N, num_views, M, T, V, C)`` and view ``i`` is ``inputs[:, i]``.

    Required Keys:
        - whatever the sub-pipeline needs

    Modified Keys:
        - keypoint ``(num_views * nc, M, T, V, C)``
        - num_clips (``num_views * nc``)

    Added Keys:
        - view_time_scales (list[float]): ``time_scale`` of every view

    Args:
        transforms (Sequence[dict | callable]): The per-view sub-pipeline.
        num_views (int): Number of views. Defaults to 2.
    """

    def __init__(self, transforms: Sequence[Union[dict, callable]],
                 num_views: int = 2) -> None:
        if num_views < 1:
            raise ValueError('num_views must be >= 1')
        self.pipeline = Compose(list(transforms))
        self.num_views = num_views

    def transform(self, results: Dict) -> Dict:
        views: List[Dict] = [
            self.pipeline(copy.deepcopy(results))
            for _ in range(self.num_views)
        ]
        shapes = {v['keypoint'].shape for v in views}
        if len(shapes) != 1:
            raise ValueError(f'MultiView: views have different shapes '
                             f'{shapes}; give every view a fixed clip_len')
        out = views[0]
        kp = [v['keypoint'] for v in views]
        if kp[0].ndim == 4:  # not formatted: (M, T, V, C) -> (1, M, T, V, C)
            kp = [k[None] for k in kp]
        out['keypoint'] = np.ascontiguousarray(np.concatenate(kp, axis=0))
        out['num_clips'] = out['keypoint'].shape[0]
        out['view_time_scales'] = [v.get('time_scale', 1.) for v in views]
        return out

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(num_views={self.num_views}, '
                f'pipeline={self.pipeline})')
