"""The action-specific part matrix (docs/method.md#part-matrix).

``A[k, p]`` says how much body part ``p`` matters for action ``k``; rows sum
to 1. It is measured on the teacher's high-quality training set, by one of
:data:`PART_MATRIX_METHODS`:

* ``'motion'`` (the default): how much each part moves in the inputs of
  class ``k`` (:func:`part_motion_energy`);
* ``'occlusion'``: how far the teacher's log-probability of the true class
  falls when the part is removed from the input
  (:func:`occlusion_part_drop`);
* ``'gradient'``: the first-order estimate of that fall from one backward
  pass (:func:`gradient_part_saliency`);
* ``'probe'``: the held-out accuracy of a linear probe per part on the
  teacher's pooled part features (:func:`probe_part_accuracy`).

The per-sample scores of the first three are averaged per class, for
``'occlusion'`` and ``'gradient'`` contrasted across classes
(:func:`class_contrast`: a part's score over its mean over all classes),
then normalised per row (:func:`lift_to_part_matrix`); the probe's
accuracies go through ``softmax(acc[k] / temperature)``
(:func:`normalize_part_matrix`).
:func:`score_part_matrix` scores a matrix against known moving parts.
"""
import json
import os.path as osp
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np
import torch
import torch.nn.functional as F
from mmengine.utils import ProgressBar

from mmpartkd.models.utils import BlockRecorder
from mmpartkd.utils import atomic_write

#: What replaces a removed part in :func:`occlusion_part_drop`.
OCCLUSION_FILLS = ('reference', 'mean', 'zero')

__all__ = [
    'PART_MATRIX_METHODS', 'DEFAULT_PART_MATRIX_METHOD', 'DEFAULT_CONTRAST',
    'OCCLUSION_FILLS',
    'measure_part_matrix', 'extract_part_features', 'probe_part_accuracy',
    'reference_pose', 'occlusion_part_drop', 'gradient_part_saliency',
    'part_motion_energy', 'class_mean_scores', 'class_contrast',
    'normalize_part_matrix', 'lift_to_part_matrix', 'moving_part_mask',
    'score_part_matrix', 'plot_part_matrix', 'save_part_matrix'
]

#: Ways to measure the part matrix; see the module docstring.
PART_MATRIX_METHODS = ('motion', 'occlusion', 'gradient', 'probe')
#: The method that scores best on the synthetic data's known moving parts
#: (docs/method.md#part-matrix).
DEFAULT_PART_MATRIX_METHOD = 'motion'
#: Default row temperature of each method (:func:`normalize_part_matrix`
#: for the probe's accuracies, :func:`lift_to_part_matrix` otherwise).
DEFAULT_TEMPERATURE = dict(motion=0.5, occlusion=0.5, gradient=0.5,
                           probe=0.1)
#: Whether each method's class scores are contrasted across classes by
#: default (:func:`class_contrast`), the better choice of each on the
#: synthetic data (docs/method.md#part-matrix).
DEFAULT_CONTRAST = dict(motion=False, occlusion=True, gradient=True)


@torch.no_grad()
def extract_part_features(model: torch.nn.Module, neck: torch.nn.Module,
                          dataloader,
                          progress: bool = True,
                          part_block: Optional[int] = None
                          ) -> Tuple[np.ndarray, np.ndarray]:
    """Pooled part features of a recognizer over a dataloader.

    Args:
        model: A GCN recognizer (``extract_feat`` gives ``(N, M, C, T, V)``).
        neck: A :class:`PartPoolNeck` whose ``pool`` is used.
        dataloader: Yields mmaction2 batches (``inputs``, ``data_samples``).
        progress (bool): Show a progress bar.
        part_block (int, optional): Pool the output of
            ``backbone.gcn[part_block]`` instead of the backbone output (as
            ``PartKDDistiller(part_block=...)`` does).

    Returns:
        tuple: features ``(N, P, C)`` float32 and labels ``(N,)`` int64.
    """
    model.eval()
    recorder = BlockRecorder(model, part_block) if part_block is not None \
        else None
    feats, labels = [], []
    bar = ProgressBar(len(dataloader.dataset)) if progress else None
    for batch in dataloader:
        data = model.data_preprocessor(batch, False)
        x, _ = model.extract_feat(data['inputs'])
        if recorder is not None:
            x = recorder.pop(x)
        n = len(data['data_samples'])
        pooled = neck.pool(x)  # (n * num_clips, P, C): average the clips
        pooled = pooled.reshape(n, -1, *pooled.shape[1:]).mean(1)
        feats.append(pooled.float().cpu().numpy())
        labels.extend(int(ds.gt_label.item()) for ds in data['data_samples'])
        if bar is not None:
            for _ in range(n):
                bar.update()
    if bar is not None:
        print()
    return np.concatenate(feats), np.asarray(labels, dtype=np.int64)


