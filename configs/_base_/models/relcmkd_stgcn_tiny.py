# Relational cross-modality KD (models/relcmkd_stgcn_q.py) with the tiny
# encoders and queues of models/ikem_stgcn_tiny.py (and, as there,
# mmaction2's initialisation and no dropout).
_base_ = './relcmkd_stgcn_q.py'

model = dict(
    teacher=dict(
        backbone=dict(
            base_channels=8,
            num_stages=6,
            inflate_stages=[3, 5],
            down_stages=[3, 5]),
        feat_dim=32,
        proj_dim=32,
        queue_size=256),
    backbone=dict(
        base_channels=8,
        num_stages=6,
        inflate_stages=[3, 5],
        down_stages=[3, 5],
        tcn_dropout=0.0),
    feat_dim=32,
    queue_size=256,
    init_std=None)
