# The embedded synthetic dataset, cross-subject split, for the linear
# evaluation of IKEM encoders (docs/method.md#linear-evaluation):
# skeletons centred, aligned and resized to 16 frames, the six modalities,
# no augmentation, one clip.
#
# ann_file, here and in every dataset base, is relative to the repository
# root, where tools/train.py and tools/test.py are run (mmaction2's
# convention for data/...).
dataset_type = 'PoseDataset'
ann_file = 'data/synthetic/synthetic_3d.pkl'

train_pipeline = [
    dict(type='IKEMPreNormalize', layout='nturgb+d', clip_len=16),
    dict(
        type='GenSkeModalities',
        layout='nturgb+d',
        modalities=('joint', 'motion', 'bone', 'acceleration',
                    'rotation_axis', 'angular_velocity')),
    dict(type='FormatGCNInput', num_person=1),
    dict(type='PackActionInputs'),
]
val_pipeline = train_pipeline
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
        split='xsub_train'))
val_dataloader = dict(
    batch_size=64,
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
