# NTU-120 X-Sub: as the NTU-60 X-Sub config it inherits.
_base_ = './ikem-pretrain_stgcn-q_1xb128-6m-300e_ntu60-xsub-keypoint-3d.py'

train_dataloader = dict(
    dataset=dict(ann_file='data/skeleton/ntu120_3d.pkl', split='xsub_train'))
