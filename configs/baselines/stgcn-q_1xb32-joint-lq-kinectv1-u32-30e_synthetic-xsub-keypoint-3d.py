# Baseline student of the heterogeneous "25 -> 20 joints" synthetic task:
# the teacher's ST-GCN on the 20 Kinect v1 joints of the low-quality
# synthetic skeletons alone (no teacher).
_base_ = [
    '../_base_/models/stgcn_q.py',
    '../_base_/datasets/synthetic_xsub_lq_kinectv1.py',
    '../_base_/schedules/sgd_cosine_30e.py'
]

model = dict(
    backbone=dict(graph_cfg=dict(layout='kinect_v1')),
    cls_head=dict(num_classes=10))
