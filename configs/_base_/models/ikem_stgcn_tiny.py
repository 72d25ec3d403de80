# IKEM pretraining (models/ikem_stgcn_q.py) sized for 2 CPU cores: a tiny
# ST-GCN per modality (6 blocks, base 8 -> 32 channels; config names:
# stgcn-tiny), 32-d embeddings, queues of 256.
_base_ = './ikem_stgcn_q.py'

model = dict(
    backbone=dict(
        base_channels=8,
        num_stages=6,
        inflate_stages=[3, 5],
        down_stages=[3, 5]),
    feat_dim=32,
    proj_dim=32,
    queue_size=256,
    momentum=0.99)  # few iterations here (upstream 0.999)
