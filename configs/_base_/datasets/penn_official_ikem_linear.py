# Penn Action, official split, for the linear evaluation of IKEM encoders
# (docs/method.md#linear-evaluation): the normalisation of
# penn_official_ikem_ssl.py (PreNormalize2D, then every frame centred on
# its shoulder midpoint and resized to 24 frames), the six modalities, no
# augmentation, one clip; trained on `train`, validated and tested on the
# official `test` split (1068 sequences).
dataset_type = 'PoseDataset'
ann_file = 'data/penn_action/penn_2d.pkl'
clip_len = 24
modalities = ('joint', 'motion', 'bone', 'acceleration', 'rotation_axis',
              'angular_velocity')

train_pipeline = [
    dict(type='PreNormalize2D'),
    dict(type='IKEMPreNormalize', layout='penn', clip_len=clip_len),
    dict(type='GenSkeModalities', layout='penn', modalities=modalities),
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
        split='train'))
val_dataloader = dict(
    batch_size=64,
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
