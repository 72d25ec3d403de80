# partkd on Penn Action, "mild" protocol: the teacher trained on every
# annotated joint guides the student on low-quality skeletons.
_base_ = ['../_base_/penn_stgcn_tiny.py']
model = {{_base_.distiller}}
train_dataloader = dict(dataset=dict(pipeline={{_base_.mild_distill_pipeline}}))
val_dataloader = dict(dataset=dict(pipeline={{_base_.mild_val_pipeline}}))
test_dataloader = dict(dataset=dict(pipeline={{_base_.mild_val_pipeline}}))
