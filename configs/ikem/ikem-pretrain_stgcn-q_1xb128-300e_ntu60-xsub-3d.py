# IKEM teacher pretraining at the paper's settings: six modalities, MoCo v2
# per modality (128-d, queue 32768, momentum 0.999, tau 0.07), epochs 1-150
# independent, 151-300 cross-modal positive mining + IKEM; SGD lr 0.1,
# wd 1e-4, batch 128, lr x0.1 at epoch 250. Not run here (no NTU data).
_base_ = './_base_/ikem_ntu.py'

max_epochs = 300
cross_epoch = 150

model = dict(
    _delete_=True,
    type='MultiModalMoCo',
    backbone={{_base_.backbone}},
    modalities={{_base_.modalities}},
    feat_dim={{_base_.feat_dim}},
    proj_dim={{_base_.proj_dim}},
    queue_size={{_base_.queue_size}},
    momentum=0.999,
    temperature=0.07,
    topk=1,
    context=True,
    use_ikem=True)

train_dataloader = {{_base_.ssl_dataloader}}
train_cfg = dict(
    _delete_=True, type='EpochBasedTrainLoop', max_epochs=max_epochs)
val_cfg = val_dataloader = val_evaluator = None
test_cfg = test_dataloader = test_evaluator = None

custom_hooks = [dict(type='IKEMPhaseSwitchHook', cross_epoch=cross_epoch)]

optim_wrapper = dict(
    _delete_=True,
    optimizer=dict(type='SGD', lr=0.1, momentum=0.9, weight_decay=1e-4))
param_scheduler = [
    dict(type='MultiStepLR', by_epoch=True, milestones=[250], gamma=0.1)
]
default_hooks = dict(checkpoint=dict(interval=30, save_best=None))
