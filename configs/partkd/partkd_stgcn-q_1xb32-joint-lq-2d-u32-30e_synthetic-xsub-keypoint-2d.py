# PartKD across modalities, "3D -> 2D": the clean synthetic teacher on 3D
# skeletons guides a student on the 2D projection of the low-quality ones
# (same 25 nturgb+d joints, 2 input channels). Teacher and part matrix as in
# partkd_stgcn-q_1xb32-joint-lq-u32-30e_synthetic-* (configs/partkd/README.md);
# tools/benchmarks/heterogeneous.py --task 3d-2d runs the comparison.
_base_ = [
    '../_base_/models/partkd_stgcn_q.py',
    '../_base_/datasets/synthetic_xsub_lq_2d_distill.py',
    '../_base_/schedules/sgd_cosine_30e.py'
]

# teacher, its checkpoint and the part matrix: from any working directory
repo_root = '{{fileDirname}}/../..'
teacher_name = 'stgcn-q_1xb32-joint-u32-30e_synthetic-xsub-keypoint-3d'
model = dict(
    student=dict(
        backbone=dict(in_channels=2), cls_head=dict(num_classes=10)),
    student_neck=dict(layout='nturgb+d'),
    teacher_neck=dict(layout='nturgb+d'),
    teacher=f'{repo_root}/configs/baselines/{teacher_name}.py',
    teacher_ckpt=f'{repo_root}/work_dirs/{teacher_name}/epoch_30.pth',
    part_head=dict(
        num_classes=10,
        part_matrix=f'{repo_root}/work_dirs/part_matrix_synthetic/part_matrix.npy'))  # noqa: E501
