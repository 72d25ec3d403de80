# Baseline student: the three student encoders (joint, motion, bone) trained
# with MoCo alone (independent per modality, no teacher, no cross phase) for
# as many epochs as the relational-KD student (4).
_base_ = './ikem-pretrain_stgcn-tiny_1xb32-4e_synthetic-xsub-3d.py'

model = dict(
    modalities={{_base_.student_modalities}},
    input_modalities={{_base_.modalities}},
    use_ikem=False)

custom_hooks = [dict(type='IKEMPhaseSwitchHook', cross_epoch=None)]
