"""A class-stratified, deterministic part of a dataset split.

Used to hold out a part of the training split for choosing loss weights
without touching the test split, and to study small training sets (e.g. a
quarter of Penn Action's training split) with the same class balance as the
whole split.
"""
from typing import List, Sequence

import numpy as np

__all__ = ['stratified_subset']


def stratified_subset(labels: Sequence[int], fraction: float, seed: int = 0,
                      rest: bool = False) -> List[int]:
    """Indices of a class-stratified ``fraction`` of the samples.

    Per class, a seeded permutation of its samples is cut after
    ``round(fraction * n)`` of them (at least one, at most ``n - 1`` when
    ``0 < fraction < 1`` and the class has two or more samples, so that
    both the part and the rest hold every such class). The same
    ``(labels, fraction, seed)`` always gives the same cut, and the part and
    the rest (``rest=True``) partition the samples.

    Args:
        labels (Sequence[int]): Label of each sample, shape (N, ).
        fraction (float): Share of each class in the part, in (0, 1].
        seed (int): Seed of the per-class permutations.
        rest (bool): Return the indices NOT in the part (the held-out
            rest) instead.

    Returns:
        list[int]: Sorted sample indices.
    """
    if not 0. < fraction <= 1.:
        raise ValueError(f'subset fraction={fraction} not in (0, 1]')
    labels = np.asarray(labels)
    rng = np.random.default_rng(seed)
    chosen = np.zeros(len(labels), dtype=bool)
    for label in np.unique(labels):
        members = np.flatnonzero(labels == label)
        n = len(members)
        k = int(round(fraction * n))
        if fraction < 1. and n >= 2:
            k = min(max(k, 1), n - 1)
        chosen[rng.permutation(members)[:k]] = True
    return np.flatnonzero(~chosen if rest else chosen).tolist()
