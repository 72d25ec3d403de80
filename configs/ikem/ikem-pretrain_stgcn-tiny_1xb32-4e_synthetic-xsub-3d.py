# IKEM teacher pretraining on the synthetic data: six modalities, epochs 1-2
# independent MoCo, epochs 3-4 cross-modal positive mining + IKEM.
_base_ = './_base_/ikem_synthetic.py'

max_epochs = 4
cross_epoch = 2

model = dict(
    type='MultiModalMoCo',
    backbone={{_base_.backbone}},
    modalities={{_base_.modalities}},
    feat_dim={{_base_.feat_dim}},
    proj_dim={{_base_.proj_dim}},
    queue_size={{_base_.queue_size}},
    momentum=0.99,  # few iterations here (upstream 0.999)
    temperature=0.07,
    topk=1,
    context=True,
    use_ikem=True)

train_dataloader = {{_base_.ssl_dataloader}}
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=max_epochs)
val_cfg = val_dataloader = val_evaluator = None
test_cfg = test_dataloader = test_evaluator = None

custom_hooks = [dict(type='IKEMPhaseSwitchHook', cross_epoch=cross_epoch)]

optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.1, momentum=0.9, weight_decay=1e-4))
param_scheduler = [
    dict(type='MultiStepLR', by_epoch=True, milestones=[3], gamma=0.1)
]
default_hooks = dict(checkpoint=dict(interval=max_epochs, save_best=None))
