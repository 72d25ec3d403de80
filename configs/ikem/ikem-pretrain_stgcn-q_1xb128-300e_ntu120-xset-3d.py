# NTU-120 X-Set: as ikem-pretrain_stgcn-q_1xb128-300e_ntu60-xsub-3d.py
_base_ = './ikem-pretrain_stgcn-q_1xb128-300e_ntu60-xsub-3d.py'

train_dataloader = dict(
    dataset=dict(ann_file='data/skeleton/ntu120_3d.pkl', split='xset_train'))
