# logitkd on Penn Action, "harsh" protocol: the teacher trained on every
# annotated joint guides the student on low-quality skeletons.
_base_ = ['../_base_/penn_stgcn_tiny.py']
model = {{_base_.logitkd}}
train_dataloader = dict(dataset=dict(pipeline={{_base_.harsh_distill_pipeline}}))
val_dataloader = dict(dataset=dict(pipeline={{_base_.harsh_val_pipeline}}))
test_dataloader = dict(dataset=dict(pipeline={{_base_.harsh_val_pipeline}}))
