import pytest

from mmpartkd.evaluation import (FAMILIES, config_test_pipeline, default_grid,
                                 find_layout, insert_corruption,
                                 strip_corruptions)

PIPELINE = [
    dict(type='PreNormalize3D'),
    dict(type='GenSkeFeat', dataset='nturgb+d', feats=['j']),
    dict(type='UniformSampleFrames', clip_len=16, num_clips=1,
         test_mode=True),
    dict(type='PoseDecode'),
    dict(type='FormatGCNInput', num_person=1),
    dict(type='PackActionInputs'),
]


def test_insert_corruption_position():
    t = dict(type='RandomJointDrop', drop_prob=0.5, test_mode=True)
    out = insert_corruption(PIPELINE, [t])
    assert [s['type'] for s in out][:3] == [
        'PreNormalize3D', 'RandomJointDrop', 'GenSkeFeat'
    ]
    # no normaliser: before the first feature/sampling step
    out = insert_corruption(PIPELINE[1:], [t])
    assert out[0]['type'] == 'RandomJointDrop'
    out = insert_corruption(PIPELINE, [t], insert_after='PoseDecode')
    assert [s['type'] for s in out].index('RandomJointDrop') == 4
    assert PIPELINE[1]['type'] == 'GenSkeFeat'  # input left alone
    with pytest.raises(ValueError, match='NoSuch'):
        insert_corruption(PIPELINE, [t], insert_after='NoSuch')
    # the layout after a ConvertLayout is its target
    conv = [PIPELINE[0], dict(type='ConvertLayout', source='nturgb+d',
                              target='kinect_v1')] + PIPELINE[1:]
    assert find_layout({}, conv) == 'kinect_v1'
    assert find_layout(dict(model=dict(backbone=dict(
        graph_cfg=dict(layout='coco')))), PIPELINE) == 'coco'


def test_default_grid_is_complete():
    grid = default_grid('penn', seed=3)
    fams = [c.family for c in grid]
    assert list(dict.fromkeys(fams)) == list(FAMILIES)
    parts = [c.label for c in grid if c.family == 'part_occlusion']
    assert parts == ['none', 'head', 'torso', 'left_arm', 'right_arm',
                     'left_leg', 'right_leg']
    for fam in FAMILIES:
        cells = [c for c in grid if c.family == fam]
        assert cells[0].is_clean and cells[0].severity == 0
        assert all(not c.is_clean for c in cells[1:])
        assert all(t['test_mode'] and t['seed'] == 3 for c in cells
                   for t in c.transforms)
    with pytest.raises(ValueError, match='no part'):
        default_grid('penn', ['part_occlusion'],
                     dict(part_occlusion=['tail']))


def test_strip_corruptions_and_config_test_pipeline():
    drop = dict(type='RandomJointDrop', drop_prob=1.0, test_mode=True)
    pipeline = PIPELINE[:1] + [drop] + PIPELINE[1:]
    kept, removed = strip_corruptions(pipeline)
    assert kept == PIPELINE and removed == ['RandomJointDrop']
    cfg = dict(test_dataloader=dict(dataset=dict(
        type='RepeatDataset', times=2,
        dataset=dict(type='PoseDataset', pipeline=pipeline))))
    assert config_test_pipeline(cfg) == pipeline
