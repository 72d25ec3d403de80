"""Checkpoints load safely by default: the project's own checkpoints (a
training checkpoint, ``--resume``, a PartKD teacher, the exported student)
load with ``weights_only=True`` and mmpartkd's allowlist, and a file that
needs anything else is refused, naming the global, the file and the
variable that trusts it, without running any of its code."""
import argparse
import os
import os.path as osp
import pickle

import numpy as np
import pytest
import torch

from mmaction.registry import MODELS
from mmpartkd.compat import (TRUST_ENV, WEIGHTS_ONLY_ENV,
                             UntrustedCheckpointError,
                             checkpoint_safe_globals, load_local_checkpoint)
from mmpartkd.testing import run_tool

ONE_EPOCH = """
train_dataloader = dict(batch_size=16, num_workers=0, persistent_workers=False,
                        dataset=dict(ann_file='{ann}'))
val_dataloader = dict(batch_size=16, num_workers=0, persistent_workers=False,
                      dataset=dict(ann_file='{ann}'))
test_dataloader = val_dataloader
train_cfg = dict(max_epochs=1, val_interval=1)
"""


@pytest.fixture(autouse=True)
def default_policy(monkeypatch):
    """No trust from the environment (the tools' processes inherit it)."""
    monkeypatch.delenv(TRUST_ENV, raising=False)
    monkeypatch.delenv(WEIGHTS_ONLY_ENV, raising=False)


