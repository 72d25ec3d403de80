# NTU-60 xsub, "partocc" protocol (RA-GCN part occlusion), the students'
# data: one of {left arm, right arm, two hands, two legs, trunk} removed in
# every frame, drawn per sample (docs/method.md#low-quality-protocols).
_base_ = './ntu60_xsub.py'

train_pipeline = [
    dict(type='FastPreNormalize3D'),  # mmaction2's PreNormalize3D, vectorised
    dict(type='GenSkeFeat', dataset='nturgb+d', feats=['j']),
    dict(type='UniformSampleFrames', clip_len=100, num_clips=1,
         test_mode=False),
    dict(type='PoseDecode'),
    dict(type='PartOcclusion', layout='nturgb+d', num_parts=1,
         parts=['left_arm', 'right_arm', [7, 11, 21, 22, 23, 24],
                [12, 13, 14, 15, 16, 17, 18, 19], 'torso'],
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
    dict(type='PartOcclusion', layout='nturgb+d', num_parts=1,
         parts=['left_arm', 'right_arm', [7, 11, 21, 22, 23, 24],
                [12, 13, 14, 15, 16, 17, 18, 19], 'torso'],
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
    dict(type='PartOcclusion', layout='nturgb+d', num_parts=1,
         parts=['left_arm', 'right_arm', [7, 11, 21, 22, 23, 24],
                [12, 13, 14, 15, 16, 17, 18, 19], 'torso'],
         test_mode=True),
    dict(type='FormatGCNInput', num_person=2),
    dict(type='PackActionInputs'),
]

train_dataloader = dict(
    dataset=dict(dataset=dict(pipeline=train_pipeline)))
val_dataloader = dict(dataset=dict(pipeline=val_pipeline))
test_dataloader = dict(dataset=dict(pipeline=test_pipeline))
