"""Relational cross-modality knowledge distillation (IKEM,
docs/method.md#relational-cmkd)."""
import copy
from typing import Dict, Optional, Sequence

import torch
import torch.nn.functional as F
from mmengine.model import ModuleDict

from mmaction.registry import MODELS
from mmaction.utils import ConfigType, OptConfigType
from mmpartkd.structures import IKEM_MODALITIES
from ..ssl.contrastive import relational_kd_loss
from ..ssl.feature_queue import FeatureQueue
from ..ssl.multimodal_moco import mlp
from ..ssl.normal_init import normal_init_
from ..ssl.two_view import TwoViewMixin
from ..utils import check_modalities, pool_gcn_feature, select_modality
from .base import ModelSpec, TeacherStudentBase

__all__ = ['RelationalCMKD']

_CONCAT = 'teacher_concat'


@MODELS.register_module()
class RelationalCMKD(TwoViewMixin, TeacherStudentBase):
    """Distil a frozen multi-modality teacher into student encoders.

    Teacher: a :class:`MultiModalMoCo` (six modalities in IKEM) loaded from
    ``teacher_ckpt`` and frozen (:class:`TeacherStudentBase`: loaded
    strictly, no gradients, always in eval mode, never re-initialised), run
    under ``torch.no_grad()``. Its embedding of a sample is ``t =
    normalize(cat_x z_x)`` with ``z_x`` the normalised query embedding of
    modality ``x`` on view 0.

    Student: one encoder (``backbone``) per student modality (joint,
    motion, bone in IKEM) on view 1, with a head ``feat -> hidden -> D_T``
    (``D_T = sum`` of the teacher's embedding dims; derived, no hidden
    ``768 = 3 * 256 = 6 * 128``), output ``u_s`` normalised.

    Loss (``loss_<s>`` per student modality, summed by mmengine): the mean
    over teacher modalities ``x`` of :func:`relational_kd_loss` with logits
    ``[u_s.t, u_s Q_T^T, (z_x Q_x^T) * (u_s Q_T^T)] / tau``, positives the
    sample and the top-k neighbours of ``z_x`` in **modality x's own queue**
    ``Q_x`` (upstream read the bone queue for angular velocity), negatives
    the queue ``Q_T`` of past teacher embeddings. ``Q_x`` and ``Q_T`` are
    aligned rows of one :class:`FeatureQueue` (gathered over ranks).

    The student weights are ``encoders.<s>.*`` in the checkpoint, like a
    :class:`MultiModalMoCo`'s, so the same linear-evaluation config
    (``MultiModalRecognizerGCN(pretrained=...)``) evaluates both.

    Inputs: ``(N, 2 views, M, T, V, C * K)`` with channel groups
    ``input_modalities`` (the teacher's modalities must be among them).

    Args:
        teacher (dict | str): Teacher config (``MultiModalMoCo``) or config
            file path (e.g. the IKEM pre-training config).
        backbone (dict): Student backbone config.
        teacher_ckpt (str): Teacher checkpoint (required; loaded strictly
            when the distiller is built).
        student_modalities (Sequence[str]): Student encoders.
        input_modalities (Sequence[str]): Channel groups of the input.
        in_channels (int): Channels per modality. Defaults to 3.
        feat_dim (int): Output channels of the student backbone.
        head_hidden_dim (int, optional): Student head hidden dim; defaults to
            ``D_T`` (upstream 256 -> 768 -> 768).
        queue_size (int): Entries of the teacher queues.
        temperature (float): Softmax temperature.
        topk (int): Neighbours mined per teacher modality.
        context (bool): Use the context logits.
        init_std (float, optional): Re-draw the student encoders and heads
            with :func:`normal_init_` (upstream: 0.02); never the teacher.
        data_preprocessor (dict, optional): Defaults to
            ``ActionDataPreprocessor``.
        init_cfg (dict, optional): Must be None (see
            :class:`TeacherStudentBase`).
    """

    teacher_config_hint = 'configs/ikem/ikem-pretrain_*.py'
    teacher_ckpt_example = 'work_dirs/<ikem-pretrain>/epoch_N.pth'

    def __init__(self,
                 teacher: ModelSpec,
                 backbone: ConfigType,
                 teacher_ckpt: Optional[str] = None,
                 student_modalities: Sequence[str] = ('joint', 'motion',
                                                      'bone'),
                 input_modalities: Sequence[str] = IKEM_MODALITIES,
                 in_channels: int = 3,
                 feat_dim: int = 64,
                 head_hidden_dim: Optional[int] = None,
                 queue_size: int = 32768,
                 temperature: float = 0.07,
                 topk: int = 1,
                 context: bool = True,
                 init_std: Optional[float] = None,
                 data_preprocessor: OptConfigType = None,
                 init_cfg: OptConfigType = None) -> None:
        super().__init__(data_preprocessor, init_cfg)
        self.init_std = init_std
        self.input_modalities = tuple(input_modalities)
        self.student_modalities = tuple(student_modalities)
        self.in_channels = in_channels
        self.temperature = temperature
        self.topk = topk
        self.context = context

        self.build_teacher(
            teacher, teacher_ckpt, input_modalities=self.input_modalities)
        self.teacher_modalities = tuple(self.teacher.modalities)
        for name, mods in (('student', self.student_modalities),
                           ('teacher', self.teacher_modalities)):
            check_modalities(mods, self.input_modalities, f'{name} ')

        teacher_dims = dict(self.teacher.proj_dims)
        self.teacher_dim = sum(teacher_dims.values())
        self.encoders = ModuleDict({
            s: MODELS.build(copy.deepcopy(backbone))
            for s in self.student_modalities
        })
        self.heads = ModuleDict({
            s: mlp(feat_dim, head_hidden_dim or self.teacher_dim,
                   self.teacher_dim)
            for s in self.student_modalities
        })
        self.queue = FeatureQueue({
            **teacher_dims, _CONCAT: self.teacher_dim
        }, queue_size)

    def init_weights(self) -> None:
        """Initialise the student side (the teacher stays as loaded)."""
        super().init_weights()
        if self.init_std is not None:
            normal_init_(self.encoders, self.init_std)
            normal_init_(self.heads, self.init_std)

    @torch.no_grad()
    def teacher_embed(self, x: torch.Tensor
                      ) -> (Dict[str, torch.Tensor], torch.Tensor):
        """Teacher embeddings ``z_x`` per modality and ``t`` (normalised
        concatenation) of one view ``(N, M, T, V, C * K)``."""
        z = self.teacher.embed(x)
        t = F.normalize(
            torch.cat([z[m] for m in self.teacher_modalities], 1), dim=1)
        return z, t

    def student_embed(self, x: torch.Tensor) -> Dict[str, torch.Tensor]:
        """Normalised student embeddings ``u_s`` ``(N, D_T)``."""
        out = {}
        for s in self.student_modalities:
            feat = pool_gcn_feature(self.encoders[s](select_modality(
                x, self.input_modalities, s, self.in_channels)))
            out[s] = F.normalize(self.heads[s](feat), dim=1)
        return out

    def extract_feat(self, x: torch.Tensor) -> Dict[str, torch.Tensor]:
        """What ``mode='tensor'`` returns: :meth:`student_embed`."""
        return self.student_embed(x)

    def loss(self, inputs: torch.Tensor, data_samples=None) -> Dict:
        x_t, x_s = self.split_views(inputs)
        z, t = self.teacher_embed(x_t)
        u = self.student_embed(x_s)
        queue_t = self.queue.get(_CONCAT)
        queues = {x: self.queue.get(x) for x in self.teacher_modalities}
        losses = {}
        for s in self.student_modalities:
            per_x = [
                relational_kd_loss(u[s], t, queue_t, z[x], queues[x],
                                   self.temperature, self.topk,
                                   self.context).mean()
                for x in self.teacher_modalities
            ]
            losses[f'loss_{s}'] = torch.stack(per_x).mean()
        self.queue.enqueue({**z, _CONCAT: t})
        return losses
