import subprocess
import sys

import pytest
import torch

import mmpartkd
from mmpartkd.compat import load_local_checkpoint


def test_import_prints_no_warning():
    out = subprocess.run(
        [sys.executable, '-W', 'default', '-c', 'import mmpartkd'],
        capture_output=True, text=True, check=True)
    assert out.stderr == '' and out.stdout == ''


def test_stock_mmaction_models_import_and_drn_stub_errors():
    import mmaction.models  # noqa: F401
    from mmaction.models.localizers.drn.drn import DRN
    with pytest.raises(ImportError, match='2714'):
        DRN()


def test_checkpoint_loader_reads_mmengine_checkpoints(tmp_path):
    import numpy as np
    from mmengine.runner.checkpoint import _load_checkpoint
    path = str(tmp_path / 'ckpt.pth')
    # what mmengine writes: numpy objects and a message hub-like dict
    torch.save(dict(state_dict=dict(w=torch.ones(2)),
                    meta=dict(seed=np.int64(3), arr=np.arange(3))), path)
    ckpt = _load_checkpoint(path, map_location='cpu')
    assert ckpt['meta']['seed'] == 3
    assert torch.equal(ckpt['state_dict']['w'], torch.ones(2))
    with pytest.raises(FileNotFoundError, match='does not exist'):
        load_local_checkpoint(str(tmp_path / 'missing.pth'))


def test_weights_only_policy_switch(tmp_path, monkeypatch):
    import numpy as np
    path = str(tmp_path / 'ckpt.pth')
    torch.save(dict(meta=dict(arr=np.arange(3))), path)
    monkeypatch.setenv('MMPARTKD_WEIGHTS_ONLY', '1')
    with pytest.raises(Exception):
        load_local_checkpoint(path)
    monkeypatch.setenv('MMPARTKD_WEIGHTS_ONLY', '0')
    assert load_local_checkpoint(path)['meta']['arr'].tolist() == [0, 1, 2]


def test_version():
    assert mmpartkd.__version__.count('.') == 2
