# Baseline student of the heterogeneous "3D -> 2D" synthetic task: the
# teacher's ST-GCN on the 2D projection of the low-quality synthetic
# skeletons alone (no teacher).
_base_ = [
    '../_base_/models/stgcn_q.py',
    '../_base_/datasets/synthetic_xsub_lq_2d.py',
    '../_base_/schedules/sgd_cosine_30e.py'
]

# (x, y) of the 25 nturgb+d joints
model = dict(backbone=dict(in_channels=2), cls_head=dict(num_classes=10))
