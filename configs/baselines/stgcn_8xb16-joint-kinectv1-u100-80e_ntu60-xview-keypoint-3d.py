# Baseline student: as the xsub config, on the NTU-60 cross-view split.
_base_ = './stgcn_8xb16-joint-kinectv1-u100-80e_ntu60-xsub-keypoint-3d.py'

train_dataloader = dict(dataset=dict(dataset=dict(split='xview_train')))
val_dataloader = dict(dataset=dict(split='xview_val'))
test_dataloader = dict(dataset=dict(split='xview_val'))
