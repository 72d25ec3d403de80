# Relational cross-modality KD on the synthetic data: the frozen six-modality
# IKEM teacher (pass its checkpoint with
#   --cfg-options model.teacher_ckpt=work_dirs/<teacher>/epoch_4.pth)
# distilled into joint / motion / bone student encoders of the same size.
_base_ = './_base_/ikem_synthetic.py'

max_epochs = 4
teacher_ckpt = None

model = dict(
    type='RelationalCMKD',
    teacher=dict(
        type='MultiModalMoCo',
        backbone={{_base_.backbone}},
        modalities={{_base_.modalities}},
        feat_dim={{_base_.feat_dim}},
        proj_dim={{_base_.proj_dim}},
        queue_size={{_base_.queue_size}}),
    teacher_ckpt=teacher_ckpt,
    backbone={{_base_.backbone}},
    student_modalities={{_base_.student_modalities}},
    input_modalities={{_base_.modalities}},
    feat_dim={{_base_.feat_dim}},
    queue_size={{_base_.queue_size}},
    temperature=0.07,
    topk=1,
    context=True)

train_dataloader = {{_base_.ssl_dataloader}}
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=max_epochs)
val_cfg = val_dataloader = val_evaluator = None
test_cfg = test_dataloader = test_evaluator = None

optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.1, momentum=0.9, weight_decay=1e-4))
param_scheduler = [
    dict(type='MultiStepLR', by_epoch=True, milestones=[3], gamma=0.1)
]
default_hooks = dict(checkpoint=dict(interval=max_epochs, save_best=None))
