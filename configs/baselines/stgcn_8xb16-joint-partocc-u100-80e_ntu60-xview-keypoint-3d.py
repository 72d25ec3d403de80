# Baseline student: stock-size ST-GCN trained and tested on the "partocc"
# low-quality NTU-60 xview skeletons alone
# (protocols: configs/_base_/ntu60_lq_recipes.py).
_base_ = ['../_base_/ntu60_lq_recipes.py']
train_dataloader = dict(
    dataset=dict(
        dataset=dict(
            split='xview_train',
            pipeline={{_base_.partocc_train_pipeline}})))
val_dataloader = dict(
    dataset=dict(split='xview_val',
                 pipeline={{_base_.partocc_val_pipeline}}))
test_dataloader = dict(
    dataset=dict(split='xview_val',
                 pipeline={{_base_.partocc_test_pipeline}}))
