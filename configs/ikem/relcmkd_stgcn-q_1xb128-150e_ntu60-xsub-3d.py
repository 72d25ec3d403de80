# Relational cross-modality KD at the paper's settings: frozen six-modality
# IKEM teacher -> joint / motion / bone students, 150 epochs, SGD lr 0.1,
# wd 1e-4, lr x0.1 at 125. Set the teacher checkpoint:
#   --cfg-options model.teacher_ckpt=work_dirs/<teacher>/epoch_300.pth
_base_ = './_base_/ikem_ntu.py'

max_epochs = 150

model = dict(
    _delete_=True,
    type='RelationalCMKD',
    teacher=dict(
        type='MultiModalMoCo',
        backbone={{_base_.backbone}},
        modalities={{_base_.modalities}},
        feat_dim={{_base_.feat_dim}},
        proj_dim={{_base_.proj_dim}},
        queue_size={{_base_.queue_size}}),
    teacher_ckpt=None,
    backbone={{_base_.backbone}},
    student_modalities={{_base_.student_modalities}},
    input_modalities={{_base_.modalities}},
    feat_dim={{_base_.feat_dim}},
    queue_size={{_base_.queue_size}},
    temperature=0.07,
    topk=1,
    context=True)

train_dataloader = {{_base_.ssl_dataloader}}
train_cfg = dict(
    _delete_=True, type='EpochBasedTrainLoop', max_epochs=max_epochs)
val_cfg = val_dataloader = val_evaluator = None
test_cfg = test_dataloader = test_evaluator = None
model_wrapper_cfg = dict(
    type='MMDistributedDataParallel', find_unused_parameters=False)

optim_wrapper = dict(
    _delete_=True,
    optimizer=dict(type='SGD', lr=0.1, momentum=0.9, weight_decay=1e-4))
param_scheduler = [
    dict(type='MultiStepLR', by_epoch=True, milestones=[125], gamma=0.1)
]
default_hooks = dict(checkpoint=dict(interval=30, save_best=None))
