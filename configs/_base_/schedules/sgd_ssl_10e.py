# Self-supervised teacher training sized for 2 CPU cores: 10 epochs of SGD
# (lr 0.1, momentum 0.9, weight decay 1e-4) at batch 32, lr x0.1 for the
# last epoch (the IKEM cross phase of the synthetic teacher); no
# validation; the last checkpoint only; seed 0.
_base_ = './sgd_ssl_4e.py'

train_cfg = dict(max_epochs=10)
param_scheduler = [
    dict(type='MultiStepLR', by_epoch=True, milestones=[9], gamma=0.1)
]
default_hooks = dict(checkpoint=dict(interval=10))
