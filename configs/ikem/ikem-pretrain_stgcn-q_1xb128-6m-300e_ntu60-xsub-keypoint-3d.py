# IKEM teacher pretraining at the paper's settings: six modalities, epochs
# 1-150 independent MoCo per modality, 151-300 cross-modal positive mining
# + IKEM (docs/method.md#ikem-pretraining). Not run here (no NTU data).
_base_ = [
    '../_base_/models/ikem_stgcn_q.py',
    '../_base_/datasets/ntu60_xsub_ikem_ssl.py',
    '../_base_/schedules/sgd_ssl_300e.py'
]

custom_hooks = [dict(type='IKEMPhaseSwitchHook', cross_epoch=150)]
# the IKEM heads only get gradients in the cross phase
model_wrapper_cfg = dict(
    type='MMDistributedDataParallel', find_unused_parameters=True)
