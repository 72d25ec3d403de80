"""Train-step time and peak memory of PartKD against the student alone,
side by side.

    python tools/benchmarks/train_step.py [--sizes synthetic ntu-quarter ntu] \
        [--repeats 15] [--device cpu|cuda] [--amp]

For each model size, the same batch goes through one optimisation step of
(a) the student alone (its classification loss), (b) PartKD with the live
teacher, (c) PartKD reading a teacher cache. Steps are interleaved in
rounds (a, b, c, then b, c, a, then c, a, b, ...) so machine noise hits all
three alike; the median step times are printed, and the ratios to (a) as
the median (and range) over the rounds of the ratio within a round (steps
seconds apart, under the same load of a shared machine), then the peak
memory of one step of each (CUDA: ``torch.cuda.max_memory_allocated``;
CPU: the rise of the peak RSS of a forked process running the step).
``--amp`` runs the steps under ``torch.autocast`` (float16 on CUDA,
bfloat16 on CPU), as mmengine's ``AmpOptimWrapper`` does. On CPU the table
uses the CPU time of the process (run it with ``OMP_NUM_THREADS=1``): what a
step costs, without the waits for a core of a shared, loaded machine that
make wall times jump; the wall-time table follows. Targets (CPU):
(c) / (a) <= 1.05, (b) / (a) <= 1.35.
"""
import argparse
import multiprocessing as mp
import os
import resource
import statistics
import tempfile
import time
from contextlib import nullcontext

import numpy as np
import torch

import mmpartkd  # noqa: F401
from mmaction.registry import MODELS
from mmaction.utils import register_all_modules
from mmpartkd.apis import write_cache
from mmpartkd.testing import make_distill_batch
from mmpartkd.utils import file_sha256

# name -> (base_channels, frames, batch, persons)
SIZES = {
    'tiny': (4, 16, 8, 1),  # for the test of this script
    'synthetic': (16, 32, 32, 1),  # the synthetic configs
    'ntu-quarter': (16, 100, 16, 1),  # stock NTU clip and batch, 1/4 width
    'ntu-half': (32, 100, 16, 2),
    'ntu': (64, 100, 16, 2),  # the stock NTU-60 ST-GCN, 2 persons
}


def student_cfg(base_channels, num_classes=10):
    return dict(
        type='RecognizerGCN',
        backbone=dict(type='STGCN', base_channels=base_channels,
                      graph_cfg=dict(layout='nturgb+d',
                                     mode='stgcn_spatial')),
        cls_head=dict(type='GCNHead', num_classes=num_classes,
                      in_channels=4 * base_channels))


def distiller_cfg(base_channels, ckpt, cache=None):
    c = 4 * base_channels
    neck = dict(type='PartPoolNeck', in_channels=c, out_channels=64,
                hidden_channels=128)
    return dict(type='PartKDDistiller', student=student_cfg(base_channels),
                teacher=student_cfg(base_channels), teacher_ckpt=ckpt,
                student_neck=neck, teacher_neck=neck,
                part_head=dict(type='PartContrastHead', num_classes=10,
                               num_parts=6, embed_channels=64, bank_size=32),
                teacher_cache=cache)


def autocast(device: str, amp: bool):
    """mmengine's AmpOptimWrapper context: float16 on CUDA, bfloat16 on
    CPU (CPU autocast has no float16 matmuls worth timing)."""
    if not amp:
        return nullcontext()
    dtype = torch.float16 if device == 'cuda' else torch.bfloat16
    return torch.autocast(device, dtype=dtype)


def step(model, opt, x, samples, device='cpu', amp=False):
    with autocast(device, amp):
        losses = model(x, samples, mode='loss')
    loss = sum(v for k, v in losses.items() if k.startswith('loss'))
    opt.zero_grad()
    loss.backward()
    opt.step()
    return losses


def timed_step(model, opt, x, samples, device='cpu', amp=False):
    """Wall-clock and CPU seconds (of this process, all its threads) of
    one step."""
    if device == 'cuda':
        torch.cuda.synchronize()
    wall, cpu = time.perf_counter(), time.process_time()
    step(model, opt, x, samples, device, amp)
    if device == 'cuda':
        torch.cuda.synchronize()
    return dict(wall=time.perf_counter() - wall,
                cpu=time.process_time() - cpu)


def _rss_bytes() -> int:
    with open('/proc/self/statm') as f:
        return int(f.read().split()[1]) * os.sysconf('SC_PAGE_SIZE')


def _child_peak(model, opt, x, samples, amp, conn):
    before = _rss_bytes()
    step(model, opt, x, samples, 'cpu', amp)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    conn.send(peak - before)


def peak_memory(model, opt, x, samples, device='cpu', amp=False) -> float:
    """Peak memory (MiB) one training step adds."""
    if device == 'cuda':
        torch.cuda.synchronize()
        torch.cuda.reset_peak_memory_stats()
        base = torch.cuda.memory_allocated()
        step(model, opt, x, samples, device, amp)
        torch.cuda.synchronize()
        return (torch.cuda.max_memory_allocated() - base) / 2**20
    # a forked child runs the step: its peak RSS is this step's alone
    parent, child = mp.get_context('fork').Pipe()
    proc = mp.get_context('fork').Process(
        target=_child_peak, args=(model, opt, x, samples, amp, child))
    proc.start()
    rise = parent.recv()
    proc.join()
    return rise / 2**20


