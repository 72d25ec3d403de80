import argparse
import os
import pickle
import subprocess
import sys

import pytest
import torch

import mmpartkd
from mmpartkd.compat import (TRUST_ENV, WEIGHTS_ONLY_ENV,
                             _history_buffer_getattr, _trusted,
                             checkpoint_safe_globals, load_local_checkpoint)


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
    monkeypatch.delenv(TRUST_ENV, raising=False)
    monkeypatch.delenv(WEIGHTS_ONLY_ENV, raising=False)
    # default: safe loader with the allowlist, numpy arrays load
    assert load_local_checkpoint(path)['meta']['arr'].tolist() == [0, 1, 2]
    monkeypatch.setenv(WEIGHTS_ONLY_ENV, '1')  # torch's loader, no allowlist
    with pytest.raises(Exception):
        load_local_checkpoint(path)
    monkeypatch.setenv(TRUST_ENV, '1')  # the strictest setting wins
    with pytest.raises(Exception):
        load_local_checkpoint(path)
    monkeypatch.delenv(TRUST_ENV)
    # the old opt-out still trusts every file, with a warning
    torch.save(dict(args=argparse.Namespace(lr=0.1)), path)
    monkeypatch.setenv(WEIGHTS_ONLY_ENV, '0')
    with pytest.warns(FutureWarning, match=TRUST_ENV):
        assert load_local_checkpoint(path)['args'].lr == 0.1


def test_trust_list_files_and_directories(tmp_path, monkeypatch):
    monkeypatch.delenv(WEIGHTS_ONLY_ENV, raising=False)
    (tmp_path / 'trusted').mkdir()
    inside = str(tmp_path / 'trusted' / 'a.pth')
    outside = str(tmp_path / 'trusted_not' / 'b.pth')  # prefix, not below
    other = str(tmp_path / 'c.pth')
    for value, expected in [
            ('', (False, False, False)), ('0', (False, False, False)),
            ('1', (True, True, True)),
            (str(tmp_path / 'trusted'), (True, False, False)),
            (str(tmp_path / 'trusted') + '/', (True, False, False)),
            (os.pathsep.join([other, outside]), (False, True, True))]:
        monkeypatch.setenv(TRUST_ENV, value)
        assert tuple(map(_trusted, (inside, outside, other))) == expected, \
            value


def test_allowlist_is_scoped_to_the_loader(tmp_path, monkeypatch):
    """The allowlist applies inside :func:`load_local_checkpoint` only and
    leaves entries the user allowlisted in place."""
    import numpy as np
    from torch.serialization import add_safe_globals, get_safe_globals
    monkeypatch.delenv(TRUST_ENV, raising=False)
    monkeypatch.delenv(WEIGHTS_ONLY_ENV, raising=False)
    path = str(tmp_path / 'ckpt.pth')
    torch.save(dict(arr=np.arange(3)), path)
    before = get_safe_globals()
    add_safe_globals([np.ndarray])
    try:
        load_local_checkpoint(path)
        assert np.ndarray in get_safe_globals()
    finally:
        torch.serialization.clear_safe_globals()
        add_safe_globals(before)
    load_local_checkpoint(path)
    assert set(map(repr, get_safe_globals())) == set(map(repr, before))
    with pytest.raises(pickle.UnpicklingError):  # torch.load keeps its rules
        torch.load(path, weights_only=True)


def test_torch_without_allowlist_api(tmp_path, monkeypatch):
    """torch < 2.5: plain state dicts load, mmengine checkpoints need
    trust."""
    import numpy as np
    from mmpartkd.compat import UntrustedCheckpointError
    monkeypatch.delenv(TRUST_ENV, raising=False)
    monkeypatch.delenv(WEIGHTS_ONLY_ENV, raising=False)
    monkeypatch.delattr(torch.serialization,
                        'get_unsafe_globals_in_checkpoint')
    plain, meta = str(tmp_path / 'plain.pth'), str(tmp_path / 'meta.pth')
    torch.save(dict(state_dict=dict(w=torch.ones(2))), plain)
    torch.save(dict(meta=dict(arr=np.arange(3))), meta)
    assert torch.equal(load_local_checkpoint(plain)['state_dict']['w'],
                       torch.ones(2))
    with pytest.raises(UntrustedCheckpointError, match='torch >= 2.5'):
        load_local_checkpoint(meta)
    monkeypatch.setenv(TRUST_ENV, meta)
    assert load_local_checkpoint(meta)['meta']['arr'].tolist() == [0, 1, 2]