def same(a, b):
    """Equal nested checkpoints (tensors, arrays, objects by ``__dict__``)."""
    assert type(a) is type(b)
    if isinstance(a, dict):
        assert a.keys() == b.keys()
        return all(same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(map(same, a, b))
    if isinstance(a, torch.Tensor):
        return torch.equal(a, b)
    if isinstance(a, np.ndarray):
        return a.dtype == b.dtype and np.array_equal(a, b)
    if hasattr(a, '__dict__') and not callable(a):
        return same(vars(a), vars(b))
    return a == b


def test_project_checkpoints_load_under_the_default(
        tmp_path, repo_root, partkd_config, synthetic_ann_file, monkeypatch):
    distill = partkd_config(ONE_EPOCH.format(ann=synthetic_ann_file))
    teacher = tmp_path / 'teacher_train.py'  # partkd_config's teacher
    teacher.write_text(f"_base_ = '{tmp_path / 'teacher.py'}'\n" +
                       ONE_EPOCH.format(ann=synthetic_ann_file))
    run_tool(repo_root, 'tools/train.py', str(teacher), '--work-dir',
             str(tmp_path / 'teacher'))
    teacher_ckpt = str(tmp_path / 'teacher' / 'epoch_1.pth')

    # a training checkpoint needs exactly the allowlisted globals, and the
    # safe loader gives what a full unpickling gives
    allowed = {name for _, name in checkpoint_safe_globals()}
    needed = set(
        torch.serialization.get_unsafe_globals_in_checkpoint(teacher_ckpt))
    assert 'mmengine.logging.history_buffer.HistoryBuffer' in needed
    assert needed <= allowed, needed - allowed
    assert same(load_local_checkpoint(teacher_ckpt),
                torch.load(teacher_ckpt, weights_only=False))

    # PartKDDistiller loads the trained teacher (in a process of the tool
    # and here), then --resume reads the distiller checkpoint
    work = str(tmp_path / 'distill')
    opts = ['--cfg-options', f'model.teacher_ckpt={teacher_ckpt}']
    run_tool(repo_root, 'tools/train.py', distill, '--work-dir', work, *opts)
    from mmengine.config import Config
    model_cfg = Config.fromfile(distill).model
    model_cfg.teacher_ckpt = teacher_ckpt
    model = MODELS.build(model_cfg)
    reference = torch.load(teacher_ckpt, weights_only=False)['state_dict']
    for k, v in model.teacher.state_dict().items():
        assert torch.equal(v, reference[k]), k
    out = run_tool(repo_root, 'tools/train.py', distill, '--work-dir', work,
                   '--resume', *opts, 'train_cfg.max_epochs=2')
    assert 'resumed epoch: 1' in out.stdout + out.stderr
    assert load_local_checkpoint(osp.join(work, 'epoch_2.pth'))['meta'][
        'epoch'] == 2

    # the exported student is a plain state dict: even torch's own
    # restricted loader (MMPARTKD_WEIGHTS_ONLY=1) reads it
    exported = str(tmp_path / 'student.pth')
    run_tool(repo_root, 'tools/export_student.py', distill,
             osp.join(work, 'epoch_2.pth'), '--out', exported)
    assert torch.serialization.get_unsafe_globals_in_checkpoint(
        exported) == []
    monkeypatch.setenv(WEIGHTS_ONLY_ENV, '1')
    assert load_local_checkpoint(exported)['state_dict']


def save_with_namespace(path):
    torch.save(dict(state_dict=dict(w=torch.ones(2)),
                    args=argparse.Namespace(lr=0.1)), path)


def test_custom_class_refused_unless_trusted(tmp_path, monkeypatch):
    path = tmp_path / 'stranger' / 'ckpt.pth'
    path.parent.mkdir()
    save_with_namespace(str(path))
    with pytest.raises(UntrustedCheckpointError) as error:
        load_local_checkpoint(str(path))
    message = str(error.value)
    assert 'argparse.Namespace' in message and str(path) in message
    assert f'{TRUST_ENV}={path}' in message
    # trusted by file, by directory, or all files: full unpickling
    for trust in (str(path), str(path.parent), '1'):
        monkeypatch.setenv(TRUST_ENV, trust)
        assert load_local_checkpoint(str(path))['args'].lr == 0.1
    monkeypatch.setenv(TRUST_ENV, str(tmp_path / 'other.pth'))
    with pytest.raises(UntrustedCheckpointError, match='argparse.Namespace'):
        load_local_checkpoint(str(path))


class _Payload:
    """Unpickles by calling ``reduce_to`` (what a malicious file does)."""

    def __init__(self, reduce_to):
        self.reduce_to = reduce_to

    def __reduce__(self):
        return self.reduce_to


def test_code_in_a_checkpoint_never_runs(tmp_path):
    marker = tmp_path / 'ran'
    # a plain os.system call, and getattr on an allowlisted class (the real
    # getattr would reach ndarray.tofile and write files)
    cases = [((os.system, (f'touch {marker}', )), 'system'),
             ((getattr, (np.ndarray, 'tofile')), "getattr(<class 'numpy")]
    for i, (reduce_to, named) in enumerate(cases):
        path = str(tmp_path / f'evil{i}.pth')
        torch.save(dict(state_dict={}, meta=_Payload(reduce_to)), path)
        with pytest.raises(UntrustedCheckpointError) as error:
            load_local_checkpoint(path)
        assert named in str(error.value) and path in str(error.value)
        assert TRUST_ENV in str(error.value)
    assert not marker.exists()


def test_distiller_refuses_an_untrusted_teacher(tmp_path, monkeypatch):
    from mmpartkd.testing import tiny_gcn_cfg
    path = str(tmp_path / 'teacher.pth')
    teacher = MODELS.build(tiny_gcn_cfg(num_classes=4))
    torch.save(dict(state_dict=teacher.state_dict(),
                    args=argparse.Namespace(lr=0.1)), path)
    cfg = dict(type='PartKDDistiller', student=tiny_gcn_cfg(num_classes=4),
               teacher=tiny_gcn_cfg(num_classes=4), teacher_ckpt=path,
               loss_kd=dict(type='LogitKDLoss'))
    with pytest.raises(UntrustedCheckpointError, match='argparse.Namespace'):
        MODELS.build(cfg)
    monkeypatch.setenv(TRUST_ENV, path)
    model = MODELS.build(cfg)
    for k, v in teacher.state_dict().items():
        assert torch.equal(model.teacher.state_dict()[k], v)


def test_refusal_is_an_unpickling_error():
    # callers that handled torch's own refusal keep working
    assert issubclass(UntrustedCheckpointError, pickle.UnpicklingError)
