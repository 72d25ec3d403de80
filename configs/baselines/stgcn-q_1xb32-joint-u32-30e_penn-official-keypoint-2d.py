# Teacher: quarter-width ST-GCN on every annotated Penn Action joint (the
# visibility as third channel).
_base_ = [
    '../_base_/models/stgcn_q.py', '../_base_/datasets/penn_official.py',
    '../_base_/schedules/sgd_cosine_30e.py'
]

# penn layout: 13 2D joints + visibility, 15 classes
model = dict(
    backbone=dict(in_channels=3, graph_cfg=dict(layout='penn')),
    cls_head=dict(num_classes=15))
# validate and save every 10 epochs (1068 test sequences)
train_cfg = dict(val_interval=10)
default_hooks = dict(checkpoint=dict(interval=10))
