# Baseline student: stock-size ST-GCN trained and tested on the "drop60"
# low-quality NTU-60 xview skeletons alone
# (protocols: configs/_base_/ntu60_lq_recipes.py).
_base_ = ['../_base_/ntu60_lq_recipes.py']
train_dataloader = dict(
    dataset=dict(
        dataset=dict(
            split='xview_train',
            pipeline={{_base_.drop60_train_pipeline}})))
val_dataloader = dict(
    dataset=dict(split='xview_val',
                 pipeline={{_base_.drop60_val_pipeline}}))
test_dataloader = dict(
    dataset=dict(split='xview_val',
                 pipeline={{_base_.drop60_test_pipeline}}))
