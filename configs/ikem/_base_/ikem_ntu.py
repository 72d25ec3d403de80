# Shared settings of the IKEM configs at the paper's settings (SPEC §5):
# NTU RGB+D 3D skeletons (mmaction2's ntu60_3d.pkl / ntu120_3d.pkl),
# centred on the spine shoulder, shoulders aligned, resized to 50 frames,
# two persons; ST-GCN at quarter width (base 16 -> 64 output channels).
# Inherits the stock mmaction2 ST-GCN NTU-60 X-Sub recipe (runtime, dataset
# type, evaluator) and replaces model, pipelines and schedule.
_base_ = 'mmaction::skeleton/stgcn/stgcn_8xb16-joint-u100-80e_ntu60-xsub-keypoint-3d.py'  # noqa: E501

custom_imports = dict(imports=['mmpartkd'], allow_failed_imports=False)

layout = 'nturgb+d'
modalities = ('joint', 'motion', 'bone', 'acceleration', 'rotation_axis',
              'angular_velocity')
student_modalities = ('joint', 'motion', 'bone')
num_classes = 60
num_person = 2
clip_len = 50
base_channels = 16
feat_dim = base_channels * 4
proj_dim = 128
queue_size = 32768
batch_size = 128

backbone = dict(
    type='STGCN',
    base_channels=base_channels,
    graph_cfg=dict(layout=layout, mode='stgcn_spatial'))

dataset_type = 'PoseDataset'
ann_file = 'data/skeleton/ntu60_3d.pkl'
train_split, val_split = 'xsub_train', 'xsub_val'

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
eval_pipeline = [
    dict(type='IKEMPreNormalize', layout=layout, clip_len=clip_len),
    dict(type='GenSkeModalities', layout=layout, modalities=modalities),
    dict(type='FormatGCNInput', num_person=num_person),
    dict(type='PackActionInputs'),
]

ssl_dataloader = dict(
    batch_size=batch_size,
    num_workers=8,
    persistent_workers=True,
    drop_last=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        _delete_=True,  # the stock recipe wraps it in a RepeatDataset
        type=dataset_type,
        ann_file=ann_file,
        pipeline=ssl_pipeline,
        split=train_split))

# the IKEM heads only get gradients in the cross phase
model_wrapper_cfg = dict(
    type='MMDistributedDataParallel', find_unused_parameters=True)
default_hooks = dict(logger=dict(interval=50))
auto_scale_lr = dict(enable=False, base_batch_size=128)
