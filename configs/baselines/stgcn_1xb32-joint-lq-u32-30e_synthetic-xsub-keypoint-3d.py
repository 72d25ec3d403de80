# Baseline student: the same ST-GCN trained and tested on the low-quality
# synthetic skeletons alone (no teacher).
_base_ = ['../_base_/synthetic_stgcn_tiny.py']

train_dataloader = dict(dataset=dict(pipeline={{_base_.lq_train_pipeline}}))
val_dataloader = dict(dataset=dict(pipeline={{_base_.lq_val_pipeline}}))
test_dataloader = dict(dataset=dict(pipeline={{_base_.lq_val_pipeline}}))
