"""``tools/dist_train.sh`` with 2 CPU processes (gloo) runs the synthetic
PartKD config end to end, and ``tools/dist_test.sh`` evaluates the result.

The loss/step equivalence of 2 processes and 1 process on the same global
batch is tested in tests/models/distillers/test_part_kd_distiller_dist.py.
"""
import glob
import os
import re
import shutil
import socket
import subprocess
import sys

import pytest
import torch

pytestmark = pytest.mark.skipif(
    shutil.which('bash') is None, reason='the launch scripts need bash')


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def launch(repo_root, script, *args):
    env = dict(os.environ, PORT=str(free_port()), PYTHON=sys.executable,
               OMP_NUM_THREADS='1')
    out = subprocess.run(['bash', f'tools/{script}', *args], cwd=repo_root,
                         env=env, capture_output=True, text=True,
                         timeout=600)
    log = out.stdout + out.stderr
    assert out.returncode == 0, log[-4000:]
    return log


def test_dist_train_and_test_two_cpu_processes(tmp_path, repo_root,
                                               synthetic_ann_file,
                                               partkd_config):
    if torch.cuda.is_available():
        pytest.skip('checks the CPU (gloo) path')
    config = partkd_config()
    work = tmp_path / 'work'
    log = launch(repo_root, 'dist_train.sh', str(config), '2', '--work-dir',
                 str(work))

    ckpt = work / 'epoch_1.pth'
    assert ckpt.is_file(), log[-3000:]
    state = torch.load(ckpt, map_location='cpu', weights_only=False)
    assert state['meta']['epoch'] == 1
    # DDP's "module." prefix is stripped by mmengine: the checkpoint is a
    # plain distiller checkpoint, loadable by the single-process tools.
    assert any(k.startswith('student.') for k in state['state_dict'])
    assert int(state['state_dict']['part_head.bank_count'].sum()) > 0

    # rank 0 writes the log; it records 2 processes on gloo.
    logs = glob.glob(str(work / '*' / '*.log'))
    assert len(logs) == 1, logs
    text = open(logs[0]).read()
    assert 'Distributed training: True' in text
    assert "backend='gloo'" in text or '"backend": "gloo"' in text or \
        "'backend': 'gloo'" in text
    assert re.search(r'world_size:\s*2|World size:\s*2', text) or \
        'GPU number: 2' in text, text[:3000]
    for key in ('loss_cls', 'loss_part_contrast'):
        assert key in text
    # the global batch is split: 2 x 8 samples per iteration, so one epoch
    # has half the iterations of a single process with batch 8.
    iters = [int(m) for m in re.findall(r'Epoch\(train\)\s+\[1\]\[\s*\d+/'
                                        r'(\d+)\]', text)]
    assert iters, text[-3000:]
    import pickle
    with open(synthetic_ann_file, 'rb') as f:
        n_train = len(pickle.load(f)['split']['xsub_train'])
    assert iters[0] == -(-n_train // 16)

    log = launch(repo_root, 'dist_test.sh', str(config), str(ckpt), '2',
                 '--work-dir', str(tmp_path / 'test'))
    acc = float(re.findall(r'acc/top1: ([0-9.]+)', log)[-1])
    assert 0. <= acc <= 1.
