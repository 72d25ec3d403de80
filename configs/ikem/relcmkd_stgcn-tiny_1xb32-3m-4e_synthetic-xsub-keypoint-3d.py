# Relational cross-modality KD on the synthetic data: the frozen six-modality
# IKEM teacher distilled into joint / motion / bone student encoders of the
# same size. Train the teacher first (its config below); a missing teacher
# checkpoint raises.
_base_ = [
    '../_base_/models/relcmkd_stgcn_tiny.py',
    '../_base_/datasets/synthetic_xsub_ikem_ssl.py',
    '../_base_/schedules/sgd_ssl_4e.py'
]

# the teacher's last checkpoint, from any working directory
repo_root = '{{fileDirname}}/../..'
teacher_name = 'ikem-pretrain_stgcn-tiny_1xb32-6m-10e_synthetic-xsub-keypoint-3d'  # noqa: E501
model = dict(teacher_ckpt=f'{repo_root}/work_dirs/{teacher_name}/epoch_10.pth')
