"""The real tools end to end on tiny synthetic configs: train the teacher,
test it, compute the part matrix, distil, resume, test the distiller,
export the student and test it with the plain student config."""
import os.path as osp
import re

import numpy as np
import pytest
import torch

from mmpartkd.testing import run_tool

TINY_MODEL = """
model = dict(
    backbone=dict(base_channels=4, num_stages=3, inflate_stages=[3],
                  down_stages=[3]),
    cls_head=dict(in_channels=8))
"""
TINY_DATA = """
train_dataloader = dict(batch_size=16, num_workers=0,
                        persistent_workers=False,
                        dataset=dict(ann_file='{ann}'))
val_dataloader = dict(batch_size=16, num_workers=0, persistent_workers=False,
                      dataset=dict(ann_file='{ann}'))
test_dataloader = val_dataloader
train_cfg = dict(max_epochs=1, val_interval=1)
default_hooks = dict(logger=dict(interval=1))
"""


def tool(repo_root, *args):
    out = run_tool(repo_root, *args)
    return out.stdout + out.stderr


def top1(output):
    return float(re.findall(r'acc/top1: ([0-9.]+)', output)[-1])


@pytest.fixture(scope='module')
def configs(tmp_path_factory, synthetic_ann_file, repo_root):
    d = tmp_path_factory.mktemp('configs')
    base = osp.join(repo_root, 'configs')
    data = TINY_DATA.format(ann=synthetic_ann_file)
    teacher = d / 'teacher.py'
    teacher.write_text(
        f"_base_ = '{base}/baselines/stgcn-q_1xb32-joint-u32-30e_synthetic-"
        f"xsub-keypoint-3d.py'\n" + TINY_MODEL + data)
    student = d / 'student.py'
    student.write_text(
        f"_base_ = '{base}/baselines/stgcn-q_1xb32-joint-lq-u32-30e_synthetic-"
        f"xsub-keypoint-3d.py'\n" + TINY_MODEL + data)
    distill = d / 'distill.py'
    distill.write_text(
        f"_base_ = '{base}/partkd/partkd_stgcn-q_1xb32-joint-lq-u32-30e_"
        "synthetic-xsub-keypoint-3d.py'\n" + f"""
model = dict(
    student=dict(backbone=dict(base_channels=4, num_stages=3,
                               inflate_stages=[3], down_stages=[3]),
                 cls_head=dict(in_channels=8)),
    teacher='{teacher}',
    student_neck=dict(in_channels=8, out_channels=8, hidden_channels=8),
    teacher_neck=dict(in_channels=8, out_channels=8, hidden_channels=8),
    part_head=dict(embed_channels=8, bank_size=4),
    loss_kd=dict(type='LogitKDLoss'))
""" + data)
    return dict(teacher=str(teacher), student=str(student),
                distill=str(distill), dir=d)


def test_teacher_partkd_student_pipeline(configs, repo_root):
    d = configs['dir']
    tool(repo_root, 'tools/train.py', configs['teacher'], '--work-dir',
         str(d / 'teacher'))
    teacher_ckpt = str(d / 'teacher' / 'epoch_1.pth')
    acc = top1(tool(repo_root, 'tools/test.py', configs['teacher'],
                    teacher_ckpt, '--work-dir', str(d / 'teacher')))
    assert 0. <= acc <= 1.

    matrix = str(d / 'pm' / 'part_matrix.npy')
    tool(repo_root, 'tools/compute_part_matrix.py', configs['teacher'],
         teacher_ckpt, '--out', matrix, '--probe-iters', '5')
    A = np.load(matrix)
    assert A.shape == (10, 6)
    np.testing.assert_allclose(A.sum(1), 1, rtol=1e-5)
    assert osp.getsize(matrix[:-4] + '.png') > 1000

    work = str(d / 'distill')
    opts = ['--cfg-options', f'model.teacher_ckpt={teacher_ckpt}',
            f'model.part_head.part_matrix={matrix}']
    log = tool(repo_root, 'tools/train.py', configs['distill'], '--work-dir',
               work, *opts)
    for key in ('loss_cls', 'loss_part_contrast', 'loss_kd'):
        assert key in log
    # resume the finished run for one more epoch
    log = tool(repo_root, 'tools/train.py', configs['distill'], '--work-dir',
               work, '--resume', *opts, 'train_cfg.max_epochs=2')
    assert 'resumed epoch: 1' in log
    ckpt = osp.join(work, 'epoch_2.pth')
    state = torch.load(ckpt, weights_only=False)
    assert state['meta']['epoch'] == 2
    assert int(state['state_dict']['part_head.bank_count'].sum()) > 0

    acc = top1(tool(repo_root, 'tools/test.py', configs['distill'], ckpt,
                    '--work-dir', work, *opts))
    exported = str(d / 'student.pth')
    tool(repo_root, 'tools/export_student.py', configs['distill'], ckpt,
         '--out', exported)
    acc_plain = top1(tool(repo_root, 'tools/test.py', configs['student'],
                          exported, '--work-dir', str(d / 'student')))
    assert acc_plain == acc


def test_export_refuses_non_distiller(configs, repo_root, tmp_path):
    ckpt = tmp_path / 'x.pth'
    torch.save(dict(state_dict=dict(w=torch.ones(1))), ckpt)
    out = run_tool(repo_root, 'tools/export_student.py', configs['teacher'],
                   str(ckpt), '--out', str(tmp_path / 'y.pth'), check=False)
    assert out.returncode != 0 and 'not a PartKDDistiller' in out.stderr
    assert not (tmp_path / 'y.pth').exists()
