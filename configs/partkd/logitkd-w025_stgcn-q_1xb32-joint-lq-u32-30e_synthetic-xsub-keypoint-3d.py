# Logit KD with a smaller weight (0.25): with tau = 4 the tau^2-scaled KL
# term starts around 16, eight times the classification loss, when the
# teacher sees clean skeletons and the student corrupted ones.
_base_ = ['./logitkd_stgcn-q_1xb32-joint-lq-u32-30e_synthetic-xsub-keypoint-3d.py']  # noqa: E501
model = dict(loss_kd=dict(loss_weight=0.25))