def test_history_buffer_getattr_is_restricted():
    import numpy as np
    from mmengine.logging import HistoryBuffer
    for name in ('min', 'max', 'current', 'mean'):
        assert _history_buffer_getattr(HistoryBuffer, name) is getattr(
            HistoryBuffer, name)
    for obj, name in [(HistoryBuffer, '__init__'),
                      (HistoryBuffer, 'register_statistics'),
                      (np.ndarray, 'tofile'), (os, 'system'),
                      (HistoryBuffer(), 'min')]:
        with pytest.raises(pickle.UnpicklingError, match='getattr'):
            _history_buffer_getattr(obj, name)


def test_allowlist_names_what_mmengine_checkpoints_pickle(tmp_path):
    """Each allowlisted name is the name pickle writes for its object."""
    import numpy as np
    from mmengine.logging import HistoryBuffer
    names = {name for _, name in checkpoint_safe_globals()}
    path = str(tmp_path / 'ckpt.pth')
    buffer = HistoryBuffer()
    buffer.update(1.5)
    torch.save(dict(buffer=buffer, scalar=np.float64(2.), arr=np.ones(2)),
               path)
    needed = set(torch.serialization.get_unsafe_globals_in_checkpoint(path))
    assert needed <= names and len(needed) == 6  # + _reconstruct, scalar
    assert {'builtins.getattr', 'numpy.dtype', 'numpy.ndarray',
            'mmengine.logging.history_buffer.HistoryBuffer'} <= needed
    assert 'numpy.core.multiarray._reconstruct' in names  # numpy 1 files
    assert load_local_checkpoint(path)['buffer'].mean() == 1.5


def test_version():
    assert mmpartkd.__version__.count('.') == 2


def test_bfloat16_class_scores_reach_the_accuracy():
    """mmaction2's BaseHead.loss_by_feat converts the scores to numpy for
    the top-k accuracy; bfloat16 (CPU autocast) has no numpy dtype."""
    from mmaction.registry import MODELS
    from mmaction.structures import ActionDataSample
    head = MODELS.build(dict(type='GCNHead', num_classes=4, in_channels=8))
    scores = torch.randn(6, 4)
    samples = [ActionDataSample().set_gt_label(i % 4) for i in range(6)]
    ref = head.loss_by_feat(scores, samples)
    got = head.loss_by_feat(scores.bfloat16().requires_grad_(), samples)
    assert got['loss_cls'].dtype == torch.float32
    assert float(got['top1_acc']) == float(ref['top1_acc'])
    torch.testing.assert_close(got['loss_cls'], ref['loss_cls'], rtol=2e-2,
                               atol=1e-2)
    got['loss_cls'].backward()


def test_amp_optim_wrapper_on_cpu():
    """tools/train.py --amp without a GPU: bfloat16 autocast, no loss
    scaling, a state dict that round-trips (resume)."""
    if torch.cuda.is_available():
        pytest.skip('the CPU path')
    from mmengine.optim import build_optim_wrapper
    model = torch.nn.Linear(3, 2)
    cfg = dict(type='AmpOptimWrapper', loss_scale='dynamic',
               optimizer=dict(type='SGD', lr=0.1))
    wrapper = build_optim_wrapper(model, cfg)
    assert wrapper.cast_dtype == torch.bfloat16
    with wrapper.optim_context(model):
        out = model(torch.randn(4, 3))
        assert out.dtype == torch.bfloat16
    before = model.weight.detach().clone()
    wrapper.update_params(out.float().square().mean())
    assert not torch.equal(model.weight, before)
    build_optim_wrapper(model, cfg).load_state_dict(wrapper.state_dict())
    with pytest.raises(ValueError, match='bfloat16'):
        build_optim_wrapper(model, dict(cfg, dtype='float16'))
