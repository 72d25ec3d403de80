# Distillation on Penn Action, "mild" protocol: each training sample is packed
# twice, every annotated joint for the teacher (CopyHighQuality before the
# corruptions) and the low-quality copy for the student. Validation and
# test: the student's low-quality data.
_base_ = './penn_official_mild.py'

train_pipeline = [
    dict(type='PreNormalize2D'),
    dict(type='UniformSampleFrames', clip_len=32, num_clips=1,
         test_mode=False),
    dict(type='PoseDecode'),
    dict(type='CopyHighQuality'),
    dict(type='MaskInvisibleJoints'),
    dict(type='RandomJointDrop', drop_prob=0.5, test_mode=False),
    dict(type='JointJitter', sigma=0.02, test_mode=False),
    dict(type='FormatGCNInput', num_person=1),
    dict(type='PackDistillInputs', num_person=1),
]

train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
