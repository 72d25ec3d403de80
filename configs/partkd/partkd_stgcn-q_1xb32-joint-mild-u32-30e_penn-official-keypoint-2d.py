# PartKD on Penn Action, "mild" protocol: the teacher trained on every
# annotated joint guides the same-size student on low-quality skeletons
# (teacher and part matrix: configs/partkd/README.md).
_base_ = [
    '../_base_/models/partkd_stgcn_q.py',
    '../_base_/datasets/penn_official_mild_distill.py',
    '../_base_/schedules/sgd_cosine_30e.py'
]

# teacher, its checkpoint and the part matrix: from any working directory
repo_root = '{{fileDirname}}/../..'
teacher_name = 'stgcn-q_1xb32-joint-u32-30e_penn-official-keypoint-2d'
# penn layout: 13 2D joints + visibility, 15 classes
model = dict(
    student=dict(
        backbone=dict(in_channels=3, graph_cfg=dict(layout='penn')),
        cls_head=dict(num_classes=15)),
    teacher=f'{repo_root}/configs/baselines/{teacher_name}.py',
    teacher_ckpt=f'{repo_root}/work_dirs/{teacher_name}/epoch_30.pth',
    student_neck=dict(layout='penn'),
    teacher_neck=dict(layout='penn'),
    part_head=dict(
        num_classes=15,
        part_matrix=f'{repo_root}/work_dirs/part_matrix_penn/part_matrix.npy'))
# validate and save every 10 epochs (1068 test sequences)
train_cfg = dict(val_interval=10)
default_hooks = dict(checkpoint=dict(interval=10))
