# NTU-60 xsub, "kinectv1" protocol (heterogeneous layout), the students'
# data: the 20 Kinect v1 joints of each skeleton (the student's graph must
# use layout='kinect_v1'; docs/method.md#part-matching).
_base_ = './ntu60_xsub.py'

train_pipeline = [
    dict(type='FastPreNormalize3D'),  # mmaction2's PreNormalize3D, vectorised
    dict(type='GenSkeFeat', dataset='nturgb+d', feats=['j']),
    dict(type='UniformSampleFrames', clip_len=100, num_clips=1,
         test_mode=False),
    dict(type='PoseDecode'),
    dict(type='ConvertLayout', source='nturgb+d', target='kinect_v1'),
    dict(type='FormatGCNInput', num_person=2),
    dict(type='PackActionInputs'),
]
val_pipeline = [
    dict(type='FastPreNormalize3D'),
    dict(type='GenSkeFeat', dataset='nturgb+d', feats=['j']),
    dict(type='UniformSampleFrames', clip_len=100, num_clips=1,
         test_mode=True),
    dict(type='PoseDecode'),
    dict(type='ConvertLayout', source='nturgb+d', target='kinect_v1'),
    dict(type='FormatGCNInput', num_person=2),
    dict(type='PackActionInputs'),
]
test_pipeline = [
    dict(type='FastPreNormalize3D'),
    dict(type='GenSkeFeat', dataset='nturgb+d', feats=['j']),
    dict(type='UniformSampleFrames', clip_len=100, num_clips=10,
         test_mode=True),
    dict(type='PoseDecode'),
    dict(type='ConvertLayout', source='nturgb+d', target='kinect_v1'),
    dict(type='FormatGCNInput', num_person=2),
    dict(type='PackActionInputs'),
]

train_dataloader = dict(
    dataset=dict(dataset=dict(pipeline=train_pipeline)))
val_dataloader = dict(dataset=dict(pipeline=val_pipeline))
test_dataloader = dict(dataset=dict(pipeline=test_pipeline))
