# Baseline student: stock-size ST-GCN trained and tested on the "kinect"
# low-quality NTU-60 xview skeletons alone
# (protocols: configs/_base_/ntu60_lq_recipes.py).
_base_ = ['../_base_/ntu60_lq_recipes.py']
model = {{_base_.kinect_student}}
train_dataloader = dict(
    dataset=dict(
        dataset=dict(
            split='xview_train',
            pipeline={{_base_.kinect_train_pipeline}})))
val_dataloader = dict(
    dataset=dict(split='xview_val',
                 pipeline={{_base_.kinect_val_pipeline}}))
test_dataloader = dict(
    dataset=dict(split='xview_val',
                 pipeline={{_base_.kinect_test_pipeline}}))
