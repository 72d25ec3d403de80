# Distillation on the heterogeneous Penn Action task of
# penn_official_harsh_9j.py: each training sample is packed twice, the
# teacher's copy (all 13 annotated penn joints + visibility; CopyHighQuality
# before the layout change and the corruptions) and the 9-joint low-quality
# one for the student. Validation and test: the student's data.
_base_ = './penn_official_harsh_9j.py'

train_pipeline = [
    dict(type='PreNormalize2D'),
    dict(type='UniformSampleFrames', clip_len=32, num_clips=1,
         test_mode=False),
    dict(type='PoseDecode'),
    dict(type='CopyHighQuality'),
    dict(type='ConvertLayout', source='penn',
         target={{_base_.penn_9j_layout}},
         mapping={{_base_.penn_9j_mapping}}),
    dict(type='MaskInvisibleJoints'),
    dict(type='RandomJointDrop', drop_prob=0.8, test_mode=False),
    dict(type='JointJitter', sigma=0.05, test_mode=False),
    dict(type='FormatGCNInput', num_person=1),
    dict(type='PackDistillInputs', num_person=1),
]

train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
