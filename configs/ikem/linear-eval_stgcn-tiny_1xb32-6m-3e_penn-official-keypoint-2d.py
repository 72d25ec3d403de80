# Linear evaluation of the six-modality IKEM teacher on Penn Action:
# frozen encoders loaded from the self-supervised checkpoint
#   --cfg-options model.pretrained=work_dirs/<ssl run>/epoch_<N>.pth
# (none: random, untrained encoders, the floor), one fc per modality,
# one cross-entropy on the mean of the logits; trained on the official
# train split, tested on the official test split at the LAST epoch
# (tools/test.py on epoch_3.pth).
_base_ = [
    '../_base_/models/linear_eval_stgcn_tiny.py',
    '../_base_/datasets/penn_official_ikem_linear.py',
    '../_base_/schedules/sgd_linear_6e.py'
]

model = dict(
    backbone=dict(graph_cfg=dict(layout='penn')),
    cls_head=dict(num_classes=15))
train_cfg = dict(max_epochs=3, val_begin=3)
param_scheduler = [
    dict(type='MultiStepLR', by_epoch=True, milestones=[2], gamma=0.1)
]
default_hooks = dict(checkpoint=dict(interval=3))
