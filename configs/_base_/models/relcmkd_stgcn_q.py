# Relational cross-modality KD (docs/method.md#relational-cmkd): the frozen
# six-modality IKEM teacher (the encoders and projectors of
# models/ikem_stgcn_q.py) distilled into joint / motion / bone student
# encoders of the same size. Configs set teacher_ckpt (relative to the
# config file, from any working directory). As upstream: dropout 0.5 in the
# student encoders, the student side drawn from N(0, 0.02).
model = dict(
    type='RelationalCMKD',
    teacher=dict(
        type='MultiModalMoCo',
        backbone=dict(
            type='STGCN',
            base_channels=16,
            graph_cfg=dict(layout='nturgb+d', mode='stgcn_spatial')),
        modalities=('joint', 'motion', 'bone', 'acceleration',
                    'rotation_axis', 'angular_velocity'),
        feat_dim=64,
        proj_dim=128,
        queue_size=32768),
    teacher_ckpt=None,
    backbone=dict(
        type='STGCN',
        base_channels=16,
        tcn_dropout=0.5,
        graph_cfg=dict(layout='nturgb+d', mode='stgcn_spatial')),
    student_modalities=('joint', 'motion', 'bone'),
    input_modalities=('joint', 'motion', 'bone', 'acceleration',
                      'rotation_axis', 'angular_velocity'),
    feat_dim=64,
    queue_size=32768,
    temperature=0.07,
    topk=1,
    context=True,
    init_std=0.02)
