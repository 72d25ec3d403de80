# PartKD (models/partkd_stgcn.py) with the quarter-width ST-GCN student of
# models/stgcn_q.py: 64-channel features, 64-d part embeddings, a bank of
# 32 teacher embeddings per class.
_base_ = './partkd_stgcn.py'

model = dict(
    student=dict(
        backbone=dict(base_channels=16), cls_head=dict(in_channels=64)),
    student_neck=dict(in_channels=64, out_channels=64, hidden_channels=128),
    teacher_neck=dict(in_channels=64, out_channels=64, hidden_channels=128),
    part_head=dict(embed_channels=64, bank_size=32))
