# PartKD across layouts, "13 -> 9 joints" on Penn Action: the teacher on
# every annotated penn joint guides a student on the 9 joints of a cheap
# tracker (no elbows, no knees; the inline layout penn_9j of the dataset
# base) under the "harsh" protocol. Each of the six parts keeps >= 1 student
# joint, so every part is matched (docs/method.md#part-matching). Teacher
# and part matrix as in partkd_stgcn-q_1xb32-joint-harsh-u32-30e_penn-*
# (configs/partkd/README.md); tools/benchmarks/heterogeneous.py --task
# penn-9j runs the comparison.
_base_ = [
    '../_base_/models/partkd_stgcn_q.py',
    '../_base_/datasets/penn_official_harsh_9j_distill.py',
    '../_base_/schedules/sgd_cosine_30e.py'
]

# teacher, its checkpoint and the part matrix: from any working directory
repo_root = '{{fileDirname}}/../..'
teacher_name = 'stgcn-q_1xb32-joint-u32-30e_penn-official-keypoint-2d'
# student: penn_9j layout, 9 2D joints + visibility; teacher: penn, 13.
# (_delete_: a layout dict cannot be merged into the base's layout name, so
# the graph and the student neck are restated whole.)
model = dict(
    student=dict(
        backbone=dict(
            in_channels=3,
            graph_cfg=dict(
                _delete_=True,
                layout={{_base_.penn_9j_layout}},
                mode='stgcn_spatial')),
        cls_head=dict(num_classes=15)),
    teacher=f'{repo_root}/configs/baselines/{teacher_name}.py',
    teacher_ckpt=f'{repo_root}/work_dirs/{teacher_name}/epoch_30.pth',
    student_neck=dict(
        _delete_=True,
        type='PartPoolNeck',
        in_channels=64,
        layout={{_base_.penn_9j_layout}},
        out_channels=64,
        hidden_channels=128),
    teacher_neck=dict(layout='penn'),
    part_head=dict(
        num_classes=15,
        part_matrix=f'{repo_root}/work_dirs/part_matrix_penn/part_matrix.npy'))
# validate and save every 10 epochs (1068 test sequences)
train_cfg = dict(val_interval=10)
default_hooks = dict(checkpoint=dict(interval=10))
