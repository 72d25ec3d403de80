# Self-supervised pretraining at the IKEM paper's settings: 300 epochs of
# SGD (lr 0.1, momentum 0.9, weight decay 1e-4) at batch 128, lr x0.1 at
# epoch 250; no validation; a checkpoint every 30 epochs.
_base_ = '../default_runtime.py'

train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=300)
val_cfg = None
test_cfg = None

optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.1, momentum=0.9, weight_decay=1e-4))
param_scheduler = [
    dict(type='MultiStepLR', by_epoch=True, milestones=[250], gamma=0.1)
]
auto_scale_lr = dict(enable=False, base_batch_size=128)

default_hooks = dict(
    checkpoint=dict(interval=30, save_best=None), logger=dict(interval=50))
