# Baseline: SKD-style feature KD (MSE + pairwise distances of the pooled
# features) from the same teacher (no part loss); the features are pooled
# over all joints (64 channels in both networks), so they work across
# layouts.
_base_ = ['./partkd_stgcn-q_1xb32-joint-harsh-9j-u32-30e_penn-official-keypoint-2d.py']  # noqa: E501
model = dict(
    student_neck=None,
    teacher_neck=None,
    part_head=None,
    loss_feat=dict(type='FeatureKDLoss', pairwise_weight=1.0, loss_weight=1.0))
