"""Is an IKEM teacher collapsed? Spread of its embeddings and the
relational-KD loss against its collapse value
(docs/method.md#relational-cmkd).

A collapsed teacher maps every sample to nearly the same embedding: the
mean pairwise cosine of its embeddings ``t`` approaches 1, and the
relational-KD loss of any student stays at its collapse value: with every
logit equal, ``-mean_{j in P} log softmax = log(#logits)``, i.e.
``log(2K + 1)`` with context logits, ``log(K + 1)`` without.
"""
import glob
import json
import math
import os.path as osp
from typing import Dict, Optional, Sequence, Union

import torch
import torch.nn.functional as F
from mmengine.config import Config

from .builders import build_eval_dataloader, init_recognizer, load_config

__all__ = [
    'mean_pairwise_cosine', 'relational_collapse_value', 'teacher_embeddings',
    'last_epoch_losses', 'validation_accuracies', 'collapse_report',
    'format_collapse_report'
]


def mean_pairwise_cosine(embeddings: torch.Tensor) -> float:
    """Mean cosine similarity over all pairs ``i != j`` of the rows of
    ``embeddings`` ``(N, D)`` (1 when collapsed, about 0 when spread)."""
    if len(embeddings) < 2:
        raise ValueError('need at least two embeddings')
    z = F.normalize(embeddings.double(), dim=1)
    n = len(z)
    s = z.sum(0)
    # sum over i != j of z_i . z_j = |sum z|^2 - sum |z_i|^2
    return float((s @ s - n) / (n * (n - 1)))


def relational_collapse_value(queue_size: int, context: bool = True) -> float:
    """The relational-KD loss when all logits are equal: ``log(2K + 1)``
    (``log(K + 1)`` without the context block)."""
    return math.log((2 if context else 1) * queue_size + 1)


@torch.no_grad()
def teacher_embeddings(teacher_config: Union[str, Config], checkpoint: str,
                       data_config: str, split: Optional[str] = None,
                       cfg_options: Optional[Dict] = None,
                       max_batches: Optional[int] = None
                       ) -> Dict[str, torch.Tensor]:
    """Embeddings of a :class:`MultiModalMoCo` teacher on a split.

    Args:
        teacher_config (str | Config): The teacher's (pretraining) config.
        checkpoint (str): Its checkpoint.
        data_config (str): A config whose test dataloader packs the
            teacher's modalities in its order, one clip per sample (the
            six-modality linear-evaluation config).
        split (str, optional): Split of the data config's test dataset
            (default: its own).
        cfg_options (dict, optional): Overrides of the data config (e.g.
            ``test_dataloader.dataset.ann_file``).
        max_batches (int, optional): Stop after this many batches.

    Returns:
        dict: ``'t'``: ``(N, sum D_x)`` normalised concatenation (what the
        relational KD distils), and ``z_<modality>`` ``(N, D_x)`` each.
    """
    model = init_recognizer(load_config(teacher_config), checkpoint)
    data_cfg = load_config(data_config)
    if cfg_options:
        data_cfg.merge_from_dict(cfg_options)
    loader = build_eval_dataloader(data_cfg, split=split)
    out: Dict[str, list] = {}
    for i, data in enumerate(loader):
        if max_batches is not None and i >= max_batches:
            break
        inputs = model.data_preprocessor(data, False)['inputs']
        z = model.embed(inputs[:, 0])  # one clip: (N, M, T, V, C * K)
        t = F.normalize(torch.cat([z[m] for m in model.modalities], 1),
                        dim=1)
        for key, value in [('t', t)] + [(f'z_{m}', v) for m, v in z.items()]:
            out.setdefault(key, []).append(value)
    return {k: torch.cat(v) for k, v in out.items()}


def last_epoch_losses(work_dir: str,
                      keys: Optional[Sequence[str]] = None
                      ) -> Dict[str, float]:
    """Mean of each logged loss over the last epoch of the newest training
    run in ``work_dir`` (mmengine's ``<timestamp>/vis_data/scalars.json``).

    Args:
        work_dir (str): The training run's work dir.
        keys (Sequence[str], optional): Losses to read (default: every
            ``loss*`` key).
    """
    runs = sorted(glob.glob(osp.join(work_dir, '*', 'vis_data',
                                     'scalars.json')))
    if not runs:
        raise FileNotFoundError(f'no mmengine scalars.json under {work_dir}')
    with open(runs[-1]) as f:
        records = [json.loads(line) for line in f if line.strip()]
    records = [r for r in records if 'epoch' in r and any(
        k.startswith('loss') for k in r)]
    if not records:
        raise ValueError(f'{runs[-1]} logs no training loss')
    last = max(r['epoch'] for r in records)
    records = [r for r in records if r['epoch'] == last]
    keys = keys or sorted({k for r in records for k in r
                           if k.startswith('loss')})
    return {k: sum(r[k] for r in records if k in r) /
            max(1, sum(k in r for r in records)) for k in keys}


