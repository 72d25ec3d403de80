# Linear evaluation (docs/method.md#linear-evaluation): frozen quarter-width
# ST-GCN encoders loaded from a self-supervised checkpoint
# (--cfg-options model.pretrained=<ckpt>; weights under
# encoders.<modality>. as MultiModalMoCo and RelationalCMKD save them), one
# linear GCNHead per modality, prediction = mean of the per-modality logits.
model = dict(
    type='MultiModalRecognizerGCN',
    backbone=dict(
        type='STGCN',
        base_channels=16,
        graph_cfg=dict(layout='nturgb+d', mode='stgcn_spatial')),
    cls_head=dict(type='GCNHead', num_classes=60, in_channels=64),
    modalities=('joint', 'motion', 'bone', 'acceleration', 'rotation_axis',
                'angular_velocity'),
    input_modalities=('joint', 'motion', 'bone', 'acceleration',
                      'rotation_axis', 'angular_velocity'),
    pretrained=None,
    pretrained_prefix='encoders.{modality}.',
    frozen=True)
