# As sgd_ssl_300e.py for 150 epochs, lr x0.1 at epoch 125 (the relational-KD
# and MoCo-only students of the IKEM paper).
_base_ = './sgd_ssl_300e.py'

train_cfg = dict(max_epochs=150)
param_scheduler = [
    dict(type='MultiStepLR', by_epoch=True, milestones=[125], gamma=0.1)
]
