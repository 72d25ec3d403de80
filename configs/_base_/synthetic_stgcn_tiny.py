# Small ST-GCN on the embedded synthetic dataset (10 classes, nturgb+d
# layout), sized for 2 CPU cores. Inherits the stock mmaction2 recipe and
# overrides width, clip length, data and schedule. Every pipeline lives here
# so that teacher, baseline student and distillation configs share them.
_base_ = 'mmaction::skeleton/stgcn/stgcn_8xb16-joint-u100-80e_ntu60-xsub-keypoint-3d.py'  # noqa: E501

custom_imports = dict(imports=['mmpartkd'], allow_failed_imports=False)

num_classes = 10
base_channels = 16
clip_len = 32
feat_channels = base_channels * 4  # ST-GCN output channels
max_epochs = 30
layout = 'nturgb+d'

model = dict(
    backbone=dict(
        base_channels=base_channels,
        graph_cfg=dict(layout=layout, mode='stgcn_spatial')),
    cls_head=dict(num_classes=num_classes, in_channels=feat_channels))

# PoseDataset with clear errors for truncated files, NaN, empty sequences
dataset_type = 'SafePoseDataset'
ann_file = 'data/synthetic/synthetic_3d.pkl'

# The low-quality protocol of the synthetic task: SKD-style 60 % joint drop,
# scale-normalised jitter (sigma = 0.05 of the per-frame bbox diagonal), and
# half the samples losing one whole limb. Test-time corruptions use
# test_mode=True: a fixed corruption per sample, identical in every run.
def lq_transforms(test_mode):  # noqa: E302
    return [
        dict(type='RandomJointDrop', drop_prob=0.6, test_mode=test_mode),
        dict(type='JointJitter', sigma=0.05, test_mode=test_mode),
        dict(type='PartOcclusion', layout=layout, num_parts=1, p=0.5,
             parts=['left_arm', 'right_arm', 'left_leg', 'right_leg'],
             test_mode=test_mode),
    ]


def head(test_mode):  # noqa: E302
    return [
        dict(type='PreNormalize3D'),
        dict(type='GenSkeFeat', dataset='nturgb+d', feats=['j']),
        dict(type='UniformSampleFrames', clip_len=clip_len, num_clips=1,
             test_mode=test_mode),
        dict(type='PoseDecode'),
    ]


tail = [dict(type='FormatGCNInput', num_person=1),
        dict(type='PackActionInputs')]

# clean (high-quality) pipelines: the teacher's
train_pipeline = head(False) + tail
val_pipeline = head(True) + tail
test_pipeline = val_pipeline
# low-quality pipelines: the students'
lq_train_pipeline = head(False) + lq_transforms(False) + tail
lq_val_pipeline = head(True) + lq_transforms(True) + tail
# distillation: the clean copy for the teacher, the corrupted one for the
# student, packed together
distill_train_pipeline = head(False) + [dict(type='CopyHighQuality')] + \
    lq_transforms(False) + [dict(type='FormatGCNInput', num_person=1),
                            dict(type='PackDistillInputs', num_person=1)]
del lq_transforms, head, tail


def loader(pipeline, split, train):  # noqa: E302
    return dict(
        batch_size=32,
        num_workers=1,
        persistent_workers=True,
        sampler=dict(type='DefaultSampler', shuffle=train),
        dataset=dict(
            _delete_=True,
            type=dataset_type,
            ann_file=ann_file,
            pipeline=pipeline,
            split=split,
            test_mode=not train))


train_dataloader = loader(train_pipeline, 'xsub_train', True)
val_dataloader = loader(val_pipeline, 'xsub_val', False)
test_dataloader = loader(test_pipeline, 'xsub_val', False)
del loader

train_cfg = dict(max_epochs=max_epochs, val_begin=1, val_interval=5)
param_scheduler = [
    dict(
        type='CosineAnnealingLR',
        eta_min=0,
        T_max=max_epochs,
        by_epoch=True,
        convert_to_iter_based=True)
]
optim_wrapper = dict(
    optimizer=dict(
        type='SGD', lr=0.1, momentum=0.9, weight_decay=5e-4, nesterov=True))
default_hooks = dict(
    checkpoint=dict(interval=5, max_keep_ckpts=1, save_last=True),
    logger=dict(interval=20))
randomness = dict(seed=0, deterministic=False)