def _true_class_log_prob(model: torch.nn.Module, inputs: torch.Tensor,
                         labels: torch.Tensor) -> torch.Tensor:
    """``log p(y | x)`` of a GCN recognizer, clips averaged in probability
    (mmaction2's ``average_clips='prob'``). ``inputs (N, clips, M, T, V, C)``
    -> ``(N,)``."""
    scores, _ = model.extract_feat(inputs, stage='head')  # (N * clips, K)
    prob = scores.float().softmax(-1).reshape(inputs.shape[0], -1,
                                              scores.shape[-1]).mean(1)
    return prob.gather(1, labels[:, None]).squeeze(1).clamp(
        min=1e-12).log()


def _batches(model: torch.nn.Module, dataloader, progress: bool):
    """``(inputs, labels)`` of every batch, preprocessed as the model's
    test step does, with a progress bar over the samples."""
    bar = ProgressBar(len(dataloader.dataset)) if progress else None
    for batch in dataloader:
        data = model.data_preprocessor(batch, False)
        labels = torch.as_tensor(
            [int(ds.gt_label.item()) for ds in data['data_samples']],
            device=data['inputs'].device)
        yield data['inputs'], labels
        if bar is not None:
            for _ in range(len(labels)):
                bar.update()
    if bar is not None:
        print()


@torch.no_grad()
def reference_pose(model: torch.nn.Module, dataloader,
                   progress: bool = False) -> torch.Tensor:
    """The mean model input of each joint over a dataloader: the neutral
    value a removed part is replaced by (docs/method.md#part-matrix).

    Averages the preprocessed inputs over samples, clips, persons and frames,
    skipping all-zero entries (padded persons, missing joints), so the
    reference of a joint is where that joint usually is, static.

    Returns:
        torch.Tensor: ``(V, C)``.
    """
    total = count = None
    for inputs, _ in _batches(model, dataloader, progress):
        x = inputs.float().flatten(0, 3)  # (N * clips * M * T, V, C)
        present = (x != 0).any(-1, keepdim=True).float()
        s, n = (x * present).sum(0), present.sum(0)
        total = s if total is None else total + s
        count = n if count is None else count + n
    if total is None:
        raise ValueError('reference_pose: the dataloader is empty')
    return total / count.clamp(min=1)


def _as_mask(part_mask, inputs: torch.Tensor) -> torch.Tensor:
    mask = torch.as_tensor(np.asarray(part_mask) > 0, device=inputs.device)
    if mask.dim() != 2 or mask.shape[1] != inputs.shape[-2]:
        raise ValueError(f'part_mask {tuple(mask.shape)} does not fit inputs '
                         f'with {inputs.shape[-2]} joints: expected (P, V)')
    return mask


def _removed(inputs: torch.Tensor, joints: torch.Tensor, fill: str,
             reference: Optional[torch.Tensor]) -> torch.Tensor:
    """``inputs`` with the ``joints`` (``(V,)`` bool) of every clip, person
    and frame replaced according to ``fill``."""
    out = inputs.clone()
    if fill == 'reference':
        out[..., joints, :] = reference[joints].to(out.dtype)
    elif fill == 'mean':  # the part frozen at its own temporal mean
        out[..., joints, :] = inputs[..., joints, :].mean(-3, keepdim=True)
    else:  # 'zero'
        out[..., joints, :] = 0
    return out


