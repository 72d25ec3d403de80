# 30 epochs of SGD (lr 0.1, Nesterov momentum 0.9, weight decay 5e-4) with
# cosine annealing, validation and a checkpoint every 5 epochs (the last one
# kept), seed 0: the 1xb32 CPU schedule of the quarter-width ST-GCN configs.
_base_ = '../default_runtime.py'

train_cfg = dict(
    type='EpochBasedTrainLoop', max_epochs=30, val_begin=1, val_interval=5)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')

optim_wrapper = dict(
    optimizer=dict(
        type='SGD', lr=0.1, momentum=0.9, weight_decay=5e-4, nesterov=True))
param_scheduler = [
    dict(
        type='CosineAnnealingLR',
        eta_min=0,
        T_max=30,
        by_epoch=True,
        convert_to_iter_based=True)
]
auto_scale_lr = dict(enable=False, base_batch_size=32)

default_hooks = dict(
    checkpoint=dict(interval=5, max_keep_ckpts=1, save_last=True),
    logger=dict(interval=20))
randomness = dict(seed=0, deterministic=False)
