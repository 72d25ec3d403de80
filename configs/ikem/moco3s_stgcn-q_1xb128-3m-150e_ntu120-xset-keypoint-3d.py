# NTU-120 X-Set: as moco3s_stgcn-q_1xb128-3m-150e_ntu60-xsub-keypoint-3d.py
_base_ = './moco3s_stgcn-q_1xb128-3m-150e_ntu60-xsub-keypoint-3d.py'

train_dataloader = dict(
    dataset=dict(ann_file='data/skeleton/ntu120_3d.pkl', split='xset_train'))
