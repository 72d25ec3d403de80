# PartKD across layouts, "25 -> 20 joints": the clean synthetic teacher on
# the 25 nturgb+d joints guides a student on the 20 Kinect v1 joints of the
# low-quality skeletons; the six parts are pooled in each network's own
# layout and matched by name (docs/method.md#part-matching). Teacher and
# part matrix as in partkd_stgcn-q_1xb32-joint-lq-u32-30e_synthetic-*
# (configs/partkd/README.md); tools/benchmarks/heterogeneous.py --task
# ntu25-kinect20 runs the comparison.
_base_ = [
    '../_base_/models/partkd_stgcn_q.py',
    '../_base_/datasets/synthetic_xsub_lq_kinectv1_distill.py',
    '../_base_/schedules/sgd_cosine_30e.py'
]

# teacher, its checkpoint and the part matrix: from any working directory
repo_root = '{{fileDirname}}/../..'
teacher_name = 'stgcn-q_1xb32-joint-u32-30e_synthetic-xsub-keypoint-3d'
model = dict(
    student=dict(
        backbone=dict(graph_cfg=dict(layout='kinect_v1')),
        cls_head=dict(num_classes=10)),
    student_neck=dict(layout='kinect_v1'),
    teacher_neck=dict(layout='nturgb+d'),
    teacher=f'{repo_root}/configs/baselines/{teacher_name}.py',
    teacher_ckpt=f'{repo_root}/work_dirs/{teacher_name}/epoch_30.pth',
    part_head=dict(
        num_classes=10,
        part_matrix=f'{repo_root}/work_dirs/part_matrix_synthetic/part_matrix.npy'))  # noqa: E501
