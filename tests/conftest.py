import os
import os.path as osp

import pytest

import mmpartkd  # noqa: F401

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


def pytest_configure(config):
    from mmaction.utils import register_all_modules
    register_all_modules(init_default_scope=True)
