# Heterogeneous synthetic task "3D -> 2D", the students' data: the
# synthetic nturgb+d skeletons projected to 2D (ProjectTo2D, orthographic
# after PreNormalize3D: the (x, y) of each joint; the student's backbone takes
# in_channels=2), then the synthetic low-quality protocol of
# synthetic_xsub_lq.py (60 % joint drop, jitter 0.05, one limb occluded in
# half the samples) on the 2D joints. Missing joints are (0, 0), as in 3D:
# no keypoint_score is made (docs/method.md#modalities,
# #low-quality-protocols).
_base_ = './synthetic_xsub.py'

train_pipeline = [
    dict(type='PreNormalize3D'),
    dict(type='GenSkeFeat', dataset='nturgb+d', feats=['j']),
    dict(type='UniformSampleFrames', clip_len=32, num_clips=1,
         test_mode=False),
    dict(type='PoseDecode'),
    dict(type='ProjectTo2D', mode='orthographic'),
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
    dict(type='ProjectTo2D', mode='orthographic'),
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
