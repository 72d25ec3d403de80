# Baseline student on Penn Action: the three student encoders (joint,
# motion, bone) trained with MoCo alone (independent per modality, no
# teacher, no cross phase), the teacher's recipe for as many epochs as the
# relational-KD student (3).
_base_ = [
    '../_base_/models/ikem_stgcn_tiny.py',
    '../_base_/datasets/penn_official_ikem_ssl.py',
    '../_base_/schedules/sgd_ssl_4e.py'
]

model = dict(
    backbone=dict(graph_cfg=dict(layout='penn')),
    queue_size=512,
    modalities=('joint', 'motion', 'bone'),
    input_modalities={{_base_.model.modalities}},
    use_ikem=False)
train_cfg = dict(max_epochs=3)
param_scheduler = [
    dict(type='MultiStepLR', by_epoch=True, milestones=[2], gamma=0.1)
]
default_hooks = dict(checkpoint=dict(interval=3))
custom_hooks = [dict(type='IKEMPhaseSwitchHook', cross_epoch=None)]
