# Linear evaluation of a joint / motion / bone student (relational-KD or
# MoCo-only), otherwise as the six-modality version.
_base_ = './linear-eval_stgcn-q_1xb128-6m-100e_ntu60-xsub-keypoint-3d.py'

model = dict(modalities=('joint', 'motion', 'bone'))
