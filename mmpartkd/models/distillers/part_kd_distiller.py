"""Part-level knowledge distillation from a high-quality teacher into a
low-quality student (docs/method.md#partkd)."""
from typing import Dict, Optional

import torch
import torch.nn as nn
from mmengine.dist import get_world_size
from mmengine.logging import MessageHub

from mmaction.registry import MODELS
from mmaction.utils import OptSampleList, SampleList
from mmpartkd.utils import file_sha256
from ..utils import BlockRecorder, all_reduce_sum, pool_gcn_feature
from .base import ModelSpec, TeacherStudentBase, build_model_cfg
from .teacher_cache import TeacherCache

__all__ = ['PartKDDistiller', 'paired_mask']


def _pooled_at(part_block: Optional[int]) -> str:
    return 'the backbone output' if part_block is None else \
        f'block {part_block}'


def paired_mask(sample_idx: torch.Tensor, paired_ratio: float,
                seed: int = 0) -> torch.Tensor:
    """Which samples keep their high-quality twin: a fixed property of each
    sample (a hash of its dataset index), so the same ``paired_ratio``
    fraction of the training set is paired in every epoch and every run."""
    h = (sample_idx.long() * 2654435761 + seed * 97531 + 12345) % (2**32)
    return (h.double() / 2**32) < paired_ratio


