# IKEM teacher pretraining on the synthetic data: six modalities, epochs 1-9
# independent MoCo (lr 0.1), epoch 10 cross-modal positive mining + IKEM
# (lr 0.01). The cross phase pulls young embeddings together
# (configs/ikem/README.md, "Why the previous synthetic teacher
# collapsed"): a long independent phase, a short cross phase.
_base_ = [
    '../_base_/models/ikem_stgcn_tiny.py',
    '../_base_/datasets/synthetic_xsub_ikem_ssl.py',
    '../_base_/schedules/sgd_ssl_10e.py'
]

custom_hooks = [dict(type='IKEMPhaseSwitchHook', cross_epoch=9)]
