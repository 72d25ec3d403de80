# IKEM teacher pretraining (docs/method.md#ikem-pretraining) at the paper's
# settings: one quarter-width ST-GCN encoder (base 16 -> 64 channels) per
# modality of docs/method.md#modalities, MoCo v2 projectors (128-d, queue
# 32768, momentum 0.999, tau 0.07); in the cross phase, cross-modal
# positive mining (top-1, with context) and the Implicit Knowledge Exchange
# Module. The phase is set by IKEMPhaseSwitchHook (configs). As upstream:
# dropout 0.5 in every ST-GCN block but the first, every layer re-drawn
# from N(0, 0.02) (BN weights N(1, 0.02)), the key encoders from their own
# draws (docs/method.md#ikem-pretraining).
model = dict(
    type='MultiModalMoCo',
    backbone=dict(
        type='STGCN',
        base_channels=16,
        tcn_dropout=0.5,
        graph_cfg=dict(layout='nturgb+d', mode='stgcn_spatial')),
    modalities=('joint', 'motion', 'bone', 'acceleration', 'rotation_axis',
                'angular_velocity'),
    feat_dim=64,
    proj_dim=128,
    queue_size=32768,
    momentum=0.999,
    temperature=0.07,
    topk=1,
    context=True,
    use_ikem=True,
    init_std=0.02,
    momentum_init='independent')
