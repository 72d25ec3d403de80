"""A 2-process gloo run of the distillation loss and one SGD step equals the
1-process run on the same global batch."""
import datetime
import os
import socket

import torch
import torch.distributed as dist
import torch.multiprocessing as mp

from mmaction.registry import MODELS
from mmpartkd.testing import make_distill_batch, tiny_gcn_cfg

LABELS = [0, 1, 2, 3, 0, 1, 2, 0]


def build(ckpt):
    from mmaction.utils import register_all_modules
    register_all_modules(init_default_scope=True)
    torch.manual_seed(0)
    model = MODELS.build(
        dict(
            type='PartKDDistiller',
            student=tiny_gcn_cfg(),
            teacher=tiny_gcn_cfg(),
            teacher_ckpt=ckpt,
            student_neck=dict(type='PartPoolNeck', in_channels=8,
                              out_channels=4, hidden_channels=8,
                              num_layers=1),
            teacher_neck=dict(type='PartPoolNeck', in_channels=8,
                              out_channels=4, hidden_channels=8,
                              num_layers=1),
            part_head=dict(type='PartContrastHead', num_classes=4,
                           num_parts=6, embed_channels=4, bank_size=2),
            paired_ratio=0.6))
    model.init_weights()
    # BN batch statistics of 1 x 8 and 2 x 4 samples differ by construction
    # (SyncBN would fix it); eval mode isolates the loss's cross-rank logic.
    model.eval()
    return model


def step(model, x, samples, wrapped=None):
    """Two steps: the second one reads the memory bank the first wrote."""
    opt = torch.optim.SGD(model.parameters(), lr=0.5)
    values = []
    for _ in range(2):
        losses = (wrapped or model)(x, samples, mode='loss')
        loss = losses['loss_part_contrast'] + losses['loss_cls']
        opt.zero_grad()
        loss.backward()
        opt.step()
        values.append(losses['loss_part_contrast'].detach())
    return torch.stack(values)


def worker(rank, ckpt, port, out):
    os.environ.update(MASTER_ADDR='127.0.0.1', MASTER_PORT=str(port))
    dist.init_process_group('gloo', rank=rank, world_size=2,
                            timeout=datetime.timedelta(seconds=120))
    torch.set_num_threads(1)
    model = build(ckpt)
    x, samples = make_distill_batch(LABELS)
    half = slice(rank * 4, rank * 4 + 4)
    ddp = torch.nn.parallel.DistributedDataParallel(model)
    values = step(model, x[half], samples[half], wrapped=ddp)
    dist.all_reduce(values)
    if rank == 0:
        torch.save(dict(loss=values / 2, state=model.state_dict()), out)
    dist.barrier()  # neither rank tears gloo down while the other works
    dist.destroy_process_group()


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def test_two_processes_match_one(tmp_path):
    ckpt = str(tmp_path / 'teacher.pth')
    torch.manual_seed(1)
    torch.save(dict(state_dict=MODELS.build(tiny_gcn_cfg()).state_dict()),
               ckpt)
    single = build(ckpt)
    x, samples = make_distill_batch(LABELS)
    single_loss = step(single, x, samples)

    out = str(tmp_path / 'dist.pth')
    mp.spawn(worker, args=(ckpt, free_port(), out), nprocs=2, join=True)
    result = torch.load(out)
    # the mean over ranks of the per-rank loss is the global-batch loss
    torch.testing.assert_close(result['loss'], single_loss)
    for k, v in single.state_dict().items():
        torch.testing.assert_close(result['state'][k], v, msg=k)
    assert int(single.part_head.bank_count.sum()) > 0
