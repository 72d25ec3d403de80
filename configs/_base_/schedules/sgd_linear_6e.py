# Linear evaluation sized for 2 CPU cores: 6 epochs of SGD (lr 3.0,
# momentum 0.9, no weight decay) at batch 32, lr x0.1 at epoch 5; the last
# epoch only is validated and checkpointed (the reported one); seed 0.
_base_ = '../default_runtime.py'

train_cfg = dict(
    type='EpochBasedTrainLoop', max_epochs=6, val_begin=6, val_interval=1)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')

optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=3.0, momentum=0.9, weight_decay=0.0))
param_scheduler = [
    dict(type='MultiStepLR', by_epoch=True, milestones=[5], gamma=0.1)
]

default_hooks = dict(
    checkpoint=dict(interval=6, save_best=None), logger=dict(interval=5))
randomness = dict(seed=0)
