# Baseline student: the stock ST-GCN trained and tested on the "partocc"
# low-quality NTU-60 xsub skeletons alone (no teacher).
_base_ = [
    '../_base_/models/stgcn.py', '../_base_/datasets/ntu60_xsub_partocc.py',
    '../_base_/schedules/sgd_cosine_80e.py'
]
