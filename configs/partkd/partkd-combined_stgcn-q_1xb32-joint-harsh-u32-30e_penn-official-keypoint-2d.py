# PartKD's combined objective on Penn Action, "harsh" protocol: the part
# contrast for every sample plus SKD-style feature KD on the paired samples
# (docs/method.md#combined-objective; loss_feat as in the featkd config).
_base_ = './partkd_stgcn-q_1xb32-joint-harsh-u32-30e_penn-official-keypoint-2d.py'  # noqa: E501

model = dict(
    loss_feat=dict(type='FeatureKDLoss', pairwise_weight=1.0, loss_weight=1.0))
