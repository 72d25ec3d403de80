# Teacher: quarter-width ST-GCN trained and validated on clean synthetic
# skeletons.
_base_ = [
    '../_base_/models/stgcn_q.py', '../_base_/datasets/synthetic_xsub.py',
    '../_base_/schedules/sgd_cosine_30e.py'
]

model = dict(cls_head=dict(num_classes=10))
