# Ablation: PartKD without the action-specific part matrix (every part 1/P).
_base_ = ['./partkd_stgcn-q_1xb32-joint-lq-u32-30e_synthetic-xsub-keypoint-3d.py']  # noqa: E501
model = dict(part_head=dict(part_matrix='uniform'))
