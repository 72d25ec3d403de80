import numpy as np
import pytest
import torch
from mmengine.dataset import Compose

from mmaction.registry import TRANSFORMS
from mmpartkd.datasets.transforms import CopyHighQuality, RandomJointDrop


def test_registered():
    for name in ('CopyHighQuality', 'PackDistillInputs'):
        assert TRANSFORMS.get(name) is not None


def test_copy_high_quality_is_untouched_by_corruption(sample, missing):
    res = CopyHighQuality()(sample(score=True))
    res = RandomJointDrop(drop_prob=0.9)(res)
    assert missing(res).mean() > 0.8
    assert not (res['hq_keypoint'] == 0).all(-1).any()
    assert (res['hq_keypoint_score'] == 1).all()


def test_copy_high_quality_bad_input_is_named(sample):
    bad = sample()
    bad['keypoint'][0, 0, 0, 0] = np.nan
    with pytest.raises(ValueError, match='NaN'):
        CopyHighQuality()(bad)
    with pytest.raises(ValueError, match='empty skeleton sequence'):
        CopyHighQuality()(dict(keypoint=np.zeros((1, 0, 25, 3), np.float32),
                               frame_dir='e'))


def test_pack_distill_inputs_formats_both_like_format_gcn_input():
    pipeline = Compose([
        dict(type='CopyHighQuality'),
        dict(type='ConvertLayout', source='nturgb+d', target='kinect_v1'),
        dict(type='RandomJointDrop', drop_prob=0.5),
        dict(type='FormatGCNInput', num_person=2),
        dict(type='PackDistillInputs', num_person=2)
    ])
    kp = np.random.default_rng(0).normal(size=(1, 8, 25, 3)).astype('f4')
    out = pipeline(dict(keypoint=kp, label=3, frame_dir='a', sample_idx=5))
    assert out['inputs'].shape == (1, 2, 8, 20, 3)
    ds = out['data_samples']
    assert ds.hq_inputs.shape == (1, 2, 8, 25, 3)
    torch.testing.assert_close(ds.hq_inputs[0, 0], torch.from_numpy(kp[0]))
    assert (ds.hq_inputs[0, 1] == 0).all()  # padded person
    assert ds.metainfo['sample_idx'] == 5 and ds.gt_label.item() == 3


def test_pack_without_copy_is_plain_packing():
    pipeline = Compose([
        dict(type='FormatGCNInput', num_person=1),
        dict(type='PackDistillInputs', num_person=1)
    ])
    out = pipeline(dict(keypoint=np.zeros((1, 4, 25, 3), 'f4'), label=0))
    assert 'hq_inputs' not in out['data_samples']
