"""Checks and timings for a CUDA machine, ready to run in one go.

    python tools/benchmarks/gpu_check.py                 # one CUDA device
    python tools/benchmarks/gpu_check.py --device cpu --sizes tiny \
        --repeats 2 --warmup 1                           # what the tests run

1. Correctness on the device against float64 references computed on the
   CPU: the part-level contrastive loss (three modes, empty bank slots
   masked), the part head over steps that fill and read its memory bank,
   and PartKD distiller steps (every sample paired, none paired, half
   paired; all four losses, the gradients of every parameter), in float32
   and in mixed precision: float16 / bfloat16 inputs and ``torch.autocast``
   in each half dtype the device supports (CUDA: float16, and bfloat16
   where supported; CPU: both).
2. Train-step time and peak memory (``train_step.py``): the student alone,
   PartKD with the live teacher and with the cached teacher, in float32 and
   under autocast (mmengine's ``AmpOptimWrapper`` dtype: float16 on CUDA,
   bfloat16 on CPU), at NTU size by default (ST-GCN full width, T=100, 2
   persons, batch 16).

Prints one ``PASS`` / ``FAIL`` line per check with its largest error and
tolerance (a check that raises is a ``FAIL`` with the error, and the others
still run), the timing table with the device's name, ``all checks passed``
or the failed checks, and exits non-zero when a check failed. The project
never needs a GPU: ``--device cpu`` runs the same checks on the CPU (the
test suite does, at the ``tiny`` size).

Tolerances (the error is ``||got - ref|| / max(||ref||, floor)``, floor
1e-3 for losses that can be near 0):

* float32: 1e-4 for the loss and the head (float32 rounds at 6e-8; sums
  over tens of candidates stay far below), 1e-4 for the distiller's losses
  and gradients (three ST-GCN blocks, the part projection's batch
  normalisation). On CUDA these run with TF32 off; a separate check runs
  with the defaults (cuDNN convolutions in TF32, 10 significant bits, like
  float16) against the autocast tolerance.
* Half-precision inputs of the loss: 1e-5 against the float64 loss of the
  *same rounded* inputs (the loss must compute in float32: this is what
  catches a half-precision computation or overflow), and 2e-2 against the
  unrounded inputs (unit vectors rounded at 2^-9 (bfloat16) relative, dot
  products scaled by 1 / tau = 10). Autocast with float32 inputs: 1e-5
  (the loss runs outside autocast).
* Distiller under autocast: losses 2e-2 (the whole network in 8 or 11
  significant bits; 3e-4 to 9e-3 measured on CPU), gradients in direction:
  cosine >= 0.99 (float16) / 0.95 (bfloat16; 0.998 / 0.974 measured on
  CPU). The teacher's BN statistics are calibrated on the data (as a
  trained teacher's are): an uncalibrated teacher's features hardly vary
  between samples and the part projection's batch normalisation amplifies
  any rounding, which would test the data, not the precision.
"""
import argparse
import contextlib
import sys
import tempfile
from typing import Callable, Dict, List

import torch
import torch.nn.functional as F

import mmpartkd  # noqa: F401
from mmaction.registry import MODELS
from mmaction.utils import register_all_modules
from mmpartkd.models.distillers import paired_mask
from mmpartkd.testing import make_distill_batch, save_teacher_ckpt, \
    tiny_gcn_cfg
from train_step import TABLE_HEAD, bench, table_rows

FAILED: List[str] = []
FP32_RTOL = 1e-4
HALF_RTOL = 2e-2
MIN_GRAD_COSINE = {torch.float16: 0.99, torch.bfloat16: 0.95}


def report(name: str, ok: bool, detail: str) -> None:
    if not ok:
        FAILED.append(name)
    print(f'{"PASS" if ok else "FAIL"} {name}: {detail}', flush=True)


def guarded(name: str, fn: Callable[[], None]) -> None:
    """Run a group of checks; an exception is a failed check."""
    try:
        fn()
    except Exception as error:  # noqa: BLE001 - reported, then go on
        message = str(error).strip().splitlines()[0][:300]
        report(name, False, f'raised {type(error).__name__}: {message}')