def bench(name, repeats, warmup, tmp, device='cpu', amp=False, clock=None):
    """Time the three models at one size; ``clock`` ``'cpu'`` (default on
    CPU) or ``'wall'`` (default on CUDA) gives the medians and ratios."""
    clock = clock or ('cpu' if device == 'cpu' else 'wall')
    base, frames, batch, persons = SIZES[name]
    labels = [i % 10 for i in range(batch)]
    x, samples = make_distill_batch(labels, frames=frames, persons=persons)
    x = x.to(device)
    for i, ds in enumerate(samples):
        ds.set_metainfo(dict(frame_dir=f's{i}', sample_idx=i))
        ds.hq_inputs = ds.hq_inputs.to(device)
    torch.manual_seed(0)
    ckpt = f'{tmp}/{name}_teacher.pth'
    torch.save(dict(state_dict=MODELS.build(
        student_cfg(base)).state_dict()), ckpt)
    live = MODELS.build(distiller_cfg(base, ckpt)).to(device).train()
    hq = torch.stack([ds.hq_inputs for ds in samples])
    out = {k: v.float().cpu()
           for k, v in live.teacher_forward(hq, samples).items()}
    cache = f'{tmp}/{name}_cache'
    write_cache(cache, {k: v.numpy()[:, None] for k, v in out.items()},
                dict(fingerprint=dict(teacher_ckpt=file_sha256(ckpt)),
                     num_augs=1, frame_dirs=[f's{i}' for i in range(batch)]))
    models = dict(
        student=MODELS.build(student_cfg(base)).to(device).train(),
        partkd_live=live,
        partkd_cached=MODELS.build(distiller_cfg(
            base, ckpt, cache)).to(device).train())
    opts = {k: torch.optim.SGD(m.parameters(), lr=1e-3)
            for k, m in models.items()}
    times = {c: {k: [] for k in models} for c in ('wall', 'cpu')}
    names = list(models)
    for r in range(warmup + repeats):
        # the order rotates each round: no model always follows another
        for k in names[r % 3:] + names[:r % 3]:
            dt = timed_step(models[k], opts[k], x, samples, device, amp)
            if r >= warmup:
                for c in dt:
                    times[c][k].append(dt[c])
    clocks = {}
    for c, t in times.items():
        clocks[c] = dict(
            medians={k: statistics.median(v) for k, v in t.items()},
            # ratios of the steps of one round (seconds apart, under the
            # same machine load), then their median and range
            ratios={k: sorted(a / b for a, b in zip(t[k], t['student']))
                    for k in ('partkd_live', 'partkd_cached')})
    memory = {k: peak_memory(m, opts[k], x, samples, device, amp)
              for k, m in models.items()}
    return dict(size=name, base_channels=base, frames=frames, batch=batch,
                persons=persons, memory=memory, clock=clock,
                clocks=clocks, **clocks[clock])


def _ratio(values):
    """Median and range of per-round ratios: ``1.28 (1.21-1.40)``."""
    return (f'{statistics.median(values):.2f} ({values[0]:.2f}-'
            f'{values[-1]:.2f})')


def table_rows(results, label=''):
    """Markdown rows: times, ratios and peak memory of each size."""
    rows = []
    for r in results:
        m, mem, q = r['medians'], r['memory'], r['ratios']
        rows.append(
            f"| {r['size']} ({r['base_channels']}, {r['frames']}, "
            f"{r['batch']}, {r['persons']}){label} | {m['student']:.3f} | "
            f"{m['partkd_live']:.3f} | {m['partkd_cached']:.3f} | "
            f"{_ratio(q['partkd_live'])} | {_ratio(q['partkd_cached'])} | "
            f"{mem['student']:.0f} / {mem['partkd_live']:.0f} / "
            f"{mem['partkd_cached']:.0f} |")
    return rows


TABLE_HEAD = [
    '| size (width, T, batch, persons) | student s/step | PartKD live | '
    'PartKD cached | live / student | cached / student | peak MiB '
    'student / live / cached |', '|---|---|---|---|---|---|---|'
]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--sizes', nargs='+', default=['synthetic',
                                                       'ntu-quarter'],
                        choices=list(SIZES))
    parser.add_argument('--repeats', type=int, default=15)
    parser.add_argument('--warmup', type=int, default=3)
    parser.add_argument('--device', default='cpu', choices=['cpu', 'cuda'])
    parser.add_argument('--amp', action='store_true',
                        help='autocast: float16 on CUDA, bfloat16 on CPU')
    parser.add_argument(
        '--clock', choices=['cpu', 'wall'], default=None,
        help='the table\'s clock: CPU time of the process (default on CPU: '
        'the cost of a step, not the waits for a core of a shared '
        'machine) or wall time (default on CUDA); the other follows')
    args = parser.parse_args()
    register_all_modules(init_default_scope=True)
    clock = args.clock or ('cpu' if args.device == 'cpu' else 'wall')
    other = 'wall' if clock == 'cpu' else 'cpu'
    print(f'torch {torch.__version__}, {torch.get_num_threads()} threads, '
          f'device {args.device}, amp {args.amp}, clock {clock}')
    print('\n'.join(TABLE_HEAD))
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.sizes:
            r = bench(name, args.repeats, args.warmup, tmp, args.device,
                      args.amp, clock)
            results.append(r)
            print(table_rows([r])[0], flush=True)
    print(f'{clock} time: medians of {args.repeats} interleaved rounds after '
          f'{args.warmup} warm-up rounds (ratios: median and range of the '
          'per-round ratios); peak memory of one more step each')
    print(f'\nThe same steps in {other} time:')
    print('\n'.join(TABLE_HEAD + table_rows(
        [dict(r, **r['clocks'][other]) for r in results])))


if __name__ == '__main__':
    np.set_printoptions(precision=3)
    main()