def validation_accuracies(work_dir: str,
                          metric: str = 'acc/top1') -> Dict[int, float]:
    """``{epoch: metric}`` of every validation of the newest training run
    in ``work_dir`` (mmengine's ``scalars.json``)."""
    runs = sorted(glob.glob(osp.join(work_dir, '*', 'vis_data',
                                     'scalars.json')))
    if not runs:
        raise FileNotFoundError(f'no mmengine scalars.json under {work_dir}')
    with open(runs[-1]) as f:
        records = [json.loads(line) for line in f if line.strip()]
    # validation records carry the metric and the epoch as their step
    return {int(r['step']): float(r[metric]) for r in records
            if metric in r and 'loss' not in r}


def collapse_report(teacher_config: str, teacher_ckpt: str,
                    data_config: str, kd_config: str, kd_work_dir: str,
                    split: Optional[str] = None,
                    cfg_options: Optional[Dict] = None) -> Dict:
    """Is the teacher of a relational-KD run collapsed?

    Args:
        teacher_config (str): The teacher's pretraining config.
        teacher_ckpt (str): Its checkpoint.
        data_config (str): A config whose test dataloader packs the
            teacher's modalities (the six-modality linear evaluation).
        kd_config (str): The relational-KD config (queue size, context).
        kd_work_dir (str): The relational-KD run (its training log).
        split (str, optional): Split of ``data_config``'s test dataset.
        cfg_options (dict, optional): Overrides (parsed values): ``model.*``
            ones apply to the teacher and KD configs, the others to
            ``data_config`` (the KD config's ``model.teacher`` is not
            read).

    Returns:
        dict: ``teacher_cosine`` (mean pairwise cosine of ``t``),
        ``modality_cosine`` (of each ``z_x``), ``kd_losses`` (last-epoch
        mean of each student's loss), ``queue_size``, ``collapse_logits``
        (``2K + 1``, or ``K + 1`` without context), ``collapse_value``
        (its log) and ``num_samples``.
    """
    options = dict(cfg_options or {})
    model_options = {k: v for k, v in options.items()
                     if k.startswith('model.')}
    teacher_cfg = load_config(teacher_config)
    teacher_cfg.merge_from_dict(model_options)
    emb = teacher_embeddings(
        teacher_cfg, teacher_ckpt, data_config, split,
        {k: v for k, v in options.items() if k not in model_options})
    kd_cfg = load_config(kd_config)
    kd_cfg.merge_from_dict(model_options)
    students = kd_cfg.model.get('student_modalities')
    losses = last_epoch_losses(kd_work_dir,
                               [f'loss_{s}' for s in students])
    queue_size = kd_cfg.model.queue_size
    context = kd_cfg.model.get('context', True)
    return dict(
        teacher_cosine=mean_pairwise_cosine(emb['t']),
        modality_cosine={k[2:]: mean_pairwise_cosine(v)
                         for k, v in emb.items() if k.startswith('z_')},
        kd_losses={k[5:]: v for k, v in losses.items()},
        queue_size=queue_size,
        collapse_logits=(2 if context else 1) * queue_size + 1,
        collapse_value=relational_collapse_value(queue_size, context),
        num_samples=len(emb['t']))


def format_collapse_report(report: Dict) -> str:
    """Two lines of text for :func:`collapse_report`'s dict."""
    per = ', '.join(f'{m} {c:.3f}'
                    for m, c in report['modality_cosine'].items())
    kd = ', '.join(f'{s} {v:.2f}' for s, v in report['kd_losses'].items())
    return (f'Teacher embeddings on {report["num_samples"]} validation '
            f'samples: mean pairwise cosine {report["teacher_cosine"]:.3f} '
            f'(1 = collapsed; per modality: {per})\n'
            f'Relational KD loss, last-epoch mean per student: {kd}; '
            f'collapse value log({report["collapse_logits"]}) = '
            f'{report["collapse_value"]:.2f} (queue K = '
            f'{report["queue_size"]})')
