"""Action-specific part matrix, teacher memory bank and the part-level
multi-sample contrastive loss (docs/method.md#part-matrix,
#multi-sample-contrastive-loss)."""
import json
import logging
import os.path as osp
from typing import Dict, Optional, Sequence, Union

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.logging import print_log
from mmengine.model import BaseModule

from mmaction.registry import MODELS
from mmpartkd.models.utils import all_reduce_sum, gather_variable

__all__ = ['PartContrastHead', 'load_part_matrix', 'part_matrix_sidecar']

PartMatrixSpec = Union[str, Sequence[Sequence[float]], np.ndarray]


def part_matrix_sidecar(path: str) -> str:
    """The JSON written beside a part matrix ``.npy`` by
    ``apis.part_matrix.save_part_matrix`` (classes, parts, accuracies)."""
    return osp.splitext(path)[0] + '.json'


def _check_part_names(path: str, num_parts: int,
                      part_names: Optional[Sequence[str]]) -> None:
    """Check the parts (names and order) a saved matrix was measured on
    against the parts the necks pool."""
    sidecar = part_matrix_sidecar(path)
    if not osp.isfile(sidecar):
        print_log(
            f'part matrix "{path}" has no "{osp.basename(sidecar)}" beside '
            'it (tools/compute_part_matrix.py writes one): the order of its '
            f'{num_parts} columns cannot be checked against the parts',
            logger='current', level=logging.WARNING)
        return
    try:
        with open(sidecar) as f:
            saved = json.load(f)['parts']
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise ValueError(
            f'cannot read the part names of part matrix "{path}" from '
            f'"{sidecar}" ({type(error).__name__}: {error}); rewrite both '
            'with tools/compute_part_matrix.py') from error
    if part_names is None:
        raise ValueError(
            f'part matrix "{path}" was measured on the parts {saved} (its '
            f'"{osp.basename(sidecar)}"), but the head was built without '
            'part_names to check them against: give PartContrastHead '
            'part_names (PartKDDistiller passes its necks\' part names)')
    if list(saved) != list(part_names):
        raise ValueError(
            f'part matrix "{path}" has columns for the parts {list(saved)} '
            f'(its "{osp.basename(sidecar)}"), but the necks pool the parts '
            f'{list(part_names)}: recompute it with the same parts in the '
            'same order (tools/compute_part_matrix.py) or set the necks\' '
            'part_names to its order')


def load_part_matrix(spec: PartMatrixSpec, num_classes: Optional[int],
                     num_parts: int,
                     part_names: Optional[Sequence[str]] = None
                     ) -> np.ndarray:
    """Read a part matrix (a ``.npy`` path or nested lists) and check it.

    A ``.npy`` file written by ``tools/compute_part_matrix.py`` has a JSON
    beside it (:func:`part_matrix_sidecar`) that lists the parts of its
    columns: they must equal ``part_names`` (names and order), and with
    such a JSON ``part_names`` is required. A ``.npy`` without the JSON is
    only checked for its shape (with a warning); so are nested lists.

    Args:
        spec (str | array): ``.npy`` path or ``(K, P)`` values.
        num_classes (int, optional): K; None accepts any number of rows.
        num_parts (int): P.
        part_names (Sequence[str], optional): The parts the necks pool, in
            order.

    Returns:
        np.ndarray: ``(K, P)`` float32 with non-negative rows summing to 1.
    """
    if isinstance(spec, str):
        if not osp.isfile(spec):
            raise FileNotFoundError(
                f'part matrix file "{spec}" not found; compute it with '
                '`python tools/compute_part_matrix.py TEACHER_CONFIG '
                'TEACHER_CKPT --out part_matrix.npy` or use '
                'part_matrix="uniform"')
        matrix = np.load(spec)
        where = f'part matrix "{spec}"'
    else:
        matrix = np.asarray(spec, dtype=np.float32)
        where = 'part matrix'
    expected = (matrix.shape[0] if num_classes is None and matrix.ndim
                else num_classes, num_parts)
    if matrix.shape != expected:
        classes = 'classes' if num_classes is None else num_classes
        raise ValueError(f'{where} has shape {matrix.shape}, expected '
                         f'({classes}, {num_parts}) = (classes, parts)')
    if part_names is not None and len(part_names) != num_parts:
        raise ValueError(f'{len(part_names)} part_names {list(part_names)} '
                         f'for num_parts={num_parts}')
    if isinstance(spec, str):
        _check_part_names(spec, num_parts, part_names)
    if not np.isfinite(matrix).all() or (matrix < 0).any():
        raise ValueError(f'{where} must be finite and non-negative')
    if (matrix.sum(1) <= 0).any():
        raise ValueError(f'{where} has a class whose row sums to 0')
    return (matrix / matrix.sum(1, keepdims=True)).astype(np.float32)


