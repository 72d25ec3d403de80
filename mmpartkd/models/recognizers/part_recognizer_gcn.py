"""A GCN recognizer that really calls its neck."""
from typing import Dict, Tuple

import torch

from mmaction.models import RecognizerGCN
from mmaction.registry import MODELS

__all__ = ['PartRecognizerGCN']


@MODELS.register_module()
class PartRecognizerGCN(RecognizerGCN):
    """``RecognizerGCN`` whose ``extract_feat`` supports a ``'neck'`` stage.

    The stock ``RecognizerGCN`` never calls ``self.neck``. Here the neck (e.g.
    :class:`PartPoolNeck`) is an auxiliary branch on the backbone features:
    ``stage='neck'`` returns its output (part embeddings ``(B*nc, P, D)``),
    while the classification head keeps reading the backbone features, so
    training and testing the recognizer alone work exactly as with the
    stock recognizer (``tools/test.py STUDENT_CONFIG ckpt``).

    Stages (default ``'backbone'``, which ``loss``/``predict`` use):
    ``'backbone'`` -> ``(B*nc, M, C, T, V)``; ``'neck'`` -> neck
    output; ``'head'`` -> class scores ``(B*nc, K)``.
    """

    def extract_feat(self,
                     inputs: torch.Tensor,
                     stage: str = 'backbone',
                     **kwargs) -> Tuple:
        if stage not in ('backbone', 'neck', 'head'):
            raise ValueError(f'stage must be backbone, neck or head, got '
                             f'"{stage}"')
        bs, nc = inputs.shape[:2]
        x = self.backbone(inputs.reshape((bs * nc, ) + inputs.shape[2:]))
        kwargs_out: Dict = dict()
        if stage == 'backbone':
            return x, kwargs_out
        if stage == 'neck':
            if not self.with_neck:
                raise ValueError('stage="neck" needs a recognizer with a neck')
            return self.neck(x), kwargs_out
        if self.with_cls_head:
            return self.cls_head(x), kwargs_out
        return x, kwargs_out
