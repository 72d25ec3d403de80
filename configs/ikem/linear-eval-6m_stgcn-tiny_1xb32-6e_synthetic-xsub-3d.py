# Linear evaluation of the six-modality teacher on the synthetic data:
# frozen encoders loaded from the SSL checkpoint
#   --cfg-options model.pretrained=work_dirs/<ssl run>/epoch_4.pth
# one fc per modality trained, prediction = mean of the per-modality logits.
# Report the LAST epoch: tools/test.py on epoch_6.pth.
_base_ = './_base_/ikem_synthetic.py'

max_epochs = 6
eval_modalities = {{_base_.modalities}}

model = dict(
    type='MultiModalRecognizerGCN',
    backbone={{_base_.backbone}},
    cls_head=dict(
        type='GCNHead',
        num_classes={{_base_.num_classes}},
        in_channels={{_base_.feat_dim}}),
    modalities=eval_modalities,
    input_modalities={{_base_.modalities}},
    pretrained=None,
    pretrained_prefix='encoders.{modality}.',
    frozen=True)

train_dataloader = dict(
    batch_size={{_base_.batch_size}},
    num_workers=1,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        type={{_base_.dataset_type}},
        ann_file={{_base_.ann_file}},
        pipeline={{_base_.eval_pipeline}},
        split={{_base_.train_split}}))
val_dataloader = dict(
    batch_size=64,
    num_workers=1,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type={{_base_.dataset_type}},
        ann_file={{_base_.ann_file}},
        pipeline={{_base_.eval_pipeline}},
        split={{_base_.val_split}},
        test_mode=True))
test_dataloader = val_dataloader
val_evaluator = [dict(type='AccMetric')]
test_evaluator = val_evaluator

# validate the last epoch only; the last checkpoint is the reported one
train_cfg = dict(
    type='EpochBasedTrainLoop',
    max_epochs=max_epochs,
    val_begin=max_epochs,
    val_interval=1)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')

optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=3.0, momentum=0.9, weight_decay=0.0))
param_scheduler = [
    dict(type='MultiStepLR', by_epoch=True, milestones=[5], gamma=0.1)
]
default_hooks = dict(checkpoint=dict(interval=max_epochs, save_best=None))
