# PartKD (docs/method.md#partkd): a frozen teacher trained on high-quality
# skeletons guides a student on low-quality ones. Both last-block features
# are pooled over the six body parts of each network's layout
# (PartPoolNeck, docs/method.md#part-matching), and each student part
# embedding is pulled towards the teacher part embeddings of every
# high-quality sample of its class, in the batch and in a per-class memory
# bank, weighted by the action-specific part matrix
# (docs/method.md#part-matrix, #multi-sample-contrastive-loss).
#
# Student: the stock ST-GCN (models/stgcn.py). Configs set the teacher (a
# config file or a model dict), teacher_ckpt and part_matrix (paths relative
# to the config file through mmengine's fileDirname variable, so that they
# resolve from any working directory), and the class count and layouts of
# their data.
_base_ = './stgcn.py'

model = dict(
    _delete_=True,
    type='PartKDDistiller',
    student={{_base_.model}},
    teacher=None,
    teacher_ckpt=None,
    student_neck=dict(
        type='PartPoolNeck',
        in_channels=256,
        layout='nturgb+d',
        out_channels=128,
        hidden_channels=256),
    teacher_neck=dict(
        type='PartPoolNeck',
        in_channels=256,
        layout='nturgb+d',
        out_channels=128,
        hidden_channels=256),
    part_head=dict(
        type='PartContrastHead',
        num_classes=60,
        num_parts=6,
        embed_channels=128,
        bank_size=16,
        part_matrix=None,
        loss=dict(
            type='MultiSamplePartContrastLoss',
            temperature=0.1,
            mode='multi',
            loss_weight=1.0)),
    paired_ratio=1.0)
