# Distillation on the heterogeneous synthetic task of
# synthetic_xsub_lq_2d.py: each training sample is packed twice, the
# teacher's clean copy (the 3D skeleton; CopyHighQuality before the
# projection and the corruptions) and the 2D low-quality one for the
# student (PackDistillInputs). Validation and test: the student's data.
_base_ = './synthetic_xsub_lq_2d.py'

train_pipeline = [
    dict(type='PreNormalize3D'),
    dict(type='GenSkeFeat', dataset='nturgb+d', feats=['j']),
    dict(type='UniformSampleFrames', clip_len=32, num_clips=1,
         test_mode=False),
    dict(type='PoseDecode'),
    dict(type='CopyHighQuality'),
    dict(type='ProjectTo2D', mode='orthographic'),
    dict(type='RandomJointDrop', drop_prob=0.6, test_mode=False),
    dict(type='JointJitter', sigma=0.05, test_mode=False),
    dict(type='PartOcclusion', layout='nturgb+d', num_parts=1, p=0.5,
         parts=['left_arm', 'right_arm', 'left_leg', 'right_leg'],
         test_mode=False),
    dict(type='FormatGCNInput', num_person=1),
    dict(type='PackDistillInputs', num_person=1),
]

train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
