# Linear evaluation of a three-modality (joint, motion, bone) Penn Action
# student: the relational-KD student, the MoCo-only student, or random
# encoders (no model.pretrained: the floor).
_base_ = './linear-eval_stgcn-tiny_1xb32-6m-3e_penn-official-keypoint-2d.py'

model = dict(modalities=('joint', 'motion', 'bone'))
