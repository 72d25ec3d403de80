# The embedded synthetic dataset (tools/data/generate_synthetic.py:
# nturgb+d layout, 10 classes, 1 person), cross-subject training split,
# for IKEM pretraining and relational KD sized for 2 CPU cores
# (docs/method.md#ikem):
# skeletons centred on the spine shoulder, shoulders aligned and resized
# to 16 frames (IKEMPreNormalize), two augmented views (temporal
# crop-resize + shear), the six modalities of each view stacked on the
# channel axis (docs/method.md#modalities). No validation
# (self-supervised).
#
# ann_file, here and in every dataset base, is relative to the repository
# root, where tools/train.py and tools/test.py are run (mmaction2's
# convention for data/...).
dataset_type = 'PoseDataset'
ann_file = 'data/synthetic/synthetic_3d.pkl'

train_pipeline = [
    dict(type='IKEMPreNormalize', layout='nturgb+d', clip_len=16),
    dict(
        type='MultiView',
        num_views=2,
        transforms=[
            dict(type='TemporalCropResize', clip_len=16, ratio=(0.6, 1.0)),
            dict(type='RandomShear', amplitude=0.5),
            dict(
                type='GenSkeModalities',
                layout='nturgb+d',
                modalities=('joint', 'motion', 'bone', 'acceleration',
                            'rotation_axis', 'angular_velocity')),
            dict(type='FormatGCNInput', num_person=1),
        ]),
    dict(type='PackActionInputs'),
]

train_dataloader = dict(
    batch_size=32,
    num_workers=1,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        type=dataset_type,
        ann_file=ann_file,
        pipeline=train_pipeline,
        split='xsub_train'))
val_dataloader = val_evaluator = None
test_dataloader = test_evaluator = None
