# Baseline student: the three student encoders (joint, motion, bone) trained
# with MoCo alone (independent per modality, no teacher, no cross phase),
# the teacher's recipe (models/ikem_stgcn_tiny.py) for as many epochs as
# the relational-KD student (4).
_base_ = [
    '../_base_/models/ikem_stgcn_tiny.py',
    '../_base_/datasets/synthetic_xsub_ikem_ssl.py',
    '../_base_/schedules/sgd_ssl_4e.py'
]

model = dict(
    modalities=('joint', 'motion', 'bone'),
    input_modalities={{_base_.model.modalities}},
    use_ikem=False)
custom_hooks = [dict(type='IKEMPhaseSwitchHook', cross_epoch=None)]
