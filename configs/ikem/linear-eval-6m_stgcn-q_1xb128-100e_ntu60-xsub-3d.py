# Linear evaluation at the paper's settings: frozen encoders from the SSL
# checkpoint (--cfg-options model.pretrained=<ckpt>), one fc per modality,
# SGD lr 3.0, wd 0, 100 epochs, x0.1 at 80; prediction = mean of the
# per-modality logits. Report the LAST epoch (tools/test.py on
# epoch_100.pth); the best validation epoch is only an extra.
_base_ = './_base_/ikem_ntu.py'

max_epochs = 100
eval_modalities = {{_base_.modalities}}

model = dict(
    _delete_=True,
    type='MultiModalRecognizerGCN',
    backbone={{_base_.backbone}},
    cls_head=dict(
        type='GCNHead',
        num_classes={{_base_.num_classes}},
        in_channels={{_base_.feat_dim}}),
    modalities=eval_modalities,
    input_modalities={{_base_.modalities}},
    pretrained=None,
    frozen=True)

train_dataloader = dict(
    _delete_=True,
    batch_size={{_base_.batch_size}},
    num_workers=8,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        type={{_base_.dataset_type}},
        ann_file={{_base_.ann_file}},
        pipeline={{_base_.eval_pipeline}},
        split={{_base_.train_split}}))
val_dataloader = dict(
    batch_size={{_base_.batch_size}},
    dataset=dict(
        ann_file={{_base_.ann_file}},
        pipeline={{_base_.eval_pipeline}},
        split={{_base_.val_split}}))
test_dataloader = val_dataloader

train_cfg = dict(
    type='EpochBasedTrainLoop',
    max_epochs=max_epochs,
    val_begin=5,
    val_interval=5)
optim_wrapper = dict(
    _delete_=True,
    optimizer=dict(type='SGD', lr=3.0, momentum=0.9, weight_decay=0.0))
param_scheduler = [
    dict(type='MultiStepLR', by_epoch=True, milestones=[80], gamma=0.1)
]
model_wrapper_cfg = dict(
    type='MMDistributedDataParallel', find_unused_parameters=False)
default_hooks = dict(
    checkpoint=dict(interval=max_epochs, save_best='acc/top1',
                    save_last=True))
