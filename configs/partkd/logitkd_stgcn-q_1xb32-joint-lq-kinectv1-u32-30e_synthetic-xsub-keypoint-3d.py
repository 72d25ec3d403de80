# Baseline: Hinton logit KD from the same teacher (no part loss); logits
# need no joint correspondence, so they work across layouts.
_base_ = ['./partkd_stgcn-q_1xb32-joint-lq-kinectv1-u32-30e_synthetic-xsub-keypoint-3d.py']  # noqa: E501
model = dict(
    student_neck=None,
    teacher_neck=None,
    part_head=None,
    loss_kd=dict(type='LogitKDLoss', tau=4.0, loss_weight=1.0))
