# Distillation on NTU-60 xsub, "drop60" protocol: each training sample is
# packed twice, the clean copy for the teacher (CopyHighQuality before the
# protocol) and the low-quality one for the student. Validation and test:
# the student's low-quality data.
_base_ = './ntu60_xsub_drop60.py'

train_pipeline = [
    dict(type='FastPreNormalize3D'),  # mmaction2's PreNormalize3D, vectorised
    dict(type='GenSkeFeat', dataset='nturgb+d', feats=['j']),
    dict(type='UniformSampleFrames', clip_len=100, num_clips=1,
         test_mode=False),
    dict(type='PoseDecode'),
    dict(type='CopyHighQuality'),
    dict(type='RandomJointDrop', drop_prob=0.6, impute_window=3,
         test_mode=False),
    dict(type='FormatGCNInput', num_person=2),
    dict(type='PackDistillInputs', num_person=2),
]

train_dataloader = dict(
    dataset=dict(dataset=dict(pipeline=train_pipeline)))
