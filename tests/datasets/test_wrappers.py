import pytest
from mmengine.config import ConfigDict
from mmengine.dataset import RepeatDataset

from mmaction.registry import DATASETS
from mmpartkd.datasets import (dataset_cfg_chain, innermost_dataset_cfg,
                               pipeline_cfg_owner, pipeline_owner)


def wrapped_cfg(ann_file):
    inner = dict(type='PoseDataset', ann_file=ann_file, split='xsub_val',
                 pipeline=[dict(type='PreNormalize3D')])
    return ConfigDict(type='RepeatDataset', times=2,
                      dataset=dict(type='RepeatDataset', times=3,
                                   dataset=inner))


def test_config_side(synthetic_ann_file):
    cfg = wrapped_cfg(synthetic_ann_file)
    chain = dataset_cfg_chain(cfg)
    assert [c['type'] for c in chain] == [
        'RepeatDataset', 'RepeatDataset', 'PoseDataset'
    ]
    assert innermost_dataset_cfg(cfg) is chain[-1]
    assert pipeline_cfg_owner(cfg) is chain[-1]
    plain = dict(type='PoseDataset', pipeline=[])
    assert innermost_dataset_cfg(plain) is pipeline_cfg_owner(plain) is plain
    with pytest.raises(ValueError, match='no "pipeline"'):
        pipeline_cfg_owner(dict(type='RepeatDataset', dataset=dict()))


def test_object_side(synthetic_ann_file):
    from mmengine.registry import init_default_scope
    init_default_scope('mmaction')
    dataset = DATASETS.build(wrapped_cfg(synthetic_ann_file))
    assert isinstance(dataset, RepeatDataset)
    owner = pipeline_owner(dataset)
    assert type(owner).__name__ == 'PoseDataset'
    assert owner is dataset.dataset.dataset
    with pytest.raises(ValueError, match='cannot find the pipeline'):
        pipeline_owner(object())
