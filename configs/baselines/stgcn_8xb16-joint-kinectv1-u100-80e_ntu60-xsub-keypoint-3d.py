# Baseline student: the stock ST-GCN trained and tested on the "kinectv1"
# low-quality NTU-60 xsub skeletons alone (no teacher).
_base_ = [
    '../_base_/models/stgcn.py', '../_base_/datasets/ntu60_xsub_kinectv1.py',
    '../_base_/schedules/sgd_cosine_80e.py'
]

# the student sees the 20 Kinect v1 joints
model = dict(backbone=dict(graph_cfg=dict(layout='kinect_v1')))
