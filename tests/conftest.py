import os
import os.path as osp

import pytest
import torch

import mmpartkd  # noqa: F401
from mmaction.registry import MODELS
from mmpartkd.testing import tiny_gcn_cfg

REPO_ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
SHARED_DIR = osp.join(osp.dirname(REPO_ROOT), 'shared')
PENN_LABELS = osp.join(SHARED_DIR, 'data', 'penn_action', 'labels')


@pytest.fixture(scope='session')
def repo_root() -> str:
    return REPO_ROOT


@pytest.fixture(scope='session')
def penn_labels_dir() -> str:
    if not osp.isdir(PENN_LABELS):
        pytest.skip(f'Penn Action labels not found at {PENN_LABELS} '
                    '(they live in ../shared, beside the repository)')
    return PENN_LABELS


@pytest.fixture(scope='session')
def synthetic_ann_file(tmp_path_factory) -> str:
    """A small synthetic dataset written once per test session."""
    from mmpartkd.datasets.synthetic import generate_synthetic_dataset
    from mmpartkd.utils import atomic_dump_pickle
    path = str(tmp_path_factory.mktemp('synthetic') / 'synthetic_3d.pkl')
    atomic_dump_pickle(
        generate_synthetic_dataset(
            num_subjects=8, samples_per_class=1, num_frames=(24, 32)), path)
    return path


# Tiny PartKD / teacher configs inheriting the shipped synthetic configs,
# for tests that run the real tools (reliability, multi-process).
PARTKD = 'partkd/partkd_stgcn-q_1xb32-joint-lq-u32-30e_synthetic-xsub-keypoint-3d.py'  # noqa: E501
TEACHER = 'baselines/stgcn-q_1xb32-joint-u32-30e_synthetic-xsub-keypoint-3d.py'

TINY_PARTKD = """
_base_ = '{base}/""" + PARTKD + """'
model = dict(
    student=dict(backbone=dict(base_channels=4, num_stages=3,
                               inflate_stages=[3], down_stages=[3]),
                 cls_head=dict(in_channels=8)),
    teacher='{teacher}',
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
"""

TINY_TEACHER = """
_base_ = '{base}/""" + TEACHER + """'
model = dict(
    backbone=dict(base_channels=4, num_stages=3, inflate_stages=[3],
                  down_stages=[3]),
    cls_head=dict(in_channels=8))
"""


@pytest.fixture
def partkd_config(tmp_path, repo_root, synthetic_ann_file):
    """Write the tiny PartKD config (an untrained tiny teacher checkpoint,
    uniform part matrix) plus ``extra`` config text; return its path."""

    def make(extra: str = '', name: str = 'partkd.py',
             ann_file: str = synthetic_ann_file) -> str:
        base = osp.join(repo_root, 'configs')
        teacher = tmp_path / 'teacher.py'
        teacher.write_text(TINY_TEACHER.format(base=base))
        ckpt = tmp_path / 'teacher.pth'
        if not ckpt.exists():
            torch.manual_seed(0)
            torch.save(
                dict(state_dict=MODELS.build(
                    tiny_gcn_cfg(num_classes=10)).state_dict()), ckpt)
        path = tmp_path / name
        path.write_text(
            TINY_PARTKD.format(base=base, teacher=teacher, teacher_ckpt=ckpt,
                               ann=ann_file) + extra)
        return str(path)

    return make

def pytest_configure(config):
    from mmaction.utils import register_all_modules
    register_all_modules(init_default_scope=True)
