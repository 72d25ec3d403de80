"""The action-specific part matrix from a frozen teacher
(docs/method.md#part-matrix).

``A[k, p]`` says how much body part ``p`` matters for action ``k``. It is
measured, not guessed: the teacher's backbone features are pooled per part
over the high-quality training set; a linear probe per part is trained with
k-fold cross-validation; ``acc[k, p]`` is the held-out accuracy of part
``p``'s probe on the samples of class ``k``. Rows are then normalised per
class: ``softmax(acc[k] / temperature)`` or a top-m mask.
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

__all__ = [
    'extract_part_features', 'probe_part_accuracy', 'normalize_part_matrix',
    'plot_part_matrix', 'save_part_matrix'
]


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


def save_part_matrix(path: str, matrix: np.ndarray, accuracy: np.ndarray,
                     class_names: List[str], part_names: List[str],
                     meta: Dict) -> Dict[str, str]:
    """Write ``path`` (.npy), a heatmap PNG and a JSON of the raw
    accuracies beside it, each atomically, the .npy last: the file configs
    read is replaced only once its heatmap and JSON are on disk. Returns the
    written paths."""
    base = osp.splitext(path)[0]
    png, js = base + '.png', base + '.json'
    plot_part_matrix(matrix, class_names, part_names, png)
    with atomic_write(js, 'w') as f:
        json.dump(
            dict(
                classes=class_names,
                parts=part_names,
                matrix=matrix.tolist(),
                probe_accuracy=np.where(np.isnan(accuracy), None,
                                        accuracy).tolist(),
                **meta),
            f,
            indent=1)
    with atomic_write(path, 'wb') as f:
        np.save(f, matrix.astype(np.float32))
    return dict(matrix=path, heatmap=png, json=js)
