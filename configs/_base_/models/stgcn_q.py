# ST-GCN at quarter width (base_channels 16 -> 64 output channels; config
# names: stgcn-q), sized for 2 CPU cores. Configs set num_classes and, for
# other layouts, graph_cfg.layout and in_channels.
_base_ = './stgcn.py'

model = dict(
    backbone=dict(base_channels=16), cls_head=dict(in_channels=64))
