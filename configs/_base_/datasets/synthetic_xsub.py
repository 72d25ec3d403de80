# The embedded synthetic dataset (tools/data/generate_synthetic.py: nturgb+d
# layout, 10 classes, 1 person), cross-subject split, clean skeletons: the
# teacher's data. 32-frame clips, batch 32, sized for 2 CPU cores.
#
# ann_file, here and in every dataset base, is relative to the repository
# root, where tools/train.py and tools/test.py are run (mmaction2's
# convention for data/...).
dataset_type = 'SafePoseDataset'  # PoseDataset with clear errors on bad files
ann_file = 'data/synthetic/synthetic_3d.pkl'

train_pipeline = [
    dict(type='PreNormalize3D'),
    dict(type='GenSkeFeat', dataset='nturgb+d', feats=['j']),
    dict(type='UniformSampleFrames', clip_len=32, num_clips=1,
         test_mode=False),
    dict(type='PoseDecode'),
    dict(type='FormatGCNInput', num_person=1),
    dict(type='PackActionInputs'),
]
val_pipeline = [
    dict(type='PreNormalize3D'),
    dict(type='GenSkeFeat', dataset='nturgb+d', feats=['j']),
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
        split='xsub_train',
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
        split='xsub_val',
        test_mode=True))
test_dataloader = val_dataloader

val_evaluator = [dict(type='AccMetric')]
test_evaluator = val_evaluator
