"""The cross-rank gathers: identity without a process group; with two gloo
processes, variable lengths (zero included) and a gradient on one rank
only."""
import datetime
import os
import socket

import torch
import torch.distributed as dist
import torch.multiprocessing as mp

from mmpartkd.models.utils import concat_all_gather, gather_variable


def test_single_process_identity():
    x = torch.randn(3, 2, requires_grad=True)
    labels = torch.arange(3)
    (x_all, labels_all), offset = gather_variable(x, labels)
    assert x_all is x and labels_all is labels and offset == 0
    keys = concat_all_gather(x)
    assert torch.equal(keys, x) and not keys.requires_grad


def _worker(rank, port, out):
    os.environ.update(MASTER_ADDR='127.0.0.1', MASTER_PORT=str(port))
    dist.init_process_group('gloo', rank=rank, world_size=2,
                            timeout=datetime.timedelta(seconds=60))
    torch.set_num_threads(1)
    # rank 0: no rows and no gradient (a batch without paired samples);
    # rank 1: three rows that need a gradient
    if rank == 0:
        x = torch.zeros(0, 2)
    else:
        x = torch.arange(6.).reshape(3, 2).requires_grad_()
    labels = torch.full((x.shape[0], ), rank)
    (x_all, labels_all), offset = gather_variable(x, labels)
    weight = torch.tensor([1., 2., 3.])[:, None]
    # a loss over the gathered rows on both ranks; rank 0's backward must
    # join rank 1's all_reduce (gloo aborts or times out otherwise)
    (x_all * weight * (rank + 1)).sum().backward()
    keys = concat_all_gather(x.detach())
    dist.barrier()
    if rank == 1:
        torch.save(dict(x_all=x_all.detach(), labels=labels_all,
                        offset=offset, grad=x.grad, keys=keys), out)
    dist.barrier()
    dist.destroy_process_group()


def test_two_processes_variable_lengths_and_gradient_on_one(tmp_path):
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        port = s.getsockname()[1]
    out = str(tmp_path / 'out.pth')
    mp.spawn(_worker, args=(port, out), nprocs=2, join=True)
    r = torch.load(out)
    rows = torch.arange(6.).reshape(3, 2)
    torch.testing.assert_close(r['x_all'], rows)
    assert r['labels'].tolist() == [1, 1, 1] and r['offset'] == 0
    torch.testing.assert_close(r['keys'], rows)
    # the gradient sums both ranks' losses: weight * (1 + 2)
    torch.testing.assert_close(
        r['grad'], torch.tensor([[3., 3.], [6., 6.], [9., 9.]]))
