"""Cost of the part-level contrastive loss against batch size and memory-bank
size: forward + backward of ``PartContrastHead.loss``.

    python tools/benchmarks/contrastive_loss_scaling.py [--batches 16 32 64 128] [--banks 0 8 32 128] [--out work_dirs/benchmarks/contrastive_loss_scaling.png]

The head has K = 60 classes (NTU-60), P = 6 parts and D = 64 embedding
channels, a full memory bank (K x bank slots) and every sample paired. For
each (batch, bank) the median of ``--repeats`` timed calls (after one
warm-up) is printed as a table, in milliseconds, and drawn as curves
(time vs batch size, one curve per bank size) into a PNG. The loss is
O(N * (N + K * bank) * P * D): the bank term dominates for large banks.

It also times ``PartContrastHead.enqueue`` (one scatter for the batch)
against a per-class Python loop, interleaved, and prints the ratio.
"""
import argparse
import os.path as osp
import statistics
import time

import torch
import torch.nn.functional as F

import mmpartkd  # noqa: F401
from mmaction.registry import MODELS
from mmaction.utils import register_all_modules
from mmpartkd.utils import atomic_write


def time_loss(batch, bank, repeats, num_classes=60, parts=6, dim=64):
    torch.manual_seed(0)
    head = MODELS.build(
        dict(type='PartContrastHead', num_classes=num_classes,
             num_parts=parts, embed_channels=dim, bank_size=bank,
             gather=False))
    if bank:  # a full bank, as after the first epoch
        head.bank.copy_(F.normalize(torch.randn_like(head.bank), dim=-1))
        head.bank_count.fill_(bank)
    labels = torch.randint(0, num_classes, (batch, ))
    t_embeds = F.normalize(torch.randn(batch, parts, dim), dim=-1)
    twin = torch.arange(batch)
    times = []
    for i in range(repeats + 1):
        s_raw = torch.randn(batch, parts, dim, requires_grad=True)
        start = time.perf_counter()
        s_embeds = F.normalize(s_raw, dim=-1)
        loss = head.loss(s_embeds, labels, t_embeds, labels,
                         twin)['loss_part_contrast']
        loss.backward()
        if i:  # the first call is a warm-up
            times.append(time.perf_counter() - start)
    return 1e3 * statistics.median(times)


def loop_enqueue(head, embeds, labels):
    """Reference: the per-class FIFO update, one Python iteration a class."""
    for k in labels.unique().tolist():
        rows = embeds[labels == k][-head.bank_size:]
        slots = (head.bank_ptr[k] + torch.arange(len(rows))) % head.bank_size
        head.bank[k, slots] = rows
        head.bank_ptr[k] = (head.bank_ptr[k] + len(rows)) % head.bank_size
        head.bank_count[k] = torch.clamp(head.bank_count[k] + len(rows),
                                         max=head.bank_size)


def time_enqueue(batch, bank, repeats, num_classes=60, parts=6, dim=64):
    """Median ms of ``head.enqueue`` and of ``loop_enqueue``, interleaved;
    both must leave the same bank."""
    torch.manual_seed(0)
    heads = [MODELS.build(
        dict(type='PartContrastHead', num_classes=num_classes,
             num_parts=parts, embed_channels=dim, bank_size=bank,
             gather=False)) for _ in range(2)]
    times = ([], [])
    for i in range(repeats + 1):
        labels = torch.randint(0, num_classes, (batch, ))
        embeds = F.normalize(torch.randn(batch, parts, dim), dim=-1)
        for j, fn in enumerate((heads[0].enqueue, lambda e, y:
                                loop_enqueue(heads[1], e, y))):
            start = time.perf_counter()
            fn(embeds, labels)
            if i:
                times[j].append(time.perf_counter() - start)
    assert torch.equal(heads[0].bank, heads[1].bank)
    return [1e3 * statistics.median(t) for t in times]


def plot(results, batches, banks, path):
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(6, 4))
    for bank in banks:
        ax.plot(batches, [results[b, bank] for b in batches], marker='o',
                label=f'bank {bank}/class ({60 * bank} entries)')
    ax.set_xscale('log', base=2)
    ax.set_yscale('log')
    ax.set_xlabel('batch size (anchors = paired teacher samples)')
    ax.set_ylabel('forward + backward (ms, median)')
    ax.set_title('PartContrastHead.loss: K=60, P=6, D=64, CPU')
    ax.grid(True, which='both', alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    with atomic_write(path, 'wb') as f:
        fig.savefig(f, format='png', dpi=120)
    plt.close(fig)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--batches', type=int, nargs='+',
                        default=[16, 32, 64, 128])
    parser.add_argument('--banks', type=int, nargs='+',
                        default=[0, 8, 32, 128])
    parser.add_argument('--repeats', type=int, default=7)
    parser.add_argument(
        '--out', default='work_dirs/benchmarks/contrastive_loss_scaling.png')
    args = parser.parse_args()
    register_all_modules(init_default_scope=True)
    print(f'torch {torch.__version__}, {torch.get_num_threads()} threads; '
          'forward+backward of PartContrastHead.loss, median ms')
    results = {}
    for batch in args.batches:  # interleave bank sizes within a batch size
        for bank in args.banks:
            results[batch, bank] = time_loss(batch, bank, args.repeats)
    width = 10
    print(f'{"batch":>6s} ' + ' '.join(f'{"bank " + str(b):>{width}s}'
                                       for b in args.banks))
    for batch in args.batches:
        print(f'{batch:6d} ' + ' '.join(
            f'{results[batch, b]:{width}.2f}' for b in args.banks))
    plot(results, args.batches, args.banks, args.out)
    print(f'wrote {osp.abspath(args.out)}')
    print('\nenqueue, K=60, bank 32/class, median ms: scatter | per-class '
          'loop | loop / scatter')
    for batch in args.batches:
        scatter, loop = time_enqueue(batch, 32, max(args.repeats, 20))
        print(f'{batch:6d} {scatter:10.3f} {loop:10.3f} '
              f'{loop / scatter:8.1f}x')


if __name__ == '__main__':
    main()