@torch.no_grad()
def occlusion_part_drop(model: torch.nn.Module, dataloader, part_mask,
                        fill: str = 'reference',
                        reference: Optional[torch.Tensor] = None,
                        progress: bool = True
                        ) -> Tuple[np.ndarray, np.ndarray]:
    """Part-occlusion sensitivity: how much the true class's
    log-probability falls when one part is removed from the input.

    ``drop[i, p] = log p(y_i | x_i) - log p(y_i | x_i without part p)``.
    "Without" depends on ``fill``: ``'reference'`` puts the part's joints
    at their :func:`reference_pose` (a neutral, static part: its motion
    *and* its posture are gone), ``'mean'`` freezes them at their own
    temporal mean (the posture stays: a raised arm stays raised),
    ``'zero'`` zeroes them (after ``PreNormalize3D`` a zero sits at the
    body centre, a large movement rather than none).

    Args:
        model: A GCN recognizer, in eval mode.
        dataloader: Yields mmaction2 batches of its inputs.
        part_mask: ``(P, V)`` part membership (non-zero = member).
        fill (str): One of :data:`OCCLUSION_FILLS`.
        reference (torch.Tensor, optional): ``(V, C)`` for
            ``fill='reference'``; computed with :func:`reference_pose` over
            ``dataloader`` (an extra pass) when not given.
        progress (bool): Show a progress bar.

    Returns:
        tuple: drops ``(N, P)`` float32 and labels ``(N,)`` int64.
    """
    if fill not in OCCLUSION_FILLS:
        raise ValueError(f'fill must be one of {OCCLUSION_FILLS}, got {fill}')
    model.eval()
    if fill == 'reference' and reference is None:
        reference = reference_pose(model, dataloader)
    drops, labels = [], []
    for inputs, y in _batches(model, dataloader, progress):
        mask = _as_mask(part_mask, inputs)
        base = _true_class_log_prob(model, inputs, y)
        drops.append(torch.stack([
            base - _true_class_log_prob(
                model, _removed(inputs, joints, fill, reference), y)
            for joints in mask], 1).cpu())
        labels.append(y.cpu())
    return (torch.cat(drops).numpy().astype(np.float32),
            torch.cat(labels).numpy().astype(np.int64))


def gradient_part_saliency(model: torch.nn.Module, dataloader, part_mask,
                           reference: Optional[torch.Tensor] = None,
                           progress: bool = True
                           ) -> Tuple[np.ndarray, np.ndarray]:
    """Gradient x (input - reference), summed over each part's joints,
    channels, frames, persons and clips.

    The first-order Taylor estimate of :func:`occlusion_part_drop` with
    ``fill='reference'``: ``log p(y|x) - log p(y|x_ref on p) ~= sum_{v in p}
    grad_v . (x_v - ref_v)``, from one backward pass instead of ``P``
    forward passes. Shared joints count in every part they belong to.

    Returns:
        tuple: saliencies ``(N, P)`` float32 and labels ``(N,)`` int64.
    """
    model.eval()
    if reference is None:
        reference = reference_pose(model, dataloader)
    out, labels = [], []
    for inputs, y in _batches(model, dataloader, progress):
        mask = _as_mask(part_mask, inputs).float()
        x = inputs.float().detach().requires_grad_(True)
        with torch.enable_grad():
            grad, = torch.autograd.grad(
                _true_class_log_prob(model, x, y).sum(), x)
        contrib = (grad * (x.detach() - reference.to(x))).sum(-1)
        # (N, clips, M, T, V) -> (N, V) -> (N, P)
        out.append((contrib.flatten(1, 3).sum(1) @ mask.T).cpu())
        labels.append(y.cpu())
    return (torch.cat(out).numpy().astype(np.float32),
            torch.cat(labels).numpy().astype(np.int64))


