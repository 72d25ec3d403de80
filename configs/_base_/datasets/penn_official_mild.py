# Penn Action, "mild" protocol, the students' data: the joints annotated
# as invisible are removed (MaskInvisibleJoints), then 50 % of the
# remaining joints are dropped and the rest jittered (sigma = 0.02 x bbox
# diagonal); docs/method.md#low-quality-protocols.
_base_ = './penn_official.py'

train_pipeline = [
    dict(type='PreNormalize2D'),
    dict(type='UniformSampleFrames', clip_len=32, num_clips=1,
         test_mode=False),
    dict(type='PoseDecode'),
    dict(type='MaskInvisibleJoints'),
    dict(type='RandomJointDrop', drop_prob=0.5, test_mode=False),
    dict(type='JointJitter', sigma=0.02, test_mode=False),
    dict(type='FormatGCNInput', num_person=1),
    dict(type='PackActionInputs'),
]
val_pipeline = [
    dict(type='PreNormalize2D'),
    dict(type='UniformSampleFrames', clip_len=32, num_clips=1,
         test_mode=True),
    dict(type='PoseDecode'),
    dict(type='MaskInvisibleJoints'),
    dict(type='RandomJointDrop', drop_prob=0.5, test_mode=True),
    dict(type='JointJitter', sigma=0.02, test_mode=True),
    dict(type='FormatGCNInput', num_person=1),
    dict(type='PackActionInputs'),
]
test_pipeline = val_pipeline

train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=val_pipeline))
test_dataloader = dict(dataset=dict(pipeline=test_pipeline))
