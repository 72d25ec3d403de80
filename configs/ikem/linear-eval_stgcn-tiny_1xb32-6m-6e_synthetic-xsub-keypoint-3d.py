# Linear evaluation of the six-modality teacher on the synthetic data:
# frozen encoders loaded from the self-supervised checkpoint
#   --cfg-options model.pretrained=work_dirs/<ssl run>/epoch_4.pth
# one fc per modality trained, prediction = mean of the per-modality logits.
# Report the LAST epoch: tools/test.py on epoch_6.pth.
_base_ = [
    '../_base_/models/linear_eval_stgcn_tiny.py',
    '../_base_/datasets/synthetic_xsub_ikem_linear.py',
    '../_base_/schedules/sgd_linear_6e.py'
]

model = dict(cls_head=dict(num_classes=10))
