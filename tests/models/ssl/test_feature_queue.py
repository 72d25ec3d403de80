"""FeatureQueue: FIFO with wrap-around, and all_gather before enqueue."""
import os
import socket

import pytest
import torch
import torch.distributed as dist
import torch.multiprocessing as mp

from mmpartkd.models.ssl import FeatureQueue
from mmpartkd.models.utils import concat_all_gather


def rows(ids, dim):
    return torch.tensor(ids, dtype=torch.float32)[:, None].repeat(1, dim)


def ids_of(q):
    return q[:, 0].tolist()


def test_enqueue_wraps_around():
    fq = FeatureQueue(dict(a=2, b=3), size=5)
    assert fq.queue_a.shape == (5, 2) and fq.queue_b.shape == (5, 3)
    torch.testing.assert_close(fq.queue_a.norm(dim=1), torch.ones(5))
    fq.queue_a.zero_()
    fq.queue_b.zero_()
    fq.enqueue(dict(a=rows([1, 2, 3], 2), b=rows([1, 2, 3], 3)))
    assert int(fq.ptr) == 3 and ids_of(fq.queue_a) == [1, 2, 3, 0, 0]
    fq.enqueue(dict(a=rows([4, 5, 6, 7], 2), b=rows([4, 5, 6, 7], 3)))
    # rows 3, 4, then wrap to 0, 1
    assert ids_of(fq.queue_a) == [6, 7, 3, 4, 5]
    assert ids_of(fq.queue_b) == [6, 7, 3, 4, 5]  # aligned
    assert int(fq.ptr) == 2
    # a batch larger than the queue: same result as writing one by one
    fq.enqueue(dict(a=rows(range(10, 17), 2), b=rows(range(10, 17), 3)))
    assert ids_of(fq.queue_a) == [13, 14, 15, 16, 12]
    assert int(fq.ptr) == 4
    assert torch.equal(fq.get('a'), fq.queue_a)
    with pytest.raises(KeyError):
        fq.enqueue(dict(a=rows([1], 2)))
    with pytest.raises(ValueError):
        fq.enqueue(dict(a=rows([1], 2), b=rows([1, 2], 3)))


def _free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def _worker(rank, port, out_dir):
    os.environ.update(MASTER_ADDR='127.0.0.1', MASTER_PORT=str(port))
    dist.init_process_group('gloo', rank=rank, world_size=2)
    try:
        torch.manual_seed(rank)  # different random init on purpose
        fq = FeatureQueue(dict(a=2), size=6)
        fq.queue_a.zero_()
        # rank 0 holds 2 keys, rank 1 holds 3 (a smaller last batch)
        n = 2 + rank
        keys = rows([10 * rank + j + 1 for j in range(n)], 2)
        gathered = concat_all_gather(keys)
        fq.enqueue(dict(a=keys))
        fq.enqueue(dict(a=keys + 100))
        torch.save(dict(gathered=gathered, queue=fq.queue_a.clone(),
                        ptr=int(fq.ptr)), os.path.join(out_dir, f'{rank}.pt'))
    finally:
        dist.destroy_process_group()


def test_two_process_gloo_gather(tmp_path):
    mp.spawn(_worker, args=(_free_port(), str(tmp_path)), nprocs=2,
             join=True)
    res = [torch.load(tmp_path / f'{r}.pt') for r in range(2)]
    for r in res:
        assert ids_of(r['gathered']) == [1, 2, 11, 12, 13]
        # first enqueue: 5 rows in rank order; second: 5 more, wrapping
        assert ids_of(r['queue']) == [102, 111, 112, 113, 13, 101]
        assert r['ptr'] == 4
    assert torch.equal(res[0]['queue'], res[1]['queue'])
