# NTU-60 X-View: as the NTU-60 X-Sub config it inherits.
_base_ = './linear-eval_stgcn-q_1xb128-3m-100e_ntu60-xsub-keypoint-3d.py'

train_dataloader = dict(
    dataset=dict(ann_file='data/skeleton/ntu60_3d.pkl', split='xview_train'))
val_dataloader = dict(
    dataset=dict(ann_file='data/skeleton/ntu60_3d.pkl', split='xview_val'))
test_dataloader = val_dataloader
