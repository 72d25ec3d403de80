# PartKD on NTU-60 xsub, "kinectv1" low-quality protocol: the stock-size
# teacher (configs/baselines/stgcn_8xb16-joint-u100-80e_ntu60-xsub-keypoint-3d.py,
# trained first) guides a same-size student; compute the part matrix with
# tools/compute_part_matrix.py before (see configs/partkd/README.md).
_base_ = [
    '../_base_/models/partkd_stgcn.py',
    '../_base_/datasets/ntu60_xsub_kinectv1_distill.py',
    '../_base_/schedules/sgd_cosine_80e.py'
]

# teacher, its checkpoint and the part matrix: from any working directory
repo_root = '{{fileDirname}}/../..'
teacher_name = 'stgcn_8xb16-joint-u100-80e_ntu60-xsub-keypoint-3d'
model = dict(
    # the student sees the 20 Kinect v1 joints, the teacher all 25
    student=dict(backbone=dict(graph_cfg=dict(layout='kinect_v1'))),
    student_neck=dict(layout='kinect_v1'),
    teacher=f'{repo_root}/configs/baselines/{teacher_name}.py',
    teacher_ckpt=f'{repo_root}/work_dirs/{teacher_name}/epoch_16.pth',
    part_head=dict(
        part_matrix=f'{repo_root}/work_dirs/part_matrix_ntu60_xsub/part_matrix.npy'))  # noqa: E501
