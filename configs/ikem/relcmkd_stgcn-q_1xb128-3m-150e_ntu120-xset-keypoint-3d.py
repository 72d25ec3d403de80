# NTU-120 X-Set: as relcmkd_stgcn-q_1xb128-3m-150e_ntu60-xsub-keypoint-3d.py
_base_ = './relcmkd_stgcn-q_1xb128-3m-150e_ntu60-xsub-keypoint-3d.py'

train_dataloader = dict(
    dataset=dict(ann_file='data/skeleton/ntu120_3d.pkl', split='xset_train'))

# the teacher pretrained on the same data, from any working directory
repo_root = '{{fileDirname}}/../..'
teacher_name = 'ikem-pretrain_stgcn-q_1xb128-6m-300e_ntu120-xset-keypoint-3d'
model = dict(teacher_ckpt=f'{repo_root}/work_dirs/{teacher_name}/epoch_300.pth')  # noqa: E501
