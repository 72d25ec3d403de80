# Relational cross-modality KD at the paper's settings: the frozen
# six-modality IKEM teacher -> joint / motion / bone students, 150 epochs
# (docs/method.md#relational-cmkd). Train the teacher first (its config
# below); a missing teacher checkpoint raises.
_base_ = [
    '../_base_/models/relcmkd_stgcn_q.py',
    '../_base_/datasets/ntu60_xsub_ikem_ssl.py',
    '../_base_/schedules/sgd_ssl_150e.py'
]

# the teacher's last checkpoint, from any working directory
repo_root = '{{fileDirname}}/../..'
teacher_name = 'ikem-pretrain_stgcn-q_1xb128-6m-300e_ntu60-xsub-keypoint-3d'
model = dict(teacher_ckpt=f'{repo_root}/work_dirs/{teacher_name}/epoch_300.pth')  # noqa: E501
model_wrapper_cfg = dict(
    type='MMDistributedDataParallel', find_unused_parameters=False)