def rel_error(got: torch.Tensor, ref: torch.Tensor,
              floor: float = 1e-3) -> float:
    got = got.detach().double().cpu()
    ref = ref.detach().double().cpu()
    if got.shape != ref.shape or not torch.isfinite(got).all():
        return float('inf')
    return float((got - ref).norm() / ref.norm().clamp(min=floor))


def compare(name: str, got: Dict[str, torch.Tensor],
            ref: Dict[str, torch.Tensor], rtol: float) -> None:
    """Every tensor of ``ref`` against ``got``; one line."""
    errors = {k: rel_error(got[k], v) for k, v in ref.items()}
    key = max(errors, key=errors.get)
    report(name, errors[key] <= rtol,
           f'largest relative error {errors[key]:.1e} ({key}; tolerance '
           f'{rtol:.0e})')


def half_dtypes(device: str) -> List[torch.dtype]:
    if device == 'cuda':
        return [torch.float16] + ([torch.bfloat16]
                                  if torch.cuda.is_bf16_supported() else [])
    return [torch.bfloat16, torch.float16]


def short(dtype: torch.dtype) -> str:
    return str(dtype).replace('torch.', '')


def autocast(device: str, dtype=None):
    """``torch.autocast`` to ``dtype``; nothing for None."""
    if dtype is None:
        return contextlib.nullcontext()
    return torch.autocast(device, dtype=dtype)


@contextlib.contextmanager
def no_tf32():
    """float32 convolutions and matmuls in float32 (cuDNN uses TF32 by
    default on Ampere and newer)."""
    matmul = torch.backends.cuda.matmul.allow_tf32
    torch.backends.cuda.matmul.allow_tf32 = False
    try:
        with torch.backends.cudnn.flags(enabled=True, allow_tf32=False):
            yield
    finally:
        torch.backends.cuda.matmul.allow_tf32 = matmul


# ------------------------------------------------------------------ the loss
def loss_example():
    """16 anchors, 40 candidates of which the last 10 are empty bank slots,
    5 classes, twins for two anchors in three."""
    g = torch.Generator().manual_seed(0)
    s = F.normalize(torch.randn(16, 6, 32, generator=g), dim=-1)
    t = F.normalize(torch.randn(40, 6, 32, generator=g), dim=-1)
    y, yt = torch.arange(16) % 5, torch.arange(40) % 5
    valid = torch.arange(40) < 30
    twin = torch.where(torch.arange(16) % 3 > 0, torch.arange(16), -1)
    return s, t, y, yt, valid, twin


def loss_checks(device: str) -> None:
    s, t, y, yt, valid, twin = loss_example()
    for mode in ('multi', 'supcon', 'paired'):
        loss = MODELS.build(dict(type='MultiSamplePartContrastLoss',
                                 mode=mode, temperature=0.1))

        def run(s, t, dev, amp_dtype=None):
            s = s.to(dev).detach().requires_grad_()
            with autocast(dev, amp_dtype):
                out = loss(s, t.to(dev), y.to(dev), yt.to(dev),
                           twin_index=twin.to(dev),
                           teacher_valid=valid.to(dev))
            out.backward()
            return dict(loss=out, grad=s.grad)

        ref = run(s.double(), t.double(), 'cpu')
        with no_tf32():
            compare(f'loss {mode}: float32 on {device}',
                    run(s, t, device), ref, FP32_RTOL)
        for half in half_dtypes(device):
            name = f'loss {mode}: {short(half)}'
            got = run(s.to(half), t.to(half), device)
            if got['loss'].dtype not in (torch.float32, torch.float64):
                report(f'{name} inputs, float32 result', False,
                       f'the loss is {got["loss"].dtype}')
            rounded = run(s.to(half).double(), t.to(half).double(), 'cpu')
            compare(f'{name} inputs vs float64 of the same rounded inputs',
                    dict(loss=got['loss']), dict(loss=rounded['loss']),
                    1e-5)
            compare(f'{name} inputs vs the unrounded inputs', got, ref,
                    HALF_RTOL)
            compare(f'{name} autocast, float32 inputs',
                    run(s, t, device, half), ref, 1e-5)


