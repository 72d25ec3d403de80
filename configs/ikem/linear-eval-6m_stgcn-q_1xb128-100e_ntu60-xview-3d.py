# NTU-60 X-View: as linear-eval-6m_stgcn-q_1xb128-100e_ntu60-xsub-3d.py
_base_ = './linear-eval-6m_stgcn-q_1xb128-100e_ntu60-xsub-3d.py'

train_dataloader = dict(
    dataset=dict(ann_file='data/skeleton/ntu60_3d.pkl', split='xview_train'))
val_dataloader = dict(
    dataset=dict(ann_file='data/skeleton/ntu60_3d.pkl', split='xview_val'))
test_dataloader = val_dataloader
