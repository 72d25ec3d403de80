# Linear evaluation of a three-modality (joint, motion, bone) Penn Action
# student on the harsh low-quality protocol (invisible joints removed,
# 80 % dropped, jitter 0.05, in training and test, before the modalities
# are computed: _base_/datasets/penn_official_harsh_ikem_linear.py);
# otherwise linear-eval_stgcn-tiny_1xb32-3m-3e_penn-official-keypoint-2d.py.
_base_ = [
    '../_base_/models/linear_eval_stgcn_tiny.py',
    '../_base_/datasets/penn_official_harsh_ikem_linear.py',
    '../_base_/schedules/sgd_linear_6e.py'
]

model = dict(
    backbone=dict(graph_cfg=dict(layout='penn')),
    cls_head=dict(num_classes=15),
    modalities=('joint', 'motion', 'bone'))
train_cfg = dict(max_epochs=3, val_begin=3)
param_scheduler = [
    dict(type='MultiStepLR', by_epoch=True, milestones=[2], gamma=0.1)
]
default_hooks = dict(checkpoint=dict(interval=3))