# ------------------------------------------------------------------ the head
def head_checks(device: str) -> None:
    """Three steps through the head: the bank fills, then is read."""

    def run(dev, dtype, amp_dtype=None):
        head = MODELS.build(dict(
            type='PartContrastHead', num_classes=5, num_parts=6,
            embed_channels=32, bank_size=3,
            loss=dict(type='MultiSamplePartContrastLoss',
                      temperature=0.1))).to(dev)
        if dtype == torch.float64:
            head.double()
        out = {}
        for step in range(3):
            g = torch.Generator().manual_seed(step)
            s = F.normalize(torch.randn(12, 6, 32, generator=g), dim=-1)
            t = F.normalize(torch.randn(6, 6, 32, generator=g), dim=-1)
            y = torch.arange(12, device=dev) % 5
            twin = torch.where(torch.arange(12) < 6, torch.arange(12),
                               -1).to(dev)
            s = s.to(dev, dtype).requires_grad_()
            with autocast(dev, amp_dtype):
                loss = head.loss(s, y, t.to(dev, dtype), y[:6], twin)[
                    'loss_part_contrast']
            loss.backward()
            out[f'loss step {step}'] = loss
            out[f'grad step {step}'] = s.grad
        out['bank'] = head.bank
        return out

    ref = run('cpu', torch.float64)
    with no_tf32():
        compare(f'head: float32 on {device}', run(device, torch.float32),
                ref, FP32_RTOL)
    for half in half_dtypes(device):
        compare(f'head: {short(half)} embeddings on {device}',
                run(device, half), ref, HALF_RTOL)
        compare(f'head: {short(half)} autocast on {device}',
                run(device, torch.float32, half), ref, 1e-5)


# ------------------------------------------------------------- the distiller
def distiller(ckpt: str) -> torch.nn.Module:
    neck = dict(type='PartPoolNeck', in_channels=8, out_channels=8,
                hidden_channels=8)
    torch.manual_seed(0)
    return MODELS.build(dict(
        type='PartKDDistiller', student=tiny_gcn_cfg(num_classes=4),
        teacher=tiny_gcn_cfg(num_classes=4), teacher_ckpt=ckpt,
        student_neck=neck, teacher_neck=neck, paired_ratio=0.5,
        part_head=dict(type='PartContrastHead', num_classes=4, num_parts=6,
                       embed_channels=8, bank_size=4),
        loss_kd=dict(type='LogitKDLoss'),
        loss_feat=dict(type='FeatureKDLoss'))).train()


def distiller_batches():
    """The same 8 clips three times, with ``sample_idx`` chosen so that
    every sample, no sample and half of the samples are paired."""
    x, samples = make_distill_batch([0, 1, 2, 3, 0, 1, 2, 3], frames=16)
    idx = torch.arange(100)
    paired = idx[paired_mask(idx, 0.5)][:8].tolist()
    unpaired = idx[~paired_mask(idx, 0.5)][:8].tolist()
    batches = {}
    for name, chosen in (('all paired', paired), ('none paired', unpaired),
                         ('half paired', paired[:4] + unpaired[:4])):
        batch = [s.clone() for s in samples]
        for ds, i in zip(batch, chosen):
            ds.set_metainfo(dict(sample_idx=i))
        batches[name] = batch
    return x, samples, batches


