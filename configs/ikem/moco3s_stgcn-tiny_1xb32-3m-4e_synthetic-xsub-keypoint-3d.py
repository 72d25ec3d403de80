# Baseline student: the three student encoders (joint, motion, bone) trained
# with MoCo alone (independent per modality, no teacher, no cross phase) for
# as many epochs as the relational-KD student (4).
_base_ = './ikem-pretrain_stgcn-tiny_1xb32-6m-4e_synthetic-xsub-keypoint-3d.py'

model = dict(
    modalities=('joint', 'motion', 'bone'),
    input_modalities={{_base_.model.modalities}},
    use_ikem=False)
custom_hooks = [dict(type='IKEMPhaseSwitchHook', cross_epoch=None)]
