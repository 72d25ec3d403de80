# Linear evaluation of a three-modality (joint, motion, bone) student: the
# relational-KD student or the MoCo-only student (same prefix encoders.<m>.).
_base_ = './linear-eval_stgcn-tiny_1xb32-6m-6e_synthetic-xsub-keypoint-3d.py'

model = dict(modalities=('joint', 'motion', 'bone'))
