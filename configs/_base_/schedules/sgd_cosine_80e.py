# The schedule of the stock mmaction2 ST-GCN recipe: 16 epochs over a
# training set repeated 5 times (the "80e" of the config names), SGD
# (lr 0.1, Nesterov momentum 0.9, weight decay 5e-4) with cosine annealing
# for 8 GPUs x 16 samples, validation and a checkpoint every epoch.
_base_ = '../default_runtime.py'

train_cfg = dict(
    type='EpochBasedTrainLoop', max_epochs=16, val_begin=1, val_interval=1)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')

optim_wrapper = dict(
    optimizer=dict(
        type='SGD', lr=0.1, momentum=0.9, weight_decay=0.0005, nesterov=True))
param_scheduler = [
    dict(
        type='CosineAnnealingLR',
        eta_min=0,
        T_max=16,
        by_epoch=True,
        convert_to_iter_based=True)
]
auto_scale_lr = dict(enable=False, base_batch_size=128)

default_hooks = dict(checkpoint=dict(interval=1), logger=dict(interval=100))
