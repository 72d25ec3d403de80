# Penn Action (real labels: 13 2D joints + visibility, 15 classes, official
# train / test split), every annotated joint: the teacher's data (the
# annotators' estimates fill the invisible joints; the visibility is the
# third channel). 32-frame clips, batch 32, sized for 2 CPU cores.
# Build the annotation file from ../shared first:
#   python tools/data/penn_action.py ../shared/data/penn_action/labels
# (writes data/penn_action/penn_2d.pkl).
#
# ann_file, here and in every dataset base, is relative to the repository
# root, where tools/train.py and tools/test.py are run (mmaction2's
# convention for data/...).
# SafePoseDataset: PoseDataset with clear errors for bad annotation files and
# an optional class-stratified subset (a held-out part, small-data studies)
dataset_type = 'SafePoseDataset'
ann_file = 'data/penn_action/penn_2d.pkl'

train_pipeline = [
    dict(type='PreNormalize2D'),
    dict(type='UniformSampleFrames', clip_len=32, num_clips=1,
         test_mode=False),
    dict(type='PoseDecode'),
    dict(type='FormatGCNInput', num_person=1),
    dict(type='PackActionInputs'),
]
val_pipeline = [
    dict(type='PreNormalize2D'),
    dict(type='UniformSampleFrames', clip_len=32, num_clips=1,
         test_mode=True),
    dict(type='PoseDecode'),
    dict(type='FormatGCNInput', num_person=1),
    dict(type='PackActionInputs'),
]
test_pipeline = val_pipeline

train_dataloader = dict(
    batch_size=32,
    num_workers=1,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        type=dataset_type,
        ann_file=ann_file,
        pipeline=train_pipeline,
        split='train',
        test_mode=False))
val_dataloader = dict(
    batch_size=32,
    num_workers=1,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type,
        ann_file=ann_file,
        pipeline=val_pipeline,
        split='test',
        test_mode=True))
test_dataloader = val_dataloader

val_evaluator = [dict(type='AccMetric')]
test_evaluator = val_evaluator
