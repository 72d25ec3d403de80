"""``tools/dist_train.sh`` with 2 CPU processes (gloo) runs the synthetic
PartKD config end to end, and ``tools/dist_test.sh`` evaluates the result.

The loss/step equivalence of 2 processes and 1 process on the same global
batch is tested in tests/models/distillers/test_part_kd_distiller_dist.py.
"""
import glob
import os
import os.path as osp
import re
import shutil
import socket
import subprocess
import sys

import pytest
import torch

from mmaction.registry import MODELS
from mmpartkd.testing import tiny_gcn_cfg

pytestmark = pytest.mark.skipif(
    shutil.which('bash') is None, reason='the launch scripts need bash')

DISTILL = """
_base_ = '{base}/partkd/partkd_stgcn_1xb32-joint-lq-u32-30e_synthetic-xsub-keypoint-3d.py'
model = dict(
    student=dict(backbone=dict(base_channels=4, num_stages=3,
                               inflate_stages=[3], down_stages=[3]),
                 cls_head=dict(in_channels=8)),
    teacher=dict(_delete_=True, type='RecognizerGCN',
                 backbone=dict(type='STGCN', base_channels=4, num_stages=3,
                               inflate_stages=[3], down_stages=[3],
                               graph_cfg=dict(layout='nturgb+d',
                                              mode='stgcn_spatial')),
                 cls_head=dict(type='GCNHead', num_classes=10,
                               in_channels=8)),
    teacher_ckpt='{teacher_ckpt}',
    student_neck=dict(in_channels=8, out_channels=8, hidden_channels=8),
    teacher_neck=dict(in_channels=8, out_channels=8, hidden_channels=8),
    part_head=dict(embed_channels=8, bank_size=4, part_matrix='uniform'))
train_dataloader = dict(batch_size=8, num_workers=0, persistent_workers=False,
                        dataset=dict(ann_file='{ann}'))
val_dataloader = dict(batch_size=8, num_workers=0, persistent_workers=False,
                      dataset=dict(ann_file='{ann}'))
test_dataloader = val_dataloader
train_cfg = dict(max_epochs=1, val_interval=1)
default_hooks = dict(logger=dict(interval=1))
"""  # noqa: E501


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def teacher_checkpoint(path):
    """An untrained teacher: distillation only needs weights that fit."""
    cfg = tiny_gcn_cfg(num_classes=10)
    torch.manual_seed(0)
    torch.save(dict(state_dict=MODELS.build(cfg).state_dict()), path)
    return path


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
                                               synthetic_ann_file):
    if torch.cuda.is_available():
        pytest.skip('checks the CPU (gloo) path')
    config = tmp_path / 'distill.py'
    config.write_text(
        DISTILL.format(
            base=osp.join(repo_root, 'configs'),
            teacher_ckpt=teacher_checkpoint(str(tmp_path / 'teacher.pth')),
            ann=synthetic_ann_file))
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
