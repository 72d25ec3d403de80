"""Multi-modality MoCo with cross-modal positive mining and IKEM."""
import copy
from typing import Dict, Mapping, Optional, Sequence, Union

import torch
import torch.nn.functional as F
from mmengine.model import ModuleDict
from torch import nn

from mmaction.registry import MODELS
from mmaction.utils import ConfigType, OptConfigType
from mmpartkd.structures import IKEM_MODALITIES
from ..utils import pool_gcn_feature
from .contrastive import cross_modal_loss, ikem_loss, info_nce
from .feature_queue import FeatureQueue
from .multimodal_base import MultiModalBase
from .normal_init import normal_init_
from .two_view import TwoViewMixin

__all__ = ['MultiModalMoCo', 'mlp']

PHASES = ('independent', 'cross')
MOMENTUM_INITS = ('copy', 'independent')


def mlp(in_dim: int, hidden_dim: int, out_dim: int) -> nn.Sequential:
    """``Linear -> ReLU -> Linear`` (MoCo v2 / IKEM heads)."""
    return nn.Sequential(
        nn.Linear(in_dim, hidden_dim), nn.ReLU(inplace=True),
        nn.Linear(hidden_dim, out_dim))


@MODELS.register_module()
class MultiModalMoCo(TwoViewMixin, MultiModalBase):
    """Multi-modality MoCo v2 (SkeletonCLR per modality), CrosSCLR's
    cross-modal positive mining and IKEM (docs/method.md#ikem-pretraining).

    One encoder (any mmaction2 GCN backbone built from ``backbone``) and
    one projection MLP per modality, a momentum copy of both, and aligned
    per-modality queues of momentum keys (:class:`FeatureQueue`).

    * ``phase='independent'``: per modality, MoCo InfoNCE between the
      query view and the momentum key of the other view against that
      modality's queue (``loss_<m>``).
    * ``phase='cross'`` (set by ``IKEMPhaseSwitchHook``): per modality
      ``x``, the mean over the other modalities ``y`` of CrosSCLR's
      cross-modal loss (``y``'s top-k neighbours as extra positives,
      context logits ``l_x * l_y``) -> ``loss_<x>``; plus IKEM
      (``loss_ikem_<x>``): the pooled feature of ``x`` through its own
      MLP must match the normalised concatenation of all momentum keys of
      the same sample against the concatenated queues.

    All momentum encoders (and momentum projectors) are updated at every
    step of both phases (upstream froze the joint, bone and rotation-axis
    key encoders in phase 2 -- a defect). Only the query encoders, the
    projectors and the IKEM heads receive gradients.

    Initialisation: by default (MoCo) the momentum side starts as a copy
    of the query side. Upstream re-draws the whole model after building it
    (:func:`normal_init_`, ``N(0, 0.02)``), so its key encoders start from
    their own draws: ``init_std=0.02, momentum_init='independent'``.

    Inputs: ``(N, V_views, M, T, V, C * K)`` packed by
    ``MultiView`` + ``GenSkeModalities``; view 0 is the query, view 1 the
    key; channel group ``k`` is ``input_modalities[k]``.

    Args:
        backbone (dict): Backbone config, ``in_channels`` per modality.
        modalities (Sequence[str]): Modalities with an encoder.
        input_modalities (Sequence[str], optional): Channel groups of the
            input, defaults to ``modalities``.
        in_channels (int): Channels per modality. Defaults to 3.
        feat_dim (int): Output channels of the backbone (pooled feature).
        proj_dim (int | dict): Embedding dim, one for all or per modality.
        proj_hidden_dim (int, optional): Projector hidden dim, defaults to
            ``feat_dim`` (MoCo v2).
        queue_size (int): Entries per queue (shared, queues are aligned).
        momentum (float): Momentum of the key encoders.
        temperature (float): Softmax temperature.
        topk (int): Neighbours mined per other modality in phase 2.
        context (bool): Use the context logits ``l_x * l_y``.
        use_ikem (bool): Add the IKEM loss in phase 2.
        ikem_dim (int, optional): Must equal the concatenated key dim
            ``sum(proj_dim)``; derived when None (checked when given).
        ikem_hidden_dim (int, optional): IKEM MLP hidden dim; defaults to
            the concatenated key dim (upstream 256 -> 768 -> 768).
        ikem_weight (float): Weight of the IKEM loss.
        phase (str): Initial phase, ``'independent'`` or ``'cross'``.
        init_std (float, optional): Re-draw every conv / linear / BN layer
            with :func:`normal_init_` (upstream: 0.02) after the default
            initialisation; None keeps the modules' own initialisation.
        momentum_init (str): ``'copy'``: the momentum encoders and
            projectors start as copies of the query ones (MoCo);
            ``'independent'``: they are built and initialised on their own
            (upstream).
        data_preprocessor (dict, optional): Defaults to
            ``ActionDataPreprocessor``.
        init_cfg (dict, optional): Initialisation config.
    """

    def __init__(self,
                 backbone: ConfigType,
                 modalities: Sequence[str] = IKEM_MODALITIES,
                 input_modalities: Optional[Sequence[str]] = None,
                 in_channels: int = 3,
                 feat_dim: int = 64,
                 proj_dim: Union[int, Mapping[str, int]] = 128,
                 proj_hidden_dim: Optional[int] = None,
                 queue_size: int = 32768,
                 momentum: float = 0.999,
                 temperature: float = 0.07,
                 topk: int = 1,
                 context: bool = True,
                 use_ikem: bool = True,
                 ikem_dim: Optional[int] = None,
                 ikem_hidden_dim: Optional[int] = None,
                 ikem_weight: float = 1.0,
                 phase: str = 'independent',
                 init_std: Optional[float] = None,
                 momentum_init: str = 'copy',
                 data_preprocessor: OptConfigType = None,
                 init_cfg: OptConfigType = None) -> None:
        super().__init__(modalities, input_modalities, in_channels,
                         data_preprocessor, init_cfg)
        self.feat_dim = feat_dim
        self.proj_dims = {
            m: int(proj_dim[m] if isinstance(proj_dim, Mapping) else proj_dim)
            for m in self.modalities
        }
        self.momentum = momentum
        self.temperature = temperature
        self.topk = topk
        self.context = context
        self.use_ikem = use_ikem and len(self.modalities) > 1
        self.ikem_weight = ikem_weight

        self.encoders = ModuleDict(
            {m: MODELS.build(copy.deepcopy(backbone))
             for m in self.modalities})
        hidden = proj_hidden_dim or feat_dim
        self.projectors = ModuleDict({
            m: mlp(feat_dim, hidden, self.proj_dims[m])
            for m in self.modalities
        })
        if momentum_init not in MOMENTUM_INITS:
            raise ValueError(f'momentum_init must be one of '
                             f'{MOMENTUM_INITS}, got {momentum_init!r}')
        self.momentum_init = momentum_init
        self.init_std = init_std
        if momentum_init == 'copy':
            self.encoders_k = copy.deepcopy(self.encoders)
            self.projectors_k = copy.deepcopy(self.projectors)
        else:  # their own construction-time draws
            self.encoders_k = ModuleDict(
                {m: MODELS.build(copy.deepcopy(backbone))
                 for m in self.modalities})
            self.projectors_k = ModuleDict({
                m: mlp(feat_dim, hidden, self.proj_dims[m])
                for m in self.modalities
            })
        for p in list(self.encoders_k.parameters()) + list(
                self.projectors_k.parameters()):
            p.requires_grad = False

        self.cat_dim = sum(self.proj_dims.values())
        if self.use_ikem:
            if ikem_dim is not None and ikem_dim != self.cat_dim:
                raise ValueError(
                    f'ikem_dim={ikem_dim} must equal the concatenated key '
                    f'dim sum(proj_dim)={self.cat_dim}')
            self.ikem_heads = ModuleDict({
                m: mlp(feat_dim, ikem_hidden_dim or self.cat_dim,
                       self.cat_dim)
                for m in self.modalities
            })
        self.queue = FeatureQueue(self.proj_dims, queue_size)
        self.phase = 'independent'
        self.set_phase(phase)

    # ------------------------------------------------------------------
    def init_weights(self) -> None:
        """Initialise every module (then :func:`normal_init_` with
        ``init_std``); with ``momentum_init='copy'`` copy the query side
        into the momentum side."""
        super().init_weights()
        if self.init_std is not None:
            normal_init_(self, self.init_std)
        if self.momentum_init == 'copy':
            self._copy_to_momentum()

    @torch.no_grad()
    def _copy_to_momentum(self) -> None:
        for q, k in ((self.encoders, self.encoders_k),
                     (self.projectors, self.projectors_k)):
            for pq, pk in zip(q.parameters(), k.parameters()):
                pk.data.copy_(pq.data)

    def set_phase(self, phase: str) -> None:
        """Switch between ``'independent'`` and ``'cross'`` training."""
        if phase not in PHASES:
            raise ValueError(f'phase must be one of {PHASES}, got {phase}')
        self.phase = phase

    @torch.no_grad()
    def momentum_update(self) -> None:
        """EMA update of every momentum encoder and projector."""
        m = self.momentum
        for q, k in ((self.encoders, self.encoders_k),
                     (self.projectors, self.projectors_k)):
            for pq, pk in zip(q.parameters(), k.parameters()):
                pk.data.mul_(m).add_(pq.data, alpha=1. - m)

    # ------------------------------------------------------------------
    def extract_feat(self, x: torch.Tensor,
                     modalities: Optional[Sequence[str]] = None
                     ) -> Dict[str, torch.Tensor]:
        """Pooled query-encoder features ``(N, feat_dim)`` per modality of
        one view ``x`` ``(N, M, T, V, C * K)``."""
        return {
            m: pool_gcn_feature(self.encoders[m](self.select(x, m)))
            for m in (modalities or self.modalities)
        }

    def embed(self, x: torch.Tensor) -> Dict[str, torch.Tensor]:
        """L2-normalised query embeddings ``(N, proj_dim)`` per modality
        (what a distillation teacher provides)."""
        feats = self.extract_feat(x)
        return {
            m: F.normalize(self.projectors[m](f), dim=1)
            for m, f in feats.items()
        }

    @torch.no_grad()
    def _keys(self, x: torch.Tensor) -> Dict[str, torch.Tensor]:
        return {
            m: F.normalize(
                self.projectors_k[m](pool_gcn_feature(
                    self.encoders_k[m](self.select(x, m)))),
                dim=1)
            for m in self.modalities
        }

    def loss(self, inputs: torch.Tensor, data_samples=None) -> Dict:
        """Contrastive losses of one batch; updates momentum encoders and
        queues. ``inputs``: ``(N, views >= 2, M, T, V, C * K)``."""
        x_q, x_k = self.split_views(inputs)
        feats = self.extract_feat(x_q)
        q = {
            m: F.normalize(self.projectors[m](f), dim=1)
            for m, f in feats.items()
        }
        self.momentum_update()
        k = self._keys(x_k)
        queues = {m: self.queue.get(m) for m in self.modalities}
        losses = {}
        if self.phase == 'independent' or len(self.modalities) == 1:
            for m in self.modalities:
                losses[f'loss_{m}'] = info_nce(q[m], k[m], queues[m],
                                               self.temperature)
        else:
            for x in self.modalities:
                per_y = [
                    cross_modal_loss(q[x], k[x], queues[x], q[y], queues[y],
                                     self.temperature, self.topk,
                                     self.context).mean()
                    for y in self.modalities if y != x
                ]
                losses[f'loss_{x}'] = torch.stack(per_y).mean()
            if self.use_ikem:
                cat_k = F.normalize(
                    torch.cat([k[m] for m in self.modalities], 1), dim=1)
                cat_queue = F.normalize(
                    torch.cat([queues[m] for m in self.modalities], 1), dim=1)
                for x in self.modalities:
                    u = F.normalize(self.ikem_heads[x](feats[x]), dim=1)
                    losses[f'loss_ikem_{x}'] = self.ikem_weight * ikem_loss(
                        u, cat_k, cat_queue, self.temperature)
        self.queue.enqueue(k)
        return losses
