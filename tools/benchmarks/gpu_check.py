"""Checks and timings for a CUDA machine, ready to run in one go.

    python tools/benchmarks/gpu_check.py                      # on one CUDA device
    python tools/benchmarks/gpu_check.py --device cpu --sizes tiny --repeats 2

1. Correctness on the device: the part-level contrastive loss, the part
   head and one PartKD distiller step (with and without paired samples in
   the batch) against float64 CPU references, in float32 and under
   autocast (float16 on CUDA, bfloat16 on CPU).
2. Train-step time and peak memory at NTU size (ST-GCN full width, T=100,
   2 persons, batch 16; ``train_step.py``): the student alone, PartKD with
   the live teacher and with the cached teacher, in float32 and AMP.

Prints one line per check (``PASS`` / ``FAIL`` with the largest error),
the timing table with the device's name, and exits non-zero when a check
fails. The project never needs a GPU: ``--device cpu`` runs the same at a
reduced size (the test suite does).
"""
import argparse
import sys
import tempfile

import torch

import mmpartkd  # noqa: F401
from mmaction.registry import MODELS
from mmaction.utils import register_all_modules
from mmpartkd.testing import make_distill_batch, tiny_gcn_cfg
from train_step import TABLE_HEAD, autocast, bench, table_rows

FAILED = []


def check(name: str, got: dict, want: dict, rtol: float) -> None:
    """Compare two dicts of scalar tensors; print and record the result."""
    worst = 0.
    for k, v in want.items():
        g = got[k].detach().double().cpu()
        v = v.detach().double().cpu()
        if not torch.isfinite(g).all():
            worst = float('inf')
            break
        worst = max(worst, float((g - v).abs().max() /
                                 v.abs().max().clamp(min=1e-6)))
    ok = worst <= rtol
    if not ok:
        FAILED.append(name)
    print(f'{"PASS" if ok else "FAIL"} {name}: largest relative error '
          f'{worst:.2e} (tolerance {rtol:.0e})', flush=True)


def loss_checks(device: str) -> None:
    g = torch.Generator().manual_seed(0)
    s = torch.nn.functional.normalize(torch.randn(16, 6, 32, generator=g), dim=-1)
    t = torch.nn.functional.normalize(torch.randn(40, 6, 32, generator=g), dim=-1)
    y, yt = torch.arange(16) % 5, torch.arange(40) % 5
    valid = torch.arange(40) < 30  # empty bank slots
    for mode in ('multi', 'supcon', 'paired'):
        loss = MODELS.build(dict(type='MultiSamplePartContrastLoss',
                                 mode=mode, temperature=0.1))
        twin = torch.arange(16) * (torch.arange(16) % 3 > 0) - \
            (torch.arange(16) % 3 == 0).long()

        def run(dtype, dev, amp=False):
            with autocast(dev, amp):
                return dict(loss=loss(
                    s.to(dev, dtype), t.to(dev, dtype), y.to(dev),
                    yt.to(dev), twin_index=twin.to(dev),
                    teacher_valid=valid.to(dev)))

        ref = run(torch.float64, 'cpu')
        check(f'loss {mode} float32 on {device}', run(torch.float32, device),
              ref, 1e-5)
        for half in (torch.float16, torch.bfloat16):
            check(f'loss {mode} {half} inputs on {device}',
                  run(half, device), ref, 2e-2)
        check(f'loss {mode} autocast on {device}',
              run(torch.float32, device, amp=True), ref, 2e-2)


def distiller(ckpt: str, paired_ratio: float):
    teacher = tiny_gcn_cfg(num_classes=4)
    neck = dict(type='PartPoolNeck', in_channels=8, out_channels=8,
                hidden_channels=8)
    return MODELS.build(dict(
        type='PartKDDistiller', student=tiny_gcn_cfg(num_classes=4),
        teacher=teacher, teacher_ckpt=ckpt, student_neck=neck,
        teacher_neck=neck, paired_ratio=paired_ratio,
        part_head=dict(type='PartContrastHead', num_classes=4, num_parts=6,
                       embed_channels=8, bank_size=4),
        loss_feat=dict(type='FeatureKDLoss')))


def distiller_checks(device: str, tmp: str) -> None:
    ckpt = f'{tmp}/teacher.pth'
    torch.manual_seed(0)
    torch.save(dict(state_dict=MODELS.build(
        tiny_gcn_cfg(num_classes=4)).state_dict()), ckpt)
    x, samples = make_distill_batch([0, 1, 2, 3, 0, 1, 2, 3], frames=16)
    # paired_ratio 1: every sample paired; 1e-9: none (the multi-process
    # and memory-bank paths with an empty teacher side)
    for ratio in (1.0, 1e-9):
        torch.manual_seed(0)
        ref_model = distiller(ckpt, ratio).double().train()
        torch.manual_seed(0)
        model = distiller(ckpt, ratio).to(device).train()
        ref = ref_model(x.double(), [s.clone() for s in samples],
                        mode='loss')
        dev_samples = [s.clone() for s in samples]
        for s in dev_samples:
            s.hq_inputs = s.hq_inputs.to(device)
        got = model(x.to(device), dev_samples, mode='loss')
        check(f'distiller losses, paired_ratio {ratio:g}, float32 on '
              f'{device}', got, ref, 1e-4)
        torch.manual_seed(0)
        model = distiller(ckpt, ratio).to(device).train()
        with autocast(device, True):
            got = model(x.to(device), dev_samples, mode='loss')
        check(f'distiller losses, paired_ratio {ratio:g}, autocast on '
              f'{device}', got, ref, 5e-2)
        sum(got.values()).backward()
        grads = {n: p.grad for n, p in model.named_parameters()
                 if p.grad is not None}
        finite = all(torch.isfinite(g).all() for g in grads.values())
        if not finite or not grads:
            FAILED.append(f'autocast gradients, paired_ratio {ratio:g}')
        print(f'{"PASS" if finite and grads else "FAIL"} autocast '
              f'gradients, paired_ratio {ratio:g}: {len(grads)} finite '
              'parameter gradients', flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--device', default='cuda', choices=['cuda', 'cpu'])
    parser.add_argument('--sizes', nargs='+', default=['ntu'])
    parser.add_argument('--repeats', type=int, default=10)
    parser.add_argument('--warmup', type=int, default=3)
    args = parser.parse_args()
    if args.device == 'cuda' and not torch.cuda.is_available():
        sys.exit('no CUDA device: run with --device cpu')
    register_all_modules(init_default_scope=True)
    name = torch.cuda.get_device_name() if args.device == 'cuda' else \
        f'CPU, {torch.get_num_threads()} threads'
    print(f'device: {name}; torch {torch.__version__}', flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        loss_checks(args.device)
        distiller_checks(args.device, tmp)
        rows = []
        for size in args.sizes:
            for amp in (False, True):
                r = bench(size, args.repeats, args.warmup, tmp, args.device,
                          amp)
                rows += table_rows([r], ', AMP' if amp else ', fp32')
    print(f'\nTrain step on {name} (medians of {args.repeats} interleaved '
          'steps; peak memory of one step)')
    print('\n'.join(TABLE_HEAD + rows))
    if FAILED:
        sys.exit(f'{len(FAILED)} checks failed: {FAILED}')
    print('all checks passed')


if __name__ == '__main__':
    main()