@MODELS.register_module()
class PartContrastHead(BaseModule):
    """Part-level multi-sample contrastive distillation head.

    Anchors are the student's part embeddings of low-quality samples; the
    candidates are the teacher's part embeddings of the high-quality samples
    of the batch (gathered from every rank) **and** of a per-class FIFO
    memory bank, so every anchor has positives of its class even when its own
    high-quality twin is absent. Each anchor's per-part losses are weighted
    by the action-specific part matrix row ``A[y_i]``.

    Args:
        num_classes (int): K.
        num_parts (int): P.
        embed_channels (int): D of the part embeddings.
        loss (dict): The contrastive loss config
            (:class:`MultiSamplePartContrastLoss`).
        part_matrix (str | array): ``'uniform'`` (every part ``1/P``),
            ``'learned'`` (a trainable matrix, rows ``softmax`` of logits,
            regularised towards uniform), or the matrix itself: a ``.npy``
            path (from ``tools/compute_part_matrix.py``) or nested lists
            ``(K, P)``. Rows are normalised to sum to 1. A saved matrix's
            parts are checked against ``part_names`` (see
            :func:`load_part_matrix`).
        learned_reg (float): Weight of ``KL(A_k || uniform)`` for
            ``'learned'`` (the entropy regulariser that keeps the learned
            matrix from collapsing onto one part).
        bank_size (int): Teacher embeddings kept per class (0: no bank).
        weight_negatives (bool): Also use the matrix on the negatives: a
            candidate of class ``c`` enters the denominator of part ``p`` of
            an anchor of class ``a`` with the weight
            ``P * (A[a, p] + A[c, p]) / 2`` (a part that neither action
            uses separates them less; 1 for every pair with the uniform
            matrix, so the plain loss). Defaults to False.
        gather (bool): Gather teacher embeddings from every rank under
            ``torch.distributed``. Defaults to True.
        part_names (Sequence[str], optional): The ``num_parts`` parts the
            embeddings stand for, in order. :class:`PartKDDistiller` sets
            them to its necks' part names; a part matrix file measured on
            other parts (or in another order) is refused.
        init_cfg (dict, optional): Initialisation config.
    """

    def __init__(self,
                 num_classes: int,
                 num_parts: int,
                 embed_channels: int,
                 loss: Dict = dict(type='MultiSamplePartContrastLoss'),
                 part_matrix: PartMatrixSpec = 'uniform',
                 learned_reg: float = 0.1,
                 bank_size: int = 32,
                 weight_negatives: bool = False,
                 gather: bool = True,
                 part_names: Optional[Sequence[str]] = None,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        if num_classes < 1 or num_parts < 1 or embed_channels < 1:
            raise ValueError('num_classes, num_parts and embed_channels must '
                             'be positive')
        if bank_size < 0:
            raise ValueError(f'bank_size={bank_size} must be >= 0')
        if part_names is not None and len(part_names) != num_parts:
            raise ValueError(f'{len(part_names)} part_names '
                             f'{list(part_names)} for num_parts={num_parts}')
        self.num_classes = num_classes
        self.num_parts = num_parts
        self.part_names = list(part_names) if part_names is not None \
            else None
        self.embed_channels = embed_channels
        self.loss_part = MODELS.build(loss)
        self.gather = gather
        self.learned_reg = float(learned_reg)
        self.part_matrix_mode = part_matrix if isinstance(
            part_matrix, str) and part_matrix in ('uniform',
                                                  'learned') else 'fixed'
        if self.part_matrix_mode == 'learned':
            self.part_logits = nn.Parameter(
                torch.zeros(num_classes, num_parts))
        else:
            matrix = np.full((num_classes, num_parts), 1. / num_parts,
                             np.float32) if part_matrix == 'uniform' else \
                load_part_matrix(part_matrix, num_classes, num_parts,
                                 part_names)
            self.register_buffer('fixed_part_matrix',
                                 torch.from_numpy(matrix))
        self.weight_negatives = bool(weight_negatives)
        self.bank_size = bank_size
        if bank_size:
            self.register_buffer(
                'bank',
                torch.zeros(num_classes, bank_size, num_parts,
                            embed_channels))
            self.register_buffer('bank_ptr',
                                 torch.zeros(num_classes, dtype=torch.long))
            self.register_buffer('bank_count',
                                 torch.zeros(num_classes, dtype=torch.long))

    @property
    def part_matrix(self) -> torch.Tensor:
        """The ``(K, P)`` matrix in use (rows sum to 1)."""
        if self.part_matrix_mode == 'learned':
            return F.softmax(self.part_logits, dim=1)
        return self.fixed_part_matrix

    def _check_labels(self, labels: torch.Tensor, what: str) -> None:
        if labels.numel() and (labels.min() < 0 or
                               labels.max() >= self.num_classes):
            raise ValueError(
                f'{what} labels must be in [0, {self.num_classes}), got '
                f'{labels.min().item()}..{labels.max().item()}: the class '
                'count of the data and of the distillation head differ')

    def bank_candidates(self):
        """Memory-bank entries as candidates: ``(K*S, P, D)``, labels and a
        validity mask (False for slots never written)."""
        K, S = self.num_classes, self.bank_size
        labels = torch.arange(K, device=self.bank.device).repeat_interleave(S)
        valid = (torch.arange(S, device=self.bank.device)[None] <
                 self.bank_count[:, None]).reshape(-1)
        return self.bank.reshape(K * S, self.num_parts,
                                 self.embed_channels), labels, valid

    @torch.no_grad()
    def enqueue(self, embeds: torch.Tensor, labels: torch.Tensor) -> None:
        """Write teacher embeddings ``(n, P, D)`` into their classes' FIFOs
        (the newest ``bank_size`` of a class survive)."""
        if not self.bank_size or embeds.shape[0] == 0:
            return
        embeds = embeds.detach().to(self.bank.dtype)
        # one scatter for the whole batch: the i-th sample of class k in the
        # batch goes r_i slots after k's pointer; only the last bank_size of
        # a class are written (earlier ones would be overwritten anyway)
        onehot = F.one_hot(labels, self.num_classes)
        rank = (onehot.cumsum(0) * onehot).sum(1) - 1  # (n,)
        per_class = onehot.sum(0)  # (K,)
        skip = (per_class - self.bank_size).clamp(min=0)
        rank = rank - skip[labels]  # < 0: overwritten within the batch
        keep = rank >= 0
        k, r = labels[keep], rank[keep]
        self.bank[k, (self.bank_ptr[k] + r) % self.bank_size] = embeds[keep]
        written = per_class - skip
        self.bank_ptr.copy_((self.bank_ptr + written) % self.bank_size)
        self.bank_count.copy_(
            (self.bank_count + written).clamp(max=self.bank_size))

    def loss(self, student_embeds: torch.Tensor, labels: torch.Tensor,
             teacher_embeds: torch.Tensor, teacher_labels: torch.Tensor,
             twin_index: torch.Tensor) -> Dict[str, torch.Tensor]:
        """The distillation losses of one batch.

        Args:
            student_embeds (torch.Tensor): ``(N, P, D)`` anchors (every
                low-quality sample of this rank); a zero vector marks a
                part the sample lacks (:class:`PartPoolNeck`): it is
                skipped and the row ``A[y_i]`` renormalised over the other
                parts.
            labels (torch.Tensor): ``(N,)``.
            teacher_embeds (torch.Tensor): ``(Nt, P, D)`` teacher embeddings
                of this rank's samples that have a high-quality twin (zero
                vectors for absent parts, kept so in the memory bank).
            teacher_labels (torch.Tensor): ``(Nt,)``.
            twin_index (torch.Tensor): ``(N,)`` row of each anchor's twin in
                ``teacher_embeds``, -1 when the sample has none.

        Returns:
            dict: ``loss_part_contrast`` (and ``loss_part_matrix`` for a
            learned matrix).
        """
        self._check_labels(labels, 'student')
        self._check_labels(teacher_labels, 'teacher')
        if self.gather:
            (teacher_embeds, teacher_labels), offset = gather_variable(
                teacher_embeds, teacher_labels)
            twin_index = torch.where(twin_index >= 0, twin_index + offset,
                                     twin_index)
        candidates, cand_labels = teacher_embeds, teacher_labels
        cand_valid = torch.ones_like(cand_labels, dtype=torch.bool)
        if self.bank_size:
            bank, bank_labels, bank_valid = self.bank_candidates()
            # the float32 bank is not rounded to float16 / bfloat16 batch
            # embeddings (autocast); the loss computes in float32 anyway
            dtype = torch.promote_types(candidates.dtype, bank.dtype)
            candidates = torch.cat([candidates.to(dtype), bank.to(dtype)])
            cand_labels = torch.cat([cand_labels, bank_labels])
            cand_valid = torch.cat([cand_valid, bank_valid])
        # Normalise by the anchors with a positive on *all* ranks, scaled by
        # the world size: DDP averages gradients, so the distributed gradient
        # equals the single-process gradient of the same global batch.
        # anchors with a usable part (one it has and a positive has): a
        # part absent on either side has a zero embedding
        # (docs/method.md#part-matching)
        has_pos = self.loss_part.valid_anchors(student_embeds, candidates,
                                               labels, cand_labels,
                                               cand_valid, twin_index)
        world = all_reduce_sum(torch.ones((), device=labels.device))
        num_anchors = all_reduce_sum(has_pos.sum().float())
        avg_factor = num_anchors.clamp(min=1) / world
        matrix = self.part_matrix
        negative_weights = None
        if self.weight_negatives:
            # (N, P, Nc): P * (A[y_i, p] + A[y_j, p]) / 2; a learned
            # matrix learns through the per-part weights only
            rows = matrix.detach()
            negative_weights = self.num_parts / 2 * (
                rows[labels][:, :, None] + rows[cand_labels].T[None])
        losses = dict(
            loss_part_contrast=self.loss_part(
                student_embeds,
                candidates,
                labels,
                cand_labels,
                part_weights=matrix[labels],
                twin_index=twin_index,
                teacher_valid=cand_valid,
                avg_factor=avg_factor,
                negative_weights=negative_weights))
        if self.part_matrix_mode == 'learned' and self.learned_reg:
            rows = matrix[labels.unique()]
            losses['loss_part_matrix'] = self.learned_reg * (
                rows * (rows * self.num_parts).clamp(min=1e-12).log()).sum(
                    1).mean()
        self.enqueue(teacher_embeds, teacher_labels)
        return losses
