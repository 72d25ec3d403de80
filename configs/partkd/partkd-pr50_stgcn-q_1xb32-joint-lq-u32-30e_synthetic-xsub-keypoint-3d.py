# PartKD when only 50 % of the training samples have a high-quality twin;
# the others learn through the memory bank's positives (and loss_cls).
_base_ = ['./partkd_stgcn-q_1xb32-joint-lq-u32-30e_synthetic-xsub-keypoint-3d.py']  # noqa: E501
model = dict(paired_ratio=0.5)
