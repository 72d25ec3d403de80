# Shared settings of the IKEM configs on the embedded synthetic dataset
# (tools/data/generate_synthetic.py: nturgb+d layout, 10 classes, 1 person),
# sized for 2 CPU cores: a tiny ST-GCN (6 blocks, base 8 -> 32 output
# channels), 16-frame clips, queues of 256 entries. Paper settings:
# ikem_ntu.py.
_base_ = 'mmaction::_base_/default_runtime.py'

custom_imports = dict(imports=['mmpartkd'], allow_failed_imports=False)

layout = 'nturgb+d'
modalities = ('joint', 'motion', 'bone', 'acceleration', 'rotation_axis',
              'angular_velocity')
student_modalities = ('joint', 'motion', 'bone')
num_classes = 10
num_person = 1
clip_len = 16
base_channels = 8
feat_dim = base_channels * 4  # ST-GCN output channels
proj_dim = 32
queue_size = 256
batch_size = 32

backbone = dict(
    type='STGCN',
    base_channels=base_channels,
    num_stages=6,
    inflate_stages=[3, 5],
    down_stages=[3, 5],
    graph_cfg=dict(layout=layout, mode='stgcn_spatial'))

dataset_type = 'PoseDataset'
ann_file = 'data/synthetic/synthetic_3d.pkl'
train_split, val_split = 'xsub_train', 'xsub_val'

# two augmented views (temporal crop-resize + shear), modalities per view
view_pipeline = [
    dict(type='TemporalCropResize', clip_len=clip_len, ratio=(0.6, 1.0)),
    dict(type='RandomShear', amplitude=0.5),
    dict(type='GenSkeModalities', layout=layout, modalities=modalities),
    dict(type='FormatGCNInput', num_person=num_person),
]
ssl_pipeline = [
    dict(type='IKEMPreNormalize', layout=layout, clip_len=clip_len),
    dict(type='MultiView', num_views=2, transforms=view_pipeline),
    dict(type='PackActionInputs'),
]
# linear evaluation: no augmentation (upstream), one clip
eval_pipeline = [
    dict(type='IKEMPreNormalize', layout=layout, clip_len=clip_len),
    dict(type='GenSkeModalities', layout=layout, modalities=modalities),
    dict(type='FormatGCNInput', num_person=num_person),
    dict(type='PackActionInputs'),
]

ssl_dataloader = dict(
    batch_size=batch_size,
    num_workers=1,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        type=dataset_type,
        ann_file=ann_file,
        pipeline=ssl_pipeline,
        split=train_split))

default_hooks = dict(logger=dict(interval=5))
randomness = dict(seed=0)
