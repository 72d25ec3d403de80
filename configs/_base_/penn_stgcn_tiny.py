# Small ST-GCN on the real Penn Action labels (13 2D joints + visibility,
# 15 classes, official train/test split), sized for 2 CPU cores. Build the
# annotation file from ../shared first:
#   python tools/data/penn_action.py ../shared/data/penn_action/labels \
#       --out data/penn_action/penn_2d.pkl
# Protocols (students): invisible joints removed (MaskInvisibleJoints), then
#   mild:  50 % of the remaining joints dropped, jitter sigma 0.02 x bbox diag
#   harsh: 80 % dropped, jitter sigma 0.05
# The teacher sees every annotated joint (the annotators' estimates fill the
# invisible ones) with its visibility as the third channel.
_base_ = 'mmaction::skeleton/stgcn/stgcn_8xb16-joint-u100-80e_ntu60-xsub-keypoint-3d.py'  # noqa: E501

custom_imports = dict(imports=['mmpartkd'], allow_failed_imports=False)

num_classes = 15
base_channels = 16
feat_channels = base_channels * 4
clip_len = 32
max_epochs = 30
layout = 'penn'
ann_file = 'data/penn_action/penn_2d.pkl'

model = dict(
    type='RecognizerGCN',
    backbone=dict(
        type='STGCN',
        in_channels=3,
        base_channels=base_channels,
        graph_cfg=dict(layout=layout, mode='stgcn_spatial')),
    cls_head=dict(
        type='GCNHead', num_classes=num_classes, in_channels=feat_channels))


def lq(protocol, test_mode):  # noqa: E302
    drop, sigma = dict(mild=(0.5, 0.02), harsh=(0.8, 0.05))[protocol]
    return [
        dict(type='MaskInvisibleJoints'),
        dict(type='RandomJointDrop', drop_prob=drop, test_mode=test_mode),
        dict(type='JointJitter', sigma=sigma, test_mode=test_mode),
    ]


def head(test_mode):  # noqa: E302
    return [
        dict(type='PreNormalize2D'),
        dict(type='UniformSampleFrames', clip_len=clip_len, num_clips=1,
             test_mode=test_mode),
        dict(type='PoseDecode'),
    ]


pack = [dict(type='FormatGCNInput', num_person=1),
        dict(type='PackActionInputs')]
distill_pack = [dict(type='FormatGCNInput', num_person=1),
                dict(type='PackDistillInputs', num_person=1)]
train_pipeline = head(False) + pack
val_pipeline = head(True) + pack
test_pipeline = val_pipeline
mild_train_pipeline = head(False) + lq('mild', False) + pack
mild_val_pipeline = head(True) + lq('mild', True) + pack
mild_distill_pipeline = head(False) + [dict(type='CopyHighQuality')] + \
    lq('mild', False) + distill_pack
harsh_train_pipeline = head(False) + lq('harsh', False) + pack
harsh_val_pipeline = head(True) + lq('harsh', True) + pack
harsh_distill_pipeline = head(False) + [dict(type='CopyHighQuality')] + \
    lq('harsh', False) + distill_pack
del lq, head, pack, distill_pack


def loader(pipeline, split, train):  # noqa: E302
    return dict(
        batch_size=32,
        num_workers=1,
        persistent_workers=True,
        sampler=dict(type='DefaultSampler', shuffle=train),
        dataset=dict(
            _delete_=True,
            type='PoseDataset',
            ann_file=ann_file,
            pipeline=pipeline,
            split=split,
            test_mode=not train))


train_dataloader = loader(train_pipeline, 'train', True)
val_dataloader = loader(val_pipeline, 'test', False)
test_dataloader = loader(test_pipeline, 'test', False)
del loader

train_cfg = dict(max_epochs=max_epochs, val_begin=1, val_interval=10)
param_scheduler = [
    dict(type='CosineAnnealingLR', eta_min=0, T_max=max_epochs,
         by_epoch=True, convert_to_iter_based=True)
]
optim_wrapper = dict(
    optimizer=dict(
        type='SGD', lr=0.1, momentum=0.9, weight_decay=5e-4, nesterov=True))
default_hooks = dict(
    checkpoint=dict(interval=10, max_keep_ckpts=1, save_last=True),
    logger=dict(interval=20))
randomness = dict(seed=0, deterministic=False)


def part_neck():  # noqa: E302
    return dict(type='PartPoolNeck', in_channels=feat_channels, layout=layout,
                out_channels=64, hidden_channels=128)


teacher_name = 'stgcn_1xb32-joint-u32-30e_penn-keypoint-2d'
distiller = dict(
    _delete_=True,
    type='PartKDDistiller',
    student=model,
    teacher=f'configs/baselines/{teacher_name}.py',
    teacher_ckpt=f'work_dirs/{teacher_name}/epoch_{max_epochs}.pth',
    student_neck=part_neck(),
    teacher_neck=part_neck(),
    part_head=dict(
        type='PartContrastHead', num_classes=num_classes, num_parts=6,
        embed_channels=64, bank_size=32,
        part_matrix='work_dirs/part_matrix_penn/part_matrix.npy',
        loss=dict(type='MultiSamplePartContrastLoss', temperature=0.1,
                  loss_weight=1.0)))
logitkd = dict(distiller, student_neck=None, teacher_neck=None,
               part_head=None, loss_kd=dict(type='LogitKDLoss', tau=4.0))
featkd = dict(distiller, student_neck=None, teacher_neck=None,
              part_head=None, loss_feat=dict(type='FeatureKDLoss'))
del part_neck
