# PartKD on NTU-60 xview, "drop60" low-quality protocol: as the xsub config,
# with the xview teacher and its part matrix.
_base_ = './partkd_stgcn_8xb16-joint-drop60-u100-80e_ntu60-xsub-keypoint-3d.py'

# teacher, its checkpoint and the part matrix: from any working directory
repo_root = '{{fileDirname}}/../..'
teacher_name = 'stgcn_8xb16-joint-u100-80e_ntu60-xview-keypoint-3d'
model = dict(
    teacher=f'{repo_root}/configs/baselines/{teacher_name}.py',
    teacher_ckpt=f'{repo_root}/work_dirs/{teacher_name}/epoch_16.pth',
    part_head=dict(
        part_matrix=f'{repo_root}/work_dirs/part_matrix_ntu60_xview/part_matrix.npy'))  # noqa: E501
train_dataloader = dict(dataset=dict(dataset=dict(split='xview_train')))
val_dataloader = dict(dataset=dict(split='xview_val'))
test_dataloader = dict(dataset=dict(split='xview_val'))
