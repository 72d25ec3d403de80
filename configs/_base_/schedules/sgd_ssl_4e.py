# Self-supervised training sized for 2 CPU cores: 4 epochs of SGD (lr 0.1,
# momentum 0.9, weight decay 1e-4) at batch 32, lr x0.1 at epoch 3; no
# validation; the last checkpoint only; seed 0.
_base_ = '../default_runtime.py'

train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=4)
val_cfg = None
test_cfg = None

optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.1, momentum=0.9, weight_decay=1e-4))
param_scheduler = [
    dict(type='MultiStepLR', by_epoch=True, milestones=[3], gamma=0.1)
]

default_hooks = dict(
    checkpoint=dict(interval=4, save_best=None), logger=dict(interval=5))
randomness = dict(seed=0)
