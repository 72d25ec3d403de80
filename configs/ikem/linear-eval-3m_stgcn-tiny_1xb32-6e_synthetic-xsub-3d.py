# Linear evaluation of a three-modality (joint, motion, bone) student: the
# relational-KD student or the MoCo-only student (same prefix encoders.<m>.).
_base_ = './linear-eval-6m_stgcn-tiny_1xb32-6e_synthetic-xsub-3d.py'

model = dict(modalities={{_base_.student_modalities}})
