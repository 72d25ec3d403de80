"""Per-modality GCN recognizer with logit averaging (linear evaluation)."""
import copy
from typing import Dict, List, Optional, Sequence

import torch
from mmengine.model import ModuleDict

from mmaction.registry import MODELS
from mmaction.utils import ConfigType, OptConfigType
from .multimodal_base import MultiModalBase

__all__ = ['MultiModalRecognizerGCN']

LOSS_MODES = ('mean_logits', 'per_modality')


@MODELS.register_module()
class MultiModalRecognizerGCN(MultiModalBase):
    """One backbone and one classification head per modality; the
    prediction is the mean of the per-modality logits.

    For linear evaluation (IKEM, SkeletonCLR protocol) the backbones are
    loaded from a self-supervised checkpoint and frozen: ``pretrained``
    gives every backbone ``init_cfg=dict(type='Pretrained',
    checkpoint=pretrained, prefix=pretrained_prefix.format(modality=m))``
    (``encoders.<m>.`` matches :class:`MultiModalMoCo` and
    :class:`RelationalCMKD` checkpoints); with ``frozen=True`` the backbones
    get no gradient and stay in eval mode (BN statistics untouched), so
    only the heads' fc layers learn (docs/method.md#linear-evaluation).

    Prediction averages the raw logits over modalities, then ``GCNHead``
    averages clips. Training, ``loss_mode='mean_logits'`` (upstream): one
    cross-entropy on the averaged logits (``loss_cls``), so the heads are
    trained jointly; ``'per_modality'``: the sum of one cross-entropy per
    head on its own logits (``loss_cls_<m>``, independent heads).

    Inputs: ``(N, num_clips, M, T, V, C * K)`` packed by
    ``GenSkeModalities``; channel group ``k`` is ``input_modalities[k]``.

    Args:
        backbone (dict): Backbone config (one copy per modality).
        cls_head (dict): Head config (one copy per modality), e.g.
            ``GCNHead``.
        modalities (Sequence[str]): Modalities used.
        input_modalities (Sequence[str], optional): Channel groups of the
            input; defaults to ``modalities``.
        in_channels (int): Channels per modality. Defaults to 3.
        pretrained (str, optional): Self-supervised checkpoint.
        pretrained_prefix (str): Prefix template of each backbone's weights
            in ``pretrained``.
        frozen (bool): Freeze the backbones (linear evaluation).
        loss_mode (str): ``'mean_logits'`` (upstream) or
            ``'per_modality'``, see above.
        data_preprocessor (dict, optional): Defaults to
            ``ActionDataPreprocessor``.
        init_cfg (dict, optional): Initialisation config.
    """

    def __init__(self,
                 backbone: ConfigType,
                 cls_head: ConfigType,
                 modalities: Sequence[str] = ('joint', ),
                 input_modalities: Optional[Sequence[str]] = None,
                 in_channels: int = 3,
                 pretrained: Optional[str] = None,
                 pretrained_prefix: str = 'encoders.{modality}.',
                 frozen: bool = True,
                 loss_mode: str = 'mean_logits',
                 data_preprocessor: OptConfigType = None,
                 init_cfg: OptConfigType = None) -> None:
        super().__init__(modalities, input_modalities, in_channels,
                         data_preprocessor, init_cfg)
        self.frozen = frozen
        if loss_mode not in LOSS_MODES:
            raise ValueError(f'loss_mode must be one of {LOSS_MODES}, got '
                             f'{loss_mode!r}')
        self.loss_mode = loss_mode
        backbones = {}
        for m in self.modalities:
            cfg = copy.deepcopy(backbone)
            if pretrained:
                cfg['init_cfg'] = dict(
                    type='Pretrained',
                    checkpoint=pretrained,
                    prefix=pretrained_prefix.format(modality=m))
            backbones[m] = MODELS.build(cfg)
        self.backbones = ModuleDict(backbones)
        self.cls_heads = ModuleDict(
            {m: MODELS.build(copy.deepcopy(cls_head))
             for m in self.modalities})
        if frozen:
            for p in self.backbones.parameters():
                p.requires_grad = False

    def train(self, mode: bool = True) -> 'MultiModalRecognizerGCN':
        """Keep frozen backbones in eval mode."""
        super().train(mode)
        if self.frozen:
            self.backbones.eval()
        return self

    def extract_feat(self, inputs: torch.Tensor) -> Dict[str, torch.Tensor]:
        """Backbone features ``(N * num_clips, M, C, T, V)`` per modality."""
        x = inputs.reshape((-1, ) + inputs.shape[2:])
        with torch.set_grad_enabled(torch.is_grad_enabled()
                                    and not self.frozen):
            return {
                m: self.backbones[m](self.select(x, m))
                for m in self.modalities
            }

    def mean_logits(self, feats: Dict[str, torch.Tensor]) -> torch.Tensor:
        """Mean over modalities of the heads' logits ``(N * num_clips,
        num_classes)``."""
        return torch.stack([
            self.cls_heads[m](feats[m]) for m in self.modalities
        ]).mean(0)

    def loss(self, inputs: torch.Tensor, data_samples: List) -> Dict:
        feats = self.extract_feat(inputs)
        if self.loss_mode == 'mean_logits':
            return self.cls_heads[self.modalities[0]].loss_by_feat(
                self.mean_logits(feats), data_samples)
        losses = {}
        for m in self.modalities:
            for key, value in self.cls_heads[m].loss(feats[m],
                                                     data_samples).items():
                losses[f'{key}_{m}'] = value
        return losses

    def predict(self, inputs: torch.Tensor, data_samples: List) -> List:
        return self.cls_heads[self.modalities[0]].predict_by_feat(
            self.mean_logits(self.extract_feat(inputs)), data_samples)

    def forward(self,
                inputs: torch.Tensor,
                data_samples: Optional[List] = None,
                mode: str = 'tensor'):
        if mode == 'loss':
            return self.loss(inputs, data_samples)
        if mode == 'predict':
            return self.predict(inputs, data_samples)
        if mode == 'tensor':
            return self.mean_logits(self.extract_feat(inputs))
        raise RuntimeError(f'Invalid mode "{mode}"')
