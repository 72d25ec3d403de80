# Penn Action, "harsh" low-quality protocol (penn_official_harsh.py,
# docs/method.md#low-quality-protocols), for the linear evaluation of IKEM
# encoders: after the normalisation of penn_official_ikem_linear.py, the
# joints annotated as invisible are removed (MaskInvisibleJoints), 80 % of
# the rest dropped and the rest jittered (sigma = 0.05 x bbox diagonal),
# in training and test, BEFORE the modalities are computed. A missing joint
# is 0, the frame's shoulder midpoint; what its bone, motion and angle
# become: docs/method.md#modalities. The centre is computed before the
# corruption, from the annotated shoulders (configs/ikem/README.md,
# "Penn Action").
_base_ = './penn_official_ikem_linear.py'

train_pipeline = [
    dict(type='PreNormalize2D'),
    dict(type='IKEMPreNormalize', layout='penn', clip_len={{_base_.clip_len}}),
    dict(type='MaskInvisibleJoints'),
    dict(type='RandomJointDrop', drop_prob=0.8, test_mode=False),
    dict(type='JointJitter', sigma=0.05, test_mode=False),
    dict(type='GenSkeModalities', layout='penn',
         modalities={{_base_.modalities}}),
    dict(type='FormatGCNInput', num_person=1),
    dict(type='PackActionInputs'),
]
val_pipeline = [
    dict(type='PreNormalize2D'),
    dict(type='IKEMPreNormalize', layout='penn', clip_len={{_base_.clip_len}}),
    dict(type='MaskInvisibleJoints'),
    dict(type='RandomJointDrop', drop_prob=0.8, test_mode=True),
    dict(type='JointJitter', sigma=0.05, test_mode=True),
    dict(type='GenSkeModalities', layout='penn',
         modalities={{_base_.modalities}}),
    dict(type='FormatGCNInput', num_person=1),
    dict(type='PackActionInputs'),
]
test_pipeline = val_pipeline

train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=val_pipeline))
test_dataloader = dict(dataset=dict(pipeline=test_pipeline))
