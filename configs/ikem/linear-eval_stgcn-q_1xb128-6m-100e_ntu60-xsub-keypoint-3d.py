# Linear evaluation of a six-modality encoder at the paper's settings:
# frozen encoders from the self-supervised checkpoint
# (--cfg-options model.pretrained=<ckpt>), one fc per modality, prediction =
# mean of the per-modality logits (docs/method.md#linear-evaluation).
# Report the LAST epoch (tools/test.py on epoch_100.pth).
_base_ = [
    '../_base_/models/linear_eval_stgcn_q.py',
    '../_base_/datasets/ntu60_xsub_ikem_linear.py',
    '../_base_/schedules/sgd_linear_100e.py'
]

model_wrapper_cfg = dict(
    type='MMDistributedDataParallel', find_unused_parameters=False)
