# Baseline student: the teacher's ST-GCN trained and tested on the
# low-quality synthetic skeletons alone (no teacher).
_base_ = [
    '../_base_/models/stgcn_q.py', '../_base_/datasets/synthetic_xsub_lq.py',
    '../_base_/schedules/sgd_cosine_30e.py'
]

model = dict(cls_head=dict(num_classes=10))
