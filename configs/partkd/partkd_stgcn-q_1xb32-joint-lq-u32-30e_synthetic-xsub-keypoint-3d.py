# PartKD on the synthetic low-quality task: the clean-data teacher guides a
# same-size student trained on the corrupted skeletons. From the repository
# root (see configs/partkd/README.md):
#   python tools/train.py configs/baselines/stgcn-q_1xb32-joint-u32-30e_synthetic-xsub-keypoint-3d.py  # noqa: E501
#   python tools/compute_part_matrix.py configs/baselines/stgcn-q_1xb32-joint-u32-30e_synthetic-xsub-keypoint-3d.py \  # noqa: E501
#       work_dirs/stgcn-q_1xb32-joint-u32-30e_synthetic-xsub-keypoint-3d/epoch_30.pth \  # noqa: E501
#       --out work_dirs/part_matrix_synthetic/part_matrix.npy
#   python tools/train.py configs/partkd/partkd_stgcn-q_1xb32-joint-lq-u32-30e_synthetic-xsub-keypoint-3d.py  # noqa: E501
_base_ = [
    '../_base_/models/partkd_stgcn_q.py',
    '../_base_/datasets/synthetic_xsub_lq_distill.py',
    '../_base_/schedules/sgd_cosine_30e.py'
]

# teacher, its checkpoint and the part matrix: from any working directory
repo_root = '{{fileDirname}}/../..'
teacher_name = 'stgcn-q_1xb32-joint-u32-30e_synthetic-xsub-keypoint-3d'
model = dict(
    student=dict(cls_head=dict(num_classes=10)),
    teacher=f'{repo_root}/configs/baselines/{teacher_name}.py',
    teacher_ckpt=f'{repo_root}/work_dirs/{teacher_name}/epoch_30.pth',
    part_head=dict(
        num_classes=10,
        part_matrix=f'{repo_root}/work_dirs/part_matrix_synthetic/part_matrix.npy'))  # noqa: E501
