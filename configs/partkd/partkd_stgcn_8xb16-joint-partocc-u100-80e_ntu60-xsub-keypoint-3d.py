# PartKD on NTU-60 xsub, "partocc" low-quality protocol: the stock-size teacher
# (configs/baselines/stgcn_8xb16-joint-u100-80e_ntu60-xsub-keypoint-3d.py,
# trained first) guides a same-size student; compute the part matrix with
# tools/compute_part_matrix.py before (see configs/partkd/README.md).
_base_ = [
    '../_base_/models/partkd_stgcn.py',
    '../_base_/datasets/ntu60_xsub_partocc_distill.py',
    '../_base_/schedules/sgd_cosine_80e.py'
]

# teacher, its checkpoint and the part matrix: from any working directory
repo_root = '{{fileDirname}}/../..'
teacher_name = 'stgcn_8xb16-joint-u100-80e_ntu60-xsub-keypoint-3d'
model = dict(
    teacher=f'{repo_root}/configs/baselines/{teacher_name}.py',
    teacher_ckpt=f'{repo_root}/work_dirs/{teacher_name}/epoch_16.pth',
    part_head=dict(
        part_matrix=f'{repo_root}/work_dirs/part_matrix_ntu60_xsub/part_matrix.npy'))  # noqa: E501
