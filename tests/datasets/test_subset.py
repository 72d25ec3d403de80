"""A stratified part of a split: deterministic, class-balanced, and with
its rest a partition of the samples; SafePoseDataset applies it."""
import pickle

import numpy as np
import pytest

from mmpartkd.datasets import SafePoseDataset, stratified_subset


def test_stratified_subset_balanced_and_partition():
    labels = [0] * 10 + [1] * 20 + [2] * 3 + [3]
    part = stratified_subset(labels, 0.25, seed=1)
    rest = stratified_subset(labels, 0.25, seed=1, rest=True)
    assert sorted(part + rest) == list(range(len(labels)))
    counts = np.bincount(np.asarray(labels)[part], minlength=4)
    # round(2.5) = 2, 5 of 20, at least one of 3, the single sample stays
    assert counts.tolist() == [2, 5, 1, 0]
    assert part == stratified_subset(labels, 0.25, seed=1)
    assert part != stratified_subset(labels, 0.25, seed=2)
    # a class of two or more is in both the part and the rest
    assert np.bincount(np.asarray(labels)[stratified_subset(
        labels, 0.99, rest=True)], minlength=4)[:3].min() == 1
    assert stratified_subset(labels, 1.0) == list(range(len(labels)))
    with pytest.raises(ValueError, match='fraction=0'):
        stratified_subset(labels, 0.)


def _ann_file(tmp_path, labels):
    kp = np.zeros((1, 4, 3, 2), np.float32)
    annos = [dict(frame_dir=f's{i}', label=lab, keypoint=kp + i,
                  total_frames=4) for i, lab in enumerate(labels)]
    path = tmp_path / 'a.pkl'
    with open(path, 'wb') as f:
        pickle.dump(dict(split=dict(train=[a['frame_dir'] for a in annos]),
                         annotations=annos), f)
    return str(path)


def test_safe_pose_dataset_subset(tmp_path):
    labels = [0] * 8 + [1] * 4
    path = _ann_file(tmp_path, labels)
    full = SafePoseDataset(path, [], split='train')
    fit = SafePoseDataset(path, [], split='train',
                          subset=dict(fraction=0.75, seed=3))
    held = SafePoseDataset(path, [], split='train',
                           subset=dict(fraction=0.75, seed=3, rest=True))
    names = lambda ds: [ds.get_data_info(i)['frame_dir']  # noqa: E731
                        for i in range(len(ds))]
    assert len(full) == 12 and len(fit) == 9 and len(held) == 3
    assert sorted(names(fit) + names(held)) == sorted(names(full))
    assert [fit.get_data_info(i)['label'] for i in range(9)].count(1) == 3
    # sample_idx counts within the subset (paired_mask hashes it)
    assert [fit.get_data_info(i)['sample_idx'] for i in range(9)] == \
        list(range(9))
    with pytest.raises(ValueError, match='expected'):
        SafePoseDataset(path, [], split='train', subset=dict(frac=0.5))
