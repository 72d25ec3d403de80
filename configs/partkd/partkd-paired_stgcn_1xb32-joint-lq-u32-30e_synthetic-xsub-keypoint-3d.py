# Ablation: only the sample's own high-quality twin is a positive.
_base_ = ['./partkd_stgcn_1xb32-joint-lq-u32-30e_synthetic-xsub-keypoint-3d.py']
model = dict(part_head=dict(loss=dict(mode='paired')))
