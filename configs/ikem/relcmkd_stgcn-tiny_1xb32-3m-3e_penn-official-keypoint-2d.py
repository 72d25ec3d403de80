# Relational cross-modality KD on Penn Action: the frozen six-modality IKEM
# teacher (its config below) distilled into joint / motion / bone student
# encoders of the same size; queue 512 and tau 0.07 (upstream's), as the
# synthetic student; lr x0.1 for the last epoch. A missing teacher
# checkpoint raises.
_base_ = [
    '../_base_/models/relcmkd_stgcn_tiny.py',
    '../_base_/datasets/penn_official_ikem_ssl.py',
    '../_base_/schedules/sgd_ssl_4e.py'
]

# the teacher's last checkpoint, from any working directory
repo_root = '{{fileDirname}}/../..'
teacher_name = 'ikem-pretrain_stgcn-tiny_1xb32-6m-6e_penn-official-keypoint-2d'  # noqa: E501
model = dict(
    teacher=dict(backbone=dict(graph_cfg=dict(layout='penn')),
                 queue_size=512),
    teacher_ckpt=f'{repo_root}/work_dirs/{teacher_name}/epoch_6.pth',
    backbone=dict(graph_cfg=dict(layout='penn')),
    queue_size=512)
train_cfg = dict(max_epochs=3)
param_scheduler = [
    dict(type='MultiStepLR', by_epoch=True, milestones=[2], gamma=0.1)
]
default_hooks = dict(checkpoint=dict(interval=3))
