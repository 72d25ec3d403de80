# Heterogeneous synthetic task "25 -> 20 joints", the students' data: the
# synthetic nturgb+d skeletons converted to the 20 Kinect v1 joints
# (ConvertLayout; the student's graph and neck use layout='kinect_v1'), then
# the synthetic low-quality protocol of synthetic_xsub_lq.py (60 % joint
# drop, jitter 0.05, one limb occluded in half the samples) on those 20
# joints (docs/method.md#part-matching, #low-quality-protocols).
_base_ = './synthetic_xsub.py'

train_pipeline = [
    dict(type='PreNormalize3D'),
    dict(type='GenSkeFeat', dataset='nturgb+d', feats=['j']),
    dict(type='UniformSampleFrames', clip_len=32, num_clips=1,
         test_mode=False),
    dict(type='PoseDecode'),
    dict(type='ConvertLayout', source='nturgb+d', target='kinect_v1'),
    dict(type='RandomJointDrop', drop_prob=0.6, test_mode=False),
    dict(type='JointJitter', sigma=0.05, test_mode=False),
    dict(type='PartOcclusion', layout='kinect_v1', num_parts=1, p=0.5,
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
    dict(type='ConvertLayout', source='nturgb+d', target='kinect_v1'),
    dict(type='RandomJointDrop', drop_prob=0.6, test_mode=True),
    dict(type='JointJitter', sigma=0.05, test_mode=True),
    dict(type='PartOcclusion', layout='kinect_v1', num_parts=1, p=0.5,
         parts=['left_arm', 'right_arm', 'left_leg', 'right_leg'],
         test_mode=True),
    dict(type='FormatGCNInput', num_person=1),
    dict(type='PackActionInputs'),
]
test_pipeline = val_pipeline

train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=val_pipeline))
test_dataloader = dict(dataset=dict(pipeline=test_pipeline))