@torch.no_grad()
def part_motion_energy(model: torch.nn.Module, dataloader, part_mask,
                       channels: Optional[int] = None,
                       progress: bool = True
                       ) -> Tuple[np.ndarray, np.ndarray]:
    """How much each part moves in each sample: the variance over frames of
    its joints' input coordinates, summed over the coordinates and averaged
    over the part's joints, the persons and the clips.

    Works on the model's own (preprocessed) inputs, so the positions are
    the ones the teacher sees (after ``PreNormalize3D``/``2D``). A joint
    contributes only the frames where it is present (not all-zero): a joint
    that goes missing is not a movement. The model is only used for its
    data preprocessor; no forward pass is run.

    Args:
        model: A recognizer (its ``data_preprocessor`` is used).
        dataloader: Yields mmaction2 batches of its inputs.
        part_mask: ``(P, V)`` part membership (non-zero = member).
        channels (int, optional): Use the first ``channels`` input channels
            (the coordinates: 2 or 3; a 2D layout's third channel is the
            keypoint score). Defaults to all.
        progress (bool): Show a progress bar.

    Returns:
        tuple: energies ``(N, P)`` float32 and labels ``(N,)`` int64.
    """
    out, labels = [], []
    for inputs, y in _batches(model, dataloader, progress):
        x = inputs.float()[..., :channels]  # (N, clips, M, T, V, C)
        mask = _as_mask(part_mask, inputs).float()
        present = (x != 0).any(-1).float()  # (N, clips, M, T, V)
        n = present.sum(3)  # frames each joint is present
        mean = (x * present[..., None]).sum(3) / n.clamp(min=1)[..., None]
        dev = ((x - mean[:, :, :, None]) ** 2).sum(-1) * present
        var = dev.sum(3) / n.clamp(min=1)  # (N, clips, M, V)
        seen = (n > 1).float()  # one frame has no variance to measure
        num = (var * seen).flatten(1, 2).sum(1) @ mask.T  # (N, P)
        den = seen.flatten(1, 2).sum(1) @ mask.T
        out.append((num / den.clamp(min=1)).cpu())
        labels.append(y.cpu())
    return (torch.cat(out).numpy().astype(np.float32),
            torch.cat(labels).numpy().astype(np.int64))


def class_mean_scores(scores: np.ndarray, labels: np.ndarray,
                      num_classes: int) -> np.ndarray:
    """Per-class mean of per-sample part scores: ``(N, P) -> (K, P)`` (NaN
    rows for classes without samples)."""
    if labels.size and (labels.min() < 0 or labels.max() >= num_classes):
        raise ValueError(f'labels outside [0, {num_classes})')
    out = np.full((num_classes, scores.shape[1]), np.nan)
    for k in range(num_classes):
        if (labels == k).any():
            out[k] = scores[labels == k].mean(0)
    return out


