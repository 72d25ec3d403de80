# PartKD on the synthetic low-quality task: the clean-data ST-GCN teacher
# guides the same-size student trained on the corrupted skeletons.
#   python tools/train.py configs/baselines/stgcn_1xb32-joint-u32-30e_synthetic-xsub-keypoint-3d.py  # noqa: E501
#   python tools/compute_part_matrix.py configs/baselines/stgcn_1xb32-joint-u32-30e_synthetic-xsub-keypoint-3d.py \  # noqa: E501
#       work_dirs/stgcn_1xb32-joint-u32-30e_synthetic-xsub-keypoint-3d/epoch_30.pth \  # noqa: E501
#       --out work_dirs/part_matrix_synthetic/part_matrix.npy
#   python tools/train.py configs/partkd/partkd_stgcn_1xb32-joint-lq-u32-30e_synthetic-xsub-keypoint-3d.py  # noqa: E501
_base_ = ['../_base_/synthetic_stgcn_tiny.py']

teacher_config = 'configs/baselines/stgcn_1xb32-joint-u32-30e_synthetic-xsub-keypoint-3d.py'  # noqa: E501
teacher_ckpt = 'work_dirs/stgcn_1xb32-joint-u32-30e_synthetic-xsub-keypoint-3d/epoch_30.pth'  # noqa: E501
part_matrix = 'work_dirs/part_matrix_synthetic/part_matrix.npy'
feat_channels = {{_base_.feat_channels}}
embed_channels = 64

model = dict(
    _delete_=True,
    type='PartKDDistiller',
    student={{_base_.model}},
    teacher=teacher_config,
    teacher_ckpt=teacher_ckpt,
    student_neck=dict(
        type='PartPoolNeck',
        in_channels=feat_channels,
        layout={{_base_.layout}},
        out_channels=embed_channels,
        hidden_channels=128),
    teacher_neck=dict(
        type='PartPoolNeck',
        in_channels=feat_channels,
        layout='nturgb+d',
        out_channels=embed_channels,
        hidden_channels=128),
    part_head=dict(
        type='PartContrastHead',
        num_classes={{_base_.num_classes}},
        num_parts=6,
        embed_channels=embed_channels,
        part_matrix=part_matrix,
        bank_size=32,
        loss=dict(
            type='MultiSamplePartContrastLoss',
            temperature=0.1,
            mode='multi',
            loss_weight=1.0)),
    paired_ratio=1.0)

train_dataloader = dict(
    dataset=dict(pipeline={{_base_.distill_train_pipeline}}))
val_dataloader = dict(dataset=dict(pipeline={{_base_.lq_val_pipeline}}))
test_dataloader = dict(dataset=dict(pipeline={{_base_.lq_val_pipeline}}))
