# Baseline student of the heterogeneous "13 -> 9 joints" Penn Action task:
# the teacher's ST-GCN on the 9 joints of a cheap tracker (no elbows, no
# knees; layout declared inline in the dataset base) under the "harsh"
# protocol, alone (no teacher).
_base_ = [
    '../_base_/models/stgcn_q.py',
    '../_base_/datasets/penn_official_harsh_9j.py',
    '../_base_/schedules/sgd_cosine_30e.py'
]

# penn_9j layout: 9 2D joints + visibility, 15 classes (_delete_: a layout
# dict cannot be merged into the base's layout name)
model = dict(
    backbone=dict(
        in_channels=3,
        graph_cfg=dict(
            _delete_=True,
            layout={{_base_.penn_9j_layout}},
            mode='stgcn_spatial')),
    cls_head=dict(num_classes=15))
# validate and save every 10 epochs (1068 test sequences)
train_cfg = dict(val_interval=10)
default_hooks = dict(checkpoint=dict(interval=10))
