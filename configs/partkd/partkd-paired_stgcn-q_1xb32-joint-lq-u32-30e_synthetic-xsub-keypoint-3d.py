# Ablation: only the sample's own high-quality twin is a positive.
_base_ = ['./partkd_stgcn-q_1xb32-joint-lq-u32-30e_synthetic-xsub-keypoint-3d.py']  # noqa: E501
model = dict(part_head=dict(loss=dict(mode='paired')))
