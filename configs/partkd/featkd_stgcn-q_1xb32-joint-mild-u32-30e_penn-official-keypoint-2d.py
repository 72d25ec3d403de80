# Baseline: SKD-style feature KD on Penn Action, "mild" protocol, from the
# same teacher (no part loss).
_base_ = './partkd_stgcn-q_1xb32-joint-mild-u32-30e_penn-official-keypoint-2d.py'  # noqa: E501

model = dict(
    student_neck=None,
    teacher_neck=None,
    part_head=None,
    loss_feat=dict(type='FeatureKDLoss'))
