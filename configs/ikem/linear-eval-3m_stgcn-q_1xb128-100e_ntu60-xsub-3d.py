# Linear evaluation of a joint / motion / bone student (relational-KD or
# MoCo-only), otherwise as the six-modality version.
_base_ = './linear-eval-6m_stgcn-q_1xb128-100e_ntu60-xsub-3d.py'

model = dict(modalities={{_base_.student_modalities}})
