# Linear evaluation (docs/method.md#linear-evaluation): frozen quarter-width
# ST-GCN encoders loaded from a self-supervised checkpoint
# (--cfg-options model.pretrained=<ckpt>; weights under
# encoders.<modality>. as MultiModalMoCo and RelationalCMKD save them), one
# linear GCNHead per modality (fc drawn from N(0, 0.02) as upstream),
# trained by one cross-entropy on the mean of the per-modality logits, the
# prediction (upstream; loss_mode='per_modality': one loss per head).
model = dict(
    type='MultiModalRecognizerGCN',
    backbone=dict(
        type='STGCN',
        base_channels=16,
        tcn_dropout=0.5,  # as upstream; inert in the frozen, eval encoders
        graph_cfg=dict(layout='nturgb+d', mode='stgcn_spatial')),
    cls_head=dict(
        type='GCNHead',
        num_classes=60,
        in_channels=64,
        init_cfg=dict(type='Normal', layer='Linear', std=0.02)),
    modalities=('joint', 'motion', 'bone', 'acceleration', 'rotation_axis',
                'angular_velocity'),
    input_modalities=('joint', 'motion', 'bone', 'acceleration',
                      'rotation_axis', 'angular_velocity'),
    pretrained=None,
    pretrained_prefix='encoders.{modality}.',
    frozen=True,
    loss_mode='mean_logits')
