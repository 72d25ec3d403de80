# Linear evaluation at the IKEM paper's settings: 100 epochs of SGD (lr 3.0,
# momentum 0.9, no weight decay) at batch 128, lr x0.1 at epoch 80,
# validation every 5 epochs. Report the LAST epoch (tools/test.py on
# epoch_100.pth); the best validation checkpoint is only a labelled extra.
_base_ = '../default_runtime.py'

train_cfg = dict(
    type='EpochBasedTrainLoop', max_epochs=100, val_begin=5, val_interval=5)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')

optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=3.0, momentum=0.9, weight_decay=0.0))
param_scheduler = [
    dict(type='MultiStepLR', by_epoch=True, milestones=[80], gamma=0.1)
]
auto_scale_lr = dict(enable=False, base_batch_size=128)

default_hooks = dict(
    checkpoint=dict(interval=100, save_best='acc/top1', save_last=True),
    logger=dict(interval=50))