def run_distiller(model, x, batches, device, amp_dtype=None):
    """Forward + backward of each batch in turn (no parameter update; the
    bank carries over). Returns the losses and gradients of each."""
    out = {}
    for name, samples in batches.items():
        samples = [s.clone() for s in samples]
        for s in samples:
            s.hq_inputs = s.hq_inputs.to(device, x.dtype)
        model.zero_grad()
        with autocast(device, amp_dtype):
            losses = model(x.to(device), samples, mode='loss')
        losses = {k: v for k, v in losses.items() if k.startswith('loss')}
        sum(losses.values()).backward()
        grads = torch.cat([
            (p.grad if p.grad is not None else torch.zeros_like(p)
             ).flatten().double().cpu() for p in model.parameters()
            if p.requires_grad
        ])
        out[name] = dict(losses=losses, grads=grads)
    return out


def compare_steps(label, got, ref, rtol, min_cosine=None):
    for name, r in ref.items():
        g = got[name]
        compare(f'distiller {label}, {name}: losses', g['losses'],
                r['losses'], rtol)
        if min_cosine is None:
            err = rel_error(g['grads'], r['grads'])
            report(f'distiller {label}, {name}: gradients', err <= rtol,
                   f'relative error {err:.1e} (tolerance {rtol:.0e})')
        else:
            cos = float(F.cosine_similarity(g['grads'], r['grads'], dim=0))
            finite = bool(torch.isfinite(g['grads']).all())
            report(f'distiller {label}, {name}: gradients',
                   finite and cos >= min_cosine,
                   f'cosine to float64 {cos:.4f} (minimum {min_cosine}), '
                   f'{"finite" if finite else "NOT FINITE"}')


def distiller_checks(device: str, tmp: str) -> None:
    x, samples, batches = distiller_batches()
    ckpt = f'{tmp}/teacher.pth'
    save_teacher_ckpt(ckpt, tiny_gcn_cfg(num_classes=4), seed=1,
                      calibrate_on=torch.stack([s.hq_inputs
                                                for s in samples]))
    ref = run_distiller(distiller(ckpt).double(), x.double(), batches, 'cpu')
    with no_tf32():
        got = run_distiller(distiller(ckpt).to(device), x, batches, device)
    compare_steps(f'float32 on {device}', got, ref, FP32_RTOL)
    if device == 'cuda' and torch.backends.cudnn.allow_tf32:
        got = run_distiller(distiller(ckpt).to(device), x, batches, device)
        compare_steps('float32 with TF32 convolutions (the default)', got,
                      ref, HALF_RTOL, MIN_GRAD_COSINE[torch.float16])
    for half in half_dtypes(device):
        got = run_distiller(distiller(ckpt).to(device), x, batches, device,
                            half)
        compare_steps(f'{short(half)} autocast on {device}', got, ref,
                      HALF_RTOL, MIN_GRAD_COSINE[half])


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
    if args.device == 'cuda':
        name = torch.cuda.get_device_name()
        info = (f'CUDA {torch.version.cuda}, cuDNN '
                f'{torch.backends.cudnn.version()}, capability '
                f'{torch.cuda.get_device_capability()}, TF32 convolutions '
                f'{torch.backends.cudnn.allow_tf32}')
    else:
        name = f'CPU, {torch.get_num_threads()} threads'
        info = 'float16 and bfloat16 through CPU autocast'
    print(f'device: {name}; torch {torch.__version__}; {info}', flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        guarded('loss checks', lambda: loss_checks(args.device))
        guarded('head checks', lambda: head_checks(args.device))
        guarded('distiller checks',
                lambda: distiller_checks(args.device, tmp))
        rows = []
        for size in args.sizes:
            for amp in (False, True):
                r = bench(size, args.repeats, args.warmup, tmp, args.device,
                          amp)
                rows += table_rows([r], ', AMP' if amp else ', fp32')
    clock = 'wall' if args.device == 'cuda' else 'CPU'
    print(f'\nTrain step on {name} ({clock} time: medians of '
          f'{args.repeats} interleaved rounds, ratios: median and range of '
          'the per-round ratios; peak memory of one step)')
    print('\n'.join(TABLE_HEAD + rows))
    if FAILED:
        sys.exit(f'{len(FAILED)} checks failed: {FAILED}')
    print('all checks passed')


if __name__ == '__main__':
    main()
