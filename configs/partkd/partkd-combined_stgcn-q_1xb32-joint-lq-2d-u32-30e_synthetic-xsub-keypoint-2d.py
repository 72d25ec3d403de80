# PartKD + SKD-style feature KD on the globally pooled features (both
# losses, each with weight 1).
_base_ = ['./partkd_stgcn-q_1xb32-joint-lq-2d-u32-30e_synthetic-xsub-keypoint-2d.py']  # noqa: E501
model = dict(
    loss_feat=dict(type='FeatureKDLoss', pairwise_weight=1.0, loss_weight=1.0))