@MODELS.register_module()
class PartKDDistiller(TeacherStudentBase):
    """Distil a frozen high-quality teacher into a low-quality student.

    The packed sample (``PackDistillInputs``) carries the student's
    low-quality tensor as ``inputs`` and the teacher's high-quality copy of
    the same sample as ``data_sample.hq_inputs``. Losses:

    - ``loss_cls``: the student's classification loss (every sample);
    - ``loss_part_contrast``: the part-level multi-sample contrastive loss
      (``part_head``, :class:`PartContrastHead`), student part embeddings of
      every sample against teacher part embeddings of the paired samples of
      the batch and of the head's memory bank;
    - ``loss_kd`` (optional): logit KD on paired samples;
    - ``loss_feat`` (optional): SKD-style feature KD on paired samples;
    - ``loss_part_reg`` (optional, with ``part_head``): per-part regression
      of each paired sample's student part embeddings onto its twin's
      teacher part embeddings (:class:`PartRegressionLoss`).

    ``part_head`` with ``loss_feat`` and/or ``loss_part_reg`` is the
    combined objective (docs/method.md#combined-objective): twins get
    instance-level alignment, every sample the part contrast.

    The teacher is frozen (:class:`TeacherStudentBase`: loaded strictly, no
    gradients, always in ``eval()`` mode, never re-initialised) and runs
    under ``torch.no_grad``. The teacher-side part projection
    (``teacher_neck``) is part of the distiller and trained with the
    contrastive loss, like the embedding heads of CRD; with
    ``teacher_neck=dict(..., out_channels=None)`` it has no parameters.

    ``predict`` and ``tensor`` run the student only: ``tools/test.py
    DISTILL_CONFIG ckpt`` evaluates the student, and
    ``tools/export_student.py`` writes a checkpoint for the plain student
    config.

    Args:
        student (dict | str): Student model config or config file path.
        teacher (dict | str): Teacher model config or config file path.
        teacher_ckpt (str): Teacher checkpoint (required; checked when the
            distiller is built).
        student_neck (dict, optional): :class:`PartPoolNeck` on the
            student's layout. If None the student's own ``neck`` is used
            (a :class:`PartRecognizerGCN` with a neck).
        teacher_neck (dict, optional): :class:`PartPoolNeck` on the
            teacher's layout; needed with ``part_head``.
        part_head (dict, optional): :class:`PartContrastHead` config. Its
            ``part_names`` are set to the necks' part names, against which
            the head checks a part matrix file.
        loss_kd (dict, optional): Logit KD loss (:class:`LogitKDLoss`).
        loss_feat (dict, optional): Feature KD loss (:class:`FeatureKDLoss`).
        loss_part_reg (dict, optional): Part regression loss
            (:class:`PartRegressionLoss`); needs ``part_head`` (whose
            contrast trains the teacher-side projection that gives the
            targets; this term does not, its targets are detached).
        paired_ratio (float): Fraction of training samples that keep their
            high-quality twin (see :func:`paired_mask`); the others are
            trained through the memory bank's positives and ``loss_cls``.
            Below 1 every data sample needs ``sample_idx`` in its metainfo
            (mmengine datasets set it, ``PackDistillInputs`` keeps it).
        paired_seed (int): Seed of the paired/unpaired assignment.
        distill_warmup_iters (int): Scale every distillation loss by
            ``min(1, (iter + 1) / distill_warmup_iters)``, the training
            iteration read from mmengine's ``MessageHub`` (so a resumed run
            continues the ramp); ``loss_cls`` is never scaled. 0 (default):
            no warm-up. Early in training the student's features are
            random, and the contrast then pulls them by random directions
            (docs/method.md#distillation-warm-up).
        part_block (int, optional): Pool the parts from the output of this
            backbone block (``backbone.gcn[part_block]``, negative counts
            from the end) in teacher and student instead of the backbone
            output (None, docs/method.md#part-matching). Earlier blocks
            have aggregated fewer graph hops, so their joint features stay
            closer to their part.
        teacher_cache (str, optional): A teacher-feature cache directory
            (``tools/cache_teacher.py``). Its outputs replace the live
            teacher forward; a cache built with another teacher checkpoint
            is refused here, one built on other data or another pipeline by
            ``TeacherCacheCheckHook``.
        data_preprocessor (dict, optional): Defaults to
            ``ActionDataPreprocessor``.
        init_cfg (dict, optional): Must be None (see
            :class:`TeacherStudentBase`).
    """

    def __init__(self,
                 student: ModelSpec,
                 teacher: ModelSpec,
                 teacher_ckpt: Optional[str] = None,
                 student_neck: Optional[dict] = None,
                 teacher_neck: Optional[dict] = None,
                 part_head: Optional[dict] = None,
                 loss_kd: Optional[dict] = None,
                 loss_feat: Optional[dict] = None,
                 loss_part_reg: Optional[dict] = None,
                 paired_ratio: float = 1.0,
                 paired_seed: int = 0,
                 distill_warmup_iters: int = 0,
                 part_block: Optional[int] = None,
                 teacher_cache: Optional[str] = None,
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(data_preprocessor, init_cfg)
        if not 0. <= paired_ratio <= 1.:
            raise ValueError(f'paired_ratio={paired_ratio} not in [0, 1]')
        if part_head is None and loss_kd is None and loss_feat is None:
            raise ValueError('PartKDDistiller needs at least one of '
                             'part_head, loss_kd, loss_feat')
        if loss_part_reg and part_head is None:
            raise ValueError('loss_part_reg needs part_head (and its part '
                             'necks): the part contrast trains the '
                             'teacher-side projection it regresses onto')
        if not (isinstance(distill_warmup_iters, int)
                and distill_warmup_iters >= 0):
            raise ValueError('distill_warmup_iters must be an int >= 0, got '
                             f'{distill_warmup_iters!r}')
        self.paired_ratio = float(paired_ratio)
        self.paired_seed = int(paired_seed)
        self.distill_warmup_iters = distill_warmup_iters
        self.student = MODELS.build(build_model_cfg(student, 'student'))
        self.build_teacher(teacher, teacher_ckpt)
        self.part_block = part_block
        self.block_recorders: Dict[str, BlockRecorder] = {}
        if part_block is not None:
            if part_head is None:
                raise ValueError('part_block needs part_head')
            self.block_recorders = {
                who: BlockRecorder(getattr(self, who), part_block, who)
                for who in ('student', 'teacher')}
        self.teacher_cache = None
        if teacher_cache:
            self.teacher_cache = TeacherCache(teacher_cache)
            self.teacher_cache.check(
                dict(teacher_ckpt=file_sha256(teacher_ckpt)),
                f' for teacher_ckpt "{teacher_ckpt}"')
            cached_block = self.teacher_cache.meta.get('part_block')
            if cached_block != part_block:
                raise ValueError(
                    f'teacher cache "{teacher_cache}" pooled the parts of '
                    f'{_pooled_at(cached_block)}, the config asks for '
                    f'{_pooled_at(part_block)}: rebuild it with '
                    'tools/cache_teacher.py')
        num_classes = self._check_num_classes()

        self.student_neck = MODELS.build(student_neck) if student_neck \
            else None
        self.teacher_neck = MODELS.build(teacher_neck) if teacher_neck \
            else None
        self.part_head = None
        if part_head:
            self._check_part_necks()
            self.part_head = MODELS.build(self._head_cfg(part_head))
            self._check_part_modules(num_classes)
        self.loss_kd = MODELS.build(loss_kd) if loss_kd else None
        self.loss_feat = MODELS.build(loss_feat) if loss_feat else None
        self.loss_part_reg = MODELS.build(loss_part_reg) if loss_part_reg \
            else None
        self.feat_proj = None
        if self.loss_feat is not None:
            c_s = self.student.cls_head.in_channels
            c_t = self.teacher.cls_head.in_channels
            self.feat_proj = nn.Linear(c_s, c_t)

    # ------------------------------------------------------------- building
    def _part_channels(self, who: str) -> int:
        """Channels of the features the ``who`` part neck pools."""
        if self.part_block is None:
            return getattr(self, who).cls_head.in_channels
        return self.block_recorders[who].out_channels

    def part_features(self, feats: torch.Tensor, who: str) -> torch.Tensor:
        """The ``(N, M, C, T, V)`` features the part necks pool: the backbone
        output ``feats`` or the recorded output of ``part_block``."""
        if self.part_block is None:
            return feats
        return self.block_recorders[who].pop(feats)

    def _check_num_classes(self) -> int:
        k_s = self.student.cls_head.num_classes
        k_t = self.teacher.cls_head.num_classes
        if k_s != k_t:
            raise ValueError(f'the student has {k_s} classes and the teacher '
                             f'{k_t}: they must be trained on the same '
                             'classes')
        return k_s

    def _check_part_necks(self) -> None:
        s_neck = self.student_neck or getattr(self.student, 'neck', None)
        if s_neck is None or self.teacher_neck is None:
            raise ValueError('part_head needs teacher_neck and a student '
                             'part neck (student_neck, or a student with '
                             'a neck)')
        if list(s_neck.part_names) != list(self.teacher_neck.part_names):
            raise ValueError(
                f'student parts {s_neck.part_names} and teacher parts '
                f'{self.teacher_neck.part_names} differ: parts are what '
                'matches a student to a teacher on another layout')

    def _head_cfg(self, part_head: dict) -> dict:
        """``part_head`` with the necks' part names, which the head checks
        a saved part matrix against."""
        names = list(self.teacher_neck.part_names)
        given = part_head.get('part_names')
        if given is not None and list(given) != names:
            raise ValueError(f'part_head.part_names={list(given)} but the '
                             f'necks pool the parts {names}')
        return dict(part_head, part_names=names)

    def _check_part_modules(self, num_classes: int) -> None:
        s_neck = self.student_part_neck
        for neck, who in ((s_neck, 'student'), (self.teacher_neck,
                                                'teacher')):
            c = self._part_channels(who)
            if neck.in_channels != c:
                where = 'backbone' if self.part_block is None else \
                    f'block {self.part_block}'
                raise ValueError(f'{who}_neck.in_channels={neck.in_channels}'
                                 f' but the {who} {where} gives {c}')
        head = self.part_head
        if head.num_classes != num_classes:
            raise ValueError(f'part_head.num_classes={head.num_classes} but '
                             f'the models have {num_classes} classes')
        if head.num_parts != s_neck.num_parts:
            raise ValueError(f'part_head.num_parts={head.num_parts} but the '
                             f'necks pool {s_neck.num_parts} parts')
        for neck in (s_neck, self.teacher_neck):
            if neck.out_channels != head.embed_channels:
                raise ValueError(
                    f'part embeddings have {neck.out_channels} channels but '
                    f'part_head.embed_channels={head.embed_channels}')

    # -------------------------------------------------------------- forward
    @property
    def student_part_neck(self) -> nn.Module:
        return self.student_neck or self.student.neck

    def paired(self, data_samples: SampleList) -> torch.Tensor:
        """``(N,)`` bool: samples whose high-quality twin the teacher sees.

        With ``paired_ratio < 1`` the choice is a hash of each sample's
        ``sample_idx`` (:func:`paired_mask`); a sample without it raises
        (its position in the batch would pair a different, shuffled subset
        in every epoch).
        """
        has_hq = torch.tensor([
            self.teacher_cache is not None or 'hq_inputs' in ds
            for ds in data_samples
        ], dtype=torch.bool)
        if self.paired_ratio >= 1:
            return has_hq
        missing = [i for i, ds in enumerate(data_samples)
                   if 'sample_idx' not in ds.metainfo]
        if missing:
            raise KeyError(
                f'paired_ratio={self.paired_ratio} pairs samples by their '
                f'dataset index, but {len(missing)} data samples of the '
                f'batch (e.g. position {missing[0]}) have no "sample_idx" '
                "in their metainfo. mmengine's BaseDataset (every mmaction "
                'dataset, PoseDataset included) sets it and '
                'PackDistillInputs keeps it: keep "sample_idx" in the '
                'meta_keys of the packing transform (and in any custom '
                'dataset\'s data infos)')
        idx = torch.tensor(
            [int(ds.metainfo['sample_idx']) for ds in data_samples],
            dtype=torch.long)
        return has_hq & paired_mask(idx, self.paired_ratio, self.paired_seed)

    def empty_teacher_outputs(self, device: torch.device,
                              dtype: torch.dtype) -> Dict[str, torch.Tensor]:
        """What :meth:`teacher_forward` returns for zero samples.

        A batch without a paired sample still runs the teacher-side losses
        on these: every rank then builds the same graph (the same
        collectives in forward and backward, e.g. the gather of the teacher
        part embeddings) and every trainable parameter gets a (zero)
        gradient, as DDP without ``find_unused_parameters`` needs.
        """
        head = self.teacher.cls_head
        out = dict(
            logits=torch.zeros((0, head.num_classes), device=device,
                               dtype=dtype),
            feat=torch.zeros((0, head.in_channels), device=device,
                             dtype=dtype))
        if self.teacher_neck is not None:
            out['parts'] = torch.zeros(
                (0, self.teacher_neck.num_parts,
                 self._part_channels('teacher')),
                device=device, dtype=dtype)
        return out

    @torch.no_grad()
    def teacher_forward(self, hq_inputs: torch.Tensor,
                        data_samples: SampleList) -> Dict[str, torch.Tensor]:
        """Everything the losses need from the frozen teacher.

        Args:
            hq_inputs (torch.Tensor): ``(n, nc, M, T, V, C)``.
            data_samples (list): The ``n`` matching data samples.

        Returns:
            dict: ``logits (n, K)``, ``feat (n, C_t)`` (global average
            feature) and ``parts (n, P, C_t)`` (pooled, not projected).
        """
        feats, _ = self.teacher.extract_feat(hq_inputs)
        out = dict(
            logits=self.teacher.cls_head(feats),
            feat=pool_gcn_feature(feats))
        if self.teacher_neck is not None:
            out['parts'] = self.teacher_neck.pool(
                self.part_features(feats, 'teacher'))
        return out

    def loss(self, inputs: torch.Tensor,
             data_samples: SampleList) -> Dict[str, torch.Tensor]:
        """Losses of one batch; see the class docstring."""
        feats, _ = self.student.extract_feat(inputs)
        logits = self.student.cls_head(feats)
        head_losses = self.student.cls_head.loss_by_feat(logits, data_samples)
        losses = {}  # the distillation losses

        paired = self.paired(data_samples).to(inputs.device)
        idx = paired.nonzero().squeeze(1)
        labels = torch.stack([ds.gt_label for ds in data_samples
                              ]).reshape(-1).to(inputs.device)
        paired_samples = [data_samples[i] for i in idx.tolist()]
        if not paired_samples:
            teacher = self.empty_teacher_outputs(inputs.device, inputs.dtype)
        elif self.teacher_cache is not None:
            teacher = self.teacher_cache.lookup(paired_samples, inputs.device)
        else:
            hq = torch.stack([ds.hq_inputs for ds in paired_samples
                              ]).to(inputs.device, inputs.dtype)
            teacher = self.teacher_forward(hq, paired_samples)

        if self.part_head is not None:
            s_neck = self.student_part_neck
            # a part whose joints are all missing in a sample is masked
            # (docs/method.md#part-matching)
            s_parts = s_neck(self.part_features(feats, 'student'),
                             present=s_neck.part_presence(inputs))
            t_parts = self.teacher_neck.embed(teacher['parts'].to(
                s_parts.dtype))
            twin_index = torch.full_like(labels, -1)
            twin_index[idx] = torch.arange(len(idx), device=labels.device)
            losses.update(
                self.part_head.loss(s_parts, labels, t_parts, labels[idx],
                                    twin_index))
            if self.loss_part_reg is not None:
                losses['loss_part_reg'] = self.part_regression(
                    s_parts[idx], t_parts)
        if self.loss_kd is not None or self.loss_feat is not None:
            share = self.paired_share(paired)
        if self.loss_kd is not None:
            losses['loss_kd'] = share * self.loss_kd(
                logits[idx], teacher['logits'].to(logits.dtype))
        if self.loss_feat is not None:
            feat_s = self.feat_proj(pool_gcn_feature(feats)[idx])
            losses['loss_feat'] = share * self.loss_feat(
                feat_s, teacher['feat'].to(feat_s.dtype))
        if self.distill_warmup_iters:
            w = self.warmup_factor()
            losses = {k: w * v if k.startswith('loss') else v
                      for k, v in losses.items()}
        return {**head_losses, **losses}

    def warmup_factor(self) -> float:
        """``min(1, (iter + 1) / distill_warmup_iters)`` at the current
        training iteration (mmengine's ``MessageHub`` info ``iter``)."""
        it = MessageHub.get_current_instance().get_info('iter', 0)
        return min(1., (it + 1) / self.distill_warmup_iters)

    def part_regression(self, s_parts: torch.Tensor,
                        t_parts: torch.Tensor) -> torch.Tensor:
        """``loss_part_reg`` of this rank's paired samples.

        Args:
            s_parts (torch.Tensor): ``(n, P, D)`` student part embeddings of
                the paired samples.
            t_parts (torch.Tensor): ``(n, P, D)`` their twins' teacher part
                embeddings (detached by the loss).

        Returns:
            torch.Tensor: The loss averaged over the paired samples with a
            part both sides have, times this rank's share of them (see
            :meth:`paired_share`); an exact zero that keeps the student in
            the graph when there is none.
        """
        counted = self.loss_part_reg.usable_parts(s_parts, t_parts).any(1)
        return self.paired_share(counted) * self.loss_part_reg(
            s_parts, t_parts)

    @staticmethod
    def paired_share(paired: torch.Tensor) -> torch.Tensor:
        """This rank's paired samples over the mean count per rank (1
        without ``torch.distributed``).

        The instance KD losses average over this rank's paired samples, and
        ranks hold different numbers of them; scaled by this share, the
        gradient DDP averages over ranks is the gradient of the mean over
        the global batch's paired samples, as in one process. One
        ``all_reduce`` on every rank. ``paired`` ``(N,)`` bool marks the
        samples the loss averages over (for ``loss_part_reg``: the paired
        samples with a part both sides have).
        """
        count = paired.sum().float()
        world = get_world_size()
        if world == 1:
            return torch.ones((), device=paired.device)
        mean = all_reduce_sum(count) / world
        return count / mean.clamp(min=1e-12)

    def predict(self, inputs: torch.Tensor,
                data_samples: SampleList) -> SampleList:
        """Predict with the student only."""
        return self.student.predict(inputs, data_samples)

    def forward(self,
                inputs: torch.Tensor,
                data_samples: OptSampleList = None,
                mode: str = 'tensor',
                **kwargs):
        if mode == 'loss':
            return self.loss(inputs, data_samples)
        if mode == 'predict':
            return self.predict(inputs, data_samples)
        if mode == 'tensor':
            return self.student._forward(inputs, **kwargs)
        raise RuntimeError(f'Invalid mode "{mode}". Only supports loss, '
                           'predict and tensor mode')

    def student_state_dict(self) -> Dict[str, torch.Tensor]:
        """The student's weights, keyed for the plain student config."""
        return self.student.state_dict()
