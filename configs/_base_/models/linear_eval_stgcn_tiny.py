# Linear evaluation (models/linear_eval_stgcn_q.py) of the tiny encoders of
# models/ikem_stgcn_tiny.py.
_base_ = './linear_eval_stgcn_q.py'

model = dict(
    backbone=dict(
        base_channels=8,
        num_stages=6,
        inflate_stages=[3, 5],
        down_stages=[3, 5],
        tcn_dropout=0.0),
    cls_head=dict(in_channels=32))
