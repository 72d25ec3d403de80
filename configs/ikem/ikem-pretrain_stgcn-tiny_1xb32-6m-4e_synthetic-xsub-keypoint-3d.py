# IKEM teacher pretraining on the synthetic data: six modalities, epochs 1-2
# independent MoCo, epochs 3-4 cross-modal positive mining + IKEM.
_base_ = [
    '../_base_/models/ikem_stgcn_tiny.py',
    '../_base_/datasets/synthetic_xsub_ikem_ssl.py',
    '../_base_/schedules/sgd_ssl_4e.py'
]

custom_hooks = [dict(type='IKEMPhaseSwitchHook', cross_epoch=2)]
