# The low-quality protocol of the synthetic task, the students' data:
# SKD-style 60 % joint drop, scale-normalised jitter (sigma = 0.05 of the
# per-frame bbox diagonal) and, in half the samples, one whole limb
# occluded. Test-time corruptions use test_mode=True: a fixed corruption per
# sample, identical in every run (docs/method.md#low-quality-protocols).
_base_ = './synthetic_xsub.py'

train_pipeline = [
    dict(type='PreNormalize3D'),
    dict(type='GenSkeFeat', dataset='nturgb+d', feats=['j']),
    dict(type='UniformSampleFrames', clip_len=32, num_clips=1,
         test_mode=False),
    dict(type='PoseDecode'),
    dict(type='RandomJointDrop', drop_prob=0.6, test_mode=False),
    dict(type='JointJitter', sigma=0.05, test_mode=False),
    dict(type='PartOcclusion', layout='nturgb+d', num_parts=1, p=0.5,
         parts=['left_arm', 'right_arm', 'left_leg', 'right_leg'],
         test_mode=False),
    dict(type='FormatGCNInput', num_person=1),
    dict(type='PackActionInputs'),
]
val_pipeline = [
    dict(type='PreNormalize3D'),
    dict(type='GenSkeFeat', dataset='nturgb+d', feats=['j']),
    dict(type='UniformSampleFrames', clip_len=32, num_clips=1,
         test_mode=True),
    dict(type='PoseDecode'),
    dict(type='RandomJointDrop', drop_prob=0.6, test_mode=True),
    dict(type='JointJitter', sigma=0.05, test_mode=True),
    dict(type='PartOcclusion', layout='nturgb+d', num_parts=1, p=0.5,
         parts=['left_arm', 'right_arm', 'left_leg', 'right_leg'],
         test_mode=True),
    dict(type='FormatGCNInput', num_person=1),
    dict(type='PackActionInputs'),
]
test_pipeline = val_pipeline

train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=val_pipeline))
test_dataloader = dict(dataset=dict(pipeline=test_pipeline))
