# NTU-60 xsub, "drop60" protocol (SKD), the students' data: 60 % of the
# (frame, joint, person) entries dropped, each mean-imputed from the
# non-missing entries within +-3 frames
# (docs/method.md#low-quality-protocols).
_base_ = './ntu60_xsub.py'

train_pipeline = [
    dict(type='FastPreNormalize3D'),  # mmaction2's PreNormalize3D, vectorised
    dict(type='GenSkeFeat', dataset='nturgb+d', feats=['j']),
    dict(type='UniformSampleFrames', clip_len=100, num_clips=1,
         test_mode=False),
    dict(type='PoseDecode'),
    dict(type='RandomJointDrop', drop_prob=0.6, impute_window=3,
         test_mode=False),
    dict(type='FormatGCNInput', num_person=2),
    dict(type='PackActionInputs'),
]
val_pipeline = [
    dict(type='FastPreNormalize3D'),
    dict(type='GenSkeFeat', dataset='nturgb+d', feats=['j']),
    dict(type='UniformSampleFrames', clip_len=100, num_clips=1,
         test_mode=True),
    dict(type='PoseDecode'),
    dict(type='RandomJointDrop', drop_prob=0.6, impute_window=3,
         test_mode=True),
    dict(type='FormatGCNInput', num_person=2),
    dict(type='PackActionInputs'),
]
test_pipeline = [
    dict(type='FastPreNormalize3D'),
    dict(type='GenSkeFeat', dataset='nturgb+d', feats=['j']),
    dict(type='UniformSampleFrames', clip_len=100, num_clips=10,
         test_mode=True),
    dict(type='PoseDecode'),
    dict(type='RandomJointDrop', drop_prob=0.6, impute_window=3,
         test_mode=True),
    dict(type='FormatGCNInput', num_person=2),
    dict(type='PackActionInputs'),
]

train_dataloader = dict(
    dataset=dict(dataset=dict(pipeline=train_pipeline)))
val_dataloader = dict(dataset=dict(pipeline=val_pipeline))
test_dataloader = dict(dataset=dict(pipeline=test_pipeline))
