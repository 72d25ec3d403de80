# IKEM teacher pretraining on Penn Action (2D, 13 joints, official train
# split, 1258 sequences): the synthetic recipe (tau 0.3, queue / dataset
# ~0.4, mmaction2 initialisation, no dropout; configs/ikem/README.md) on
# the penn layout: epochs 1-5 independent MoCo (lr 0.1), epoch 6
# cross-modal positive mining + IKEM (lr 0.01). Sized for one CPU core
# (configs/ikem/README.md, "Penn Action").
_base_ = [
    '../_base_/models/ikem_stgcn_tiny.py',
    '../_base_/datasets/penn_official_ikem_ssl.py',
    '../_base_/schedules/sgd_ssl_4e.py'
]

# 512 of 1258 training sequences in the queue: the synthetic recipe's ratio
# (256 of 600)
model = dict(backbone=dict(graph_cfg=dict(layout='penn')), queue_size=512)
train_cfg = dict(max_epochs=6)
param_scheduler = [
    dict(type='MultiStepLR', by_epoch=True, milestones=[5], gamma=0.1)
]
default_hooks = dict(checkpoint=dict(interval=6))
custom_hooks = [dict(type='IKEMPhaseSwitchHook', cross_epoch=5)]