def class_contrast(scores: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """Each part's score relative to its mean over the classes:
    ``C[k, p] = S[k, p] / mean_k' S[k', p]`` (negative scores count as 0).

    A part every class relies on (a torso the network reads the body's
    position from) scores ~1 everywhere; a part only some classes rely on
    scores far above 1 for those. NaN rows stay NaN.
    """
    s = np.maximum(np.asarray(scores, dtype=np.float64), 0)
    mean = np.nanmean(s, axis=0, keepdims=True)
    return s / np.maximum(mean, eps)


def _fit_probe(x: torch.Tensor, y: torch.Tensor, num_classes: int,
               epochs: int, weight_decay: float) -> torch.Tensor:
    """Multinomial logistic regression, full-batch L-BFGS. Returns W (C+1, K)."""
    w = torch.zeros(x.shape[1] + 1, num_classes, requires_grad=True)
    xb = torch.cat([x, torch.ones(x.shape[0], 1)], 1)
    opt = torch.optim.LBFGS([w], lr=1, max_iter=epochs,
                            line_search_fn='strong_wolfe')

    def closure():
        opt.zero_grad()
        loss = F.cross_entropy(xb @ w, y) + weight_decay * (w[:-1]**2).sum()
        loss.backward()
        return loss

    opt.step(closure)
    return w.detach()


def probe_part_accuracy(features: np.ndarray,
                        labels: np.ndarray,
                        num_classes: int,
                        folds: int = 2,
                        epochs: int = 100,
                        weight_decay: float = 1e-3,
                        seed: int = 0) -> np.ndarray:
    """Held-out per-class accuracy of a linear probe on each part.

    Args:
        features (np.ndarray): ``(N, P, C)`` pooled part features.
        labels (np.ndarray): ``(N,)``.
        num_classes (int): K.
        folds (int): Cross-validation folds (>= 2).
        epochs (int): L-BFGS iterations per probe.
        weight_decay (float): L2 penalty of the probe.
        seed (int): Seed of the fold assignment.

    Returns:
        np.ndarray: ``(K, P)`` accuracies in [0, 1] (NaN for a class with no
        sample).
    """
    if folds < 2:
        raise ValueError('folds must be >= 2')
    if labels.min() < 0 or labels.max() >= num_classes:
        raise ValueError(f'labels outside [0, {num_classes})')
    N, P, _ = features.shape
    fold = np.random.default_rng(seed).permutation(N) % folds
    correct = np.zeros((N, P), dtype=bool)
    y = torch.from_numpy(labels)
    for p in range(P):
        x = torch.from_numpy(features[:, p]).float()
        for f in range(folds):
            train, test = fold != f, fold == f
            mean = x[train].mean(0)
            std = x[train].std(0).clamp(min=1e-6)
            w = _fit_probe((x[train] - mean) / std, y[train], num_classes,
                           epochs, weight_decay)
            xt = torch.cat([(x[test] - mean) / std,
                            torch.ones(int(test.sum()), 1)], 1)
            correct[test, p] = ((xt @ w).argmax(1) == y[test]).numpy()
    acc = np.full((num_classes, P), np.nan)
    for k in range(num_classes):
        if (labels == k).any():
            acc[k] = correct[labels == k].mean(0)
    return acc


def normalize_part_matrix(acc: np.ndarray,
                          temperature: Optional[float] = 0.1,
                          top_m: Optional[int] = None) -> np.ndarray:
    """Rows of per-class part accuracies -> part weights summing to 1.

    Exactly one of ``temperature`` (``softmax(acc[k] / temperature)``) and
    ``top_m`` (weight ``1/m`` on the m best parts of each class) is used;
    ``top_m`` wins when both are given. Classes without samples (NaN rows)
    get uniform weights.
    """
    acc = np.asarray(acc, dtype=np.float64)
    K, P = acc.shape
    out = np.full((K, P), 1. / P)
    for k in range(K):
        if np.isnan(acc[k]).any():
            continue
        if top_m is not None:
            if not 1 <= top_m <= P:
                raise ValueError(f'top_m={top_m} not in [1, {P}]')
            row = np.zeros(P)
            row[np.argsort(-acc[k], kind='stable')[:top_m]] = 1. / top_m
            out[k] = row
        else:
            if not temperature or temperature <= 0:
                raise ValueError('temperature must be > 0')
            z = (acc[k] - acc[k].max()) / temperature
            out[k] = np.exp(z) / np.exp(z).sum()
    return out.astype(np.float32)


def lift_to_part_matrix(lift: np.ndarray,
                        temperature: float = 0.5) -> np.ndarray:
    """Rows of class-contrasted scores (:func:`class_contrast`) -> part
    weights summing to 1: ``softmax(log(lift[k]) / temperature)``, i.e.
    ``lift[k, p] ** (1 / temperature)`` normalised per row.

    ``temperature=1`` shares the row in proportion to the lifts; smaller
    values sharpen it towards the parts far above their average. A part
    with zero lift gets weight 0; rows that are all zero or NaN (no sample,
    or nothing measured) get uniform weights.
    """
    if not temperature or temperature <= 0:
        raise ValueError('temperature must be > 0')
    lift = np.asarray(lift, dtype=np.float64)
    K, P = lift.shape
    out = np.full((K, P), 1. / P)
    for k in range(K):
        row = lift[k]
        if not np.isfinite(row).all() or row.max() <= 0:
            continue
        # scale by the row maximum first: the power cannot overflow
        w = (np.maximum(row, 0) / row.max())**(1. / temperature)
        out[k] = w / w.sum()
    return out.astype(np.float32)


def moving_part_mask(class_parts: Dict[str, Sequence[str]],
                     class_names: Sequence[str],
                     part_names: Sequence[str]) -> np.ndarray:
    """The ground truth of :func:`score_part_matrix`: ``(K, P)`` bool,
    True where class ``k`` moves part ``p``.

    Args:
        class_parts (dict): Class name -> names of the parts it moves (e.g.
            :data:`mmpartkd.datasets.synthetic.SYNTHETIC_CLASS_PARTS`).
        class_names (Sequence[str]): The matrix's classes, in row order.
        part_names (Sequence[str]): The matrix's parts, in column order.
    """
    missing = [c for c in class_names if c not in class_parts]
    if missing:
        raise ValueError(f'no moving parts given for classes {missing}')
    mask = np.zeros((len(class_names), len(part_names)), dtype=bool)
    for k, name in enumerate(class_names):
        unknown = set(class_parts[name]) - set(part_names)
        if unknown:
            raise ValueError(f'class "{name}" moves parts {sorted(unknown)} '
                             f'that are not among {list(part_names)}')
        mask[k] = [p in class_parts[name] for p in part_names]
        if not mask[k].any():
            raise ValueError(f'class "{name}" moves no part')
    return mask


def score_part_matrix(matrix: np.ndarray, moving: np.ndarray,
                      tie_tol: float = 1e-6) -> Dict[str, float]:
    """How right a part matrix is, against the parts each class moves.

    * ``hit_at_1``: the share of classes whose top part is one they move. A
      row whose maximum is tied (within ``tie_tol``) between a moving and a
      non-moving part is a miss: the matrix does not name the moving part.
    * ``mass``: the mean over classes of the weight on the moving parts.

    A uniform matrix scores ``hit_at_1`` = the share of classes that move
    every part and ``mass`` = the mean share of moving parts.

    Args:
        matrix (np.ndarray): ``(K, P)``, rows summing to 1.
        moving (np.ndarray): ``(K, P)`` bool (:func:`moving_part_mask`).
        tie_tol (float): Weights this close to a row's maximum tie with it.

    Returns:
        dict: ``hit_at_1`` (float in [0, 1]), ``hits`` (int), ``mass``,
        ``num_classes``.
    """
    matrix = np.asarray(matrix, dtype=np.float64)
    moving = np.asarray(moving, dtype=bool)
    if matrix.shape != moving.shape:
        raise ValueError(f'matrix {matrix.shape} and moving parts '
                         f'{moving.shape} differ in shape')
    matrix = matrix / matrix.sum(1, keepdims=True)
    top = matrix >= matrix.max(1, keepdims=True) - tie_tol
    hits = int((~top | moving).all(1).sum())
    return dict(hit_at_1=hits / len(matrix), hits=hits,
                mass=float((matrix * moving).sum(1).mean()),
                num_classes=len(matrix))


def measure_part_matrix(model: torch.nn.Module,
                        dataloader,
                        neck: torch.nn.Module,
                        method: str = DEFAULT_PART_MATRIX_METHOD,
                        contrast: Optional[bool] = None,
                        temperature: Optional[float] = None,
                        top_m: Optional[int] = None,
                        fill: str = 'reference',
                        part_block: Optional[int] = None,
                        folds: int = 2,
                        probe_iters: int = 100,
                        seed: int = 0,
                        progress: bool = True
                        ) -> Tuple[np.ndarray, np.ndarray, Dict]:
    """Measure the part matrix of a teacher over a dataloader.

    Args:
        model: The teacher, a GCN recognizer in eval mode.
        dataloader: Its high-quality training set, not shuffled.
        neck: A :class:`PartPoolNeck` on the teacher's layout: its parts
            (``part_names`` and joints) are the matrix's columns.
        method (str): One of :data:`PART_MATRIX_METHODS`.
        contrast (bool, optional): Divide each part's class scores by their
            mean over the classes (:func:`class_contrast`; not for
            ``'probe'``). Defaults to ``DEFAULT_CONTRAST[method]``.
        temperature (float, optional): Row temperature; defaults to
            ``DEFAULT_TEMPERATURE[method]``.
        top_m (int, optional): Weight ``1/m`` on each row's m best parts
            instead of the temperature.
        fill (str): What replaces a removed part (``'occlusion'``).
        part_block (int, optional): Probe the output of
            ``backbone.gcn[part_block]`` (``'probe'``; the other methods
            measure the input, whichever block the distiller pools, and
            ignore it).
        folds, probe_iters, seed: Cross-validation of ``'probe'``.
        progress (bool): Show a progress bar.

    Returns:
        tuple: the matrix ``(K, P)`` float32, the per-class scores it was
        normalised from ``(K, P)`` (NaN rows for classes without samples),
        and a dict of what was used (for the JSON sidecar).
    """
    if method not in PART_MATRIX_METHODS:
        raise ValueError(f'method must be one of {PART_MATRIX_METHODS}, '
                         f'got {method!r}')
    num_classes = model.cls_head.num_classes
    temperature = temperature or DEFAULT_TEMPERATURE[method]
    used = dict(method=method, temperature=None if top_m else temperature,
                top_m=top_m)
    if method == 'probe':
        feats, labels = extract_part_features(model, neck, dataloader,
                                              progress, part_block)
        scores = probe_part_accuracy(feats, labels, num_classes, folds,
                                     probe_iters, seed=seed)
        used.update(folds=folds, part_block=part_block)
        matrix = normalize_part_matrix(
            scores, temperature=None if top_m else temperature, top_m=top_m)
        return matrix, scores, used
    mask = (neck.pool_weight > 0).cpu().numpy()
    if method == 'motion':
        per_sample, labels = part_motion_energy(
            model, dataloader, mask, channels=neck.layout.dims,
            progress=progress)
    elif method == 'occlusion':
        per_sample, labels = occlusion_part_drop(
            model, dataloader, mask, fill=fill, progress=progress)
        used.update(fill=fill)
    else:
        per_sample, labels = gradient_part_saliency(
            model, dataloader, mask, progress=progress)
    scores = class_mean_scores(per_sample, labels, num_classes)
    if contrast is None:
        contrast = DEFAULT_CONTRAST[method]
    lift = class_contrast(scores) if contrast else np.maximum(scores, 0)
    used.update(contrast=contrast)
    if top_m:
        matrix = normalize_part_matrix(
            np.where(np.isnan(scores), np.nan, lift), top_m=top_m)
    else:
        matrix = lift_to_part_matrix(lift, temperature)
    return matrix, scores, used


def plot_part_matrix(matrix: np.ndarray, class_names: Sequence[str],
                     part_names: Sequence[str], path: str,
                     title: str = 'Action-specific part matrix') -> None:
    """Save a heatmap of the matrix (classes x parts) with its values."""
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    K, P = matrix.shape
    fig, ax = plt.subplots(figsize=(1.2 * P + 3, 0.45 * K + 1.8))
    im = ax.imshow(matrix, cmap='viridis', aspect='auto', vmin=0)
    ax.set_xticks(range(P), [p.replace('_', ' ') for p in part_names],
                  rotation=30, ha='right')
    ax.set_yticks(range(K), list(class_names))
    for k in range(K):
        for p in range(P):
            v = matrix[k, p]
            ax.text(p, k, f'{v:.2f}', ha='center', va='center', fontsize=7,
                    color='white' if v < matrix.max() * 0.6 else 'black')
    ax.set_title(title)
    fig.colorbar(im, ax=ax, fraction=0.04)
    fig.tight_layout()
    with atomic_write(path, 'wb') as f:
        fig.savefig(f, format='png', dpi=120)
    plt.close(fig)


def save_part_matrix(path: str, matrix: np.ndarray, scores: np.ndarray,
                     class_names: List[str], part_names: List[str],
                     meta: Dict,
                     scores_name: str = 'probe_accuracy') -> Dict[str, str]:
    """Write ``path`` (.npy), a heatmap PNG and a JSON beside it, each
    atomically, the .npy last: the file configs read is replaced only once
    its heatmap and JSON are on disk. The JSON holds the classes, parts,
    matrix, the per-class ``scores`` it was normalised from (under
    ``scores_name``) and ``meta``. Returns the written paths."""
    base = osp.splitext(path)[0]
    png, js = base + '.png', base + '.json'
    method = meta.get('method')
    plot_part_matrix(
        matrix, class_names, part_names, png,
        title='Action-specific part matrix' +
        (f' ({method})' if method else ''))
    scores = np.asarray(scores, dtype=np.float64)
    with atomic_write(js, 'w') as f:
        json.dump(
            {
                'classes': class_names,
                'parts': part_names,
                'matrix': matrix.tolist(),
                scores_name: np.where(np.isnan(scores), None,
                                      scores).tolist(),
                **meta
            },
            f,
            indent=1)
    with atomic_write(path, 'wb') as f:
        np.save(f, matrix.astype(np.float32))
    return dict(matrix=path, heatmap=png, json=js)
