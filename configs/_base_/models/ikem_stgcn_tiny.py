# IKEM pretraining (models/ikem_stgcn_q.py) sized for 2 CPU cores: a tiny
# ST-GCN per modality (6 blocks, base 8 -> 32 channels; config names:
# stgcn-tiny), 32-d embeddings, queues of 256, momentum 0.99 (few
# iterations; upstream 0.999).
# Measured on the synthetic data (configs/ikem/README.md, "Synthetic
# data"): at tau = 0.07 the embeddings of this small, short run barely
# leave their initial collapse (mean pairwise cosine 0.9-1.0), tau = 0.3
# spreads them; upstream's N(0, 0.02) initialisation collapses this tiny
# encoder for good (loss log(K + 1) from the second epoch), so it keeps
# mmaction2's initialisation, copied into the key encoders, and no
# dropout.
_base_ = './ikem_stgcn_q.py'

model = dict(
    backbone=dict(
        base_channels=8,
        num_stages=6,
        inflate_stages=[3, 5],
        down_stages=[3, 5],
        tcn_dropout=0.0),
    feat_dim=32,
    proj_dim=32,
    queue_size=256,
    momentum=0.99,
    temperature=0.3,
    init_std=None,
    momentum_init='copy')
