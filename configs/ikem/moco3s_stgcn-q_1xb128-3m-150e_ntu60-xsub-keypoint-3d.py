# Baseline: joint / motion / bone encoders trained with MoCo alone
# (3s-SkeletonCLR-style, no teacher, no cross phase), 150 epochs like the
# relational-KD student.
_base_ = './ikem-pretrain_stgcn-q_1xb128-6m-300e_ntu60-xsub-keypoint-3d.py'

model = dict(
    modalities=('joint', 'motion', 'bone'),
    input_modalities={{_base_.model.modalities}},
    use_ikem=False)
train_cfg = dict(max_epochs=150)
custom_hooks = [dict(type='IKEMPhaseSwitchHook', cross_epoch=None)]
param_scheduler = [
    dict(type='MultiStepLR', by_epoch=True, milestones=[125], gamma=0.1)
]
