# PartKD on NTU-60 xview, "drop60" low-quality protocol: the stock-size
# teacher (configs/baselines/stgcn_8xb16-joint-u100-80e_ntu60-xview-keypoint-3d.py,
# trained first) guides a same-size student; compute the part matrix with
# tools/compute_part_matrix.py before (see configs/partkd/README.md).
_base_ = ['../_base_/ntu60_lq_recipes.py']
model = {{_base_.partkd_xview_nturgbd}}
train_dataloader = dict(
    dataset=dict(
        dataset=dict(
            split='xview_train',
            pipeline={{_base_.drop60_distill_pipeline}})))
val_dataloader = dict(
    dataset=dict(split='xview_val',
                 pipeline={{_base_.drop60_val_pipeline}}))
test_dataloader = dict(
    dataset=dict(split='xview_val',
                 pipeline={{_base_.drop60_test_pipeline}}))
