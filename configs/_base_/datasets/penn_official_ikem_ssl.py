# Penn Action (real labels: 13 2D joints, 15 classes, official split),
# training split, for IKEM pretraining and relational KD sized for one CPU
# core (docs/method.md#ikem). Every annotated joint (the annotators'
# estimates fill the invisible ones), as the Penn teacher's data.
# Normalisation for 2D (configs/ikem/README.md, "Penn Action"): pixel
# coordinates scaled to [-1, 1] by the image size (PreNormalize2D, as every
# Penn config), then IKEMPreNormalize with the penn layout: every frame
# centred on its own shoulder midpoint, resized to 24 frames (time scale
# 24 / L); no shoulder rotation (it is about the vertical axis, 3D only).
# Two augmented views (temporal crop-resize + shear), the six modalities of
# each view (2D lifted to z = 0; penn bone pairs = mmaction2's coco pairs
# through coco -> penn) stacked on the channel axis. No validation.
#
# Build the annotation file from ../shared first:
#   python tools/data/penn_action.py ../shared/data/penn_action/labels
# ann_file is relative to the repository root (mmaction2's data/...).
dataset_type = 'PoseDataset'
ann_file = 'data/penn_action/penn_2d.pkl'
clip_len = 24
modalities = ('joint', 'motion', 'bone', 'acceleration', 'rotation_axis',
              'angular_velocity')

train_pipeline = [
    dict(type='PreNormalize2D'),
    dict(type='IKEMPreNormalize', layout='penn', clip_len=clip_len),
    dict(
        type='MultiView',
        num_views=2,
        transforms=[
            dict(type='TemporalCropResize', clip_len=clip_len,
                 ratio=(0.6, 1.0)),
            dict(type='RandomShear', amplitude=0.5),
            dict(type='GenSkeModalities', layout='penn',
                 modalities=modalities),
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
        split='train'))
val_dataloader = val_evaluator = None
test_dataloader = test_evaluator = None
