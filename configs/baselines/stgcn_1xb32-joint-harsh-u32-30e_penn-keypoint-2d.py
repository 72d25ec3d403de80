# Baseline student: Penn Action, "harsh" protocol, no teacher
# (protocols in configs/_base_/penn_stgcn_tiny.py).
_base_ = ['../_base_/penn_stgcn_tiny.py']
train_dataloader = dict(dataset=dict(pipeline={{_base_.harsh_train_pipeline}}))
val_dataloader = dict(dataset=dict(pipeline={{_base_.harsh_val_pipeline}}))
test_dataloader = dict(dataset=dict(pipeline={{_base_.harsh_val_pipeline}}))
