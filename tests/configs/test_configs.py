"""Every shipped config loads, and every PartKD / baseline model builds
(distillers with a teacher checkpoint saved by the test)."""
import glob
import importlib.util
import os.path as osp

import pytest
import torch
from mmengine.config import Config

from mmaction.registry import MODELS
from mmpartkd.models.distillers import build_model_cfg
from mmpartkd.apis.experiment import CheckpointOf
from mmpartkd.testing import make_distill_batch

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
CONFIGS = sorted(
    p for p in glob.glob(osp.join(ROOT, 'configs', '**', '*.py'),
                         recursive=True) if '_base_' not in p)
PARTKD = [p for p in CONFIGS if '/partkd/' in p or '/baselines/' in p]


@pytest.mark.parametrize('path', CONFIGS, ids=osp.basename)
def test_config_loads(path):
    cfg = Config.fromfile(path)
    assert 'model' in cfg and cfg.model.get('type')
    assert cfg.custom_imports['imports'] == ['mmpartkd']


@pytest.mark.parametrize('path', PARTKD, ids=osp.basename)
def test_model_builds(path, tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)  # teacher config paths are repo-relative
    cfg = Config.fromfile(path)
    model_cfg = cfg.model
    if model_cfg.type == 'PartKDDistiller':
        teacher = MODELS.build(build_model_cfg(model_cfg.teacher, 'teacher'))
        ckpt = str(tmp_path / 'teacher.pth')
        torch.save(dict(state_dict=teacher.state_dict()), ckpt)
        model_cfg.teacher_ckpt = ckpt
        model_cfg.teacher_cache = None
        if model_cfg.get('part_head') and isinstance(
                model_cfg.part_head.part_matrix, str) and \
                model_cfg.part_head.part_matrix.endswith('.npy'):
            model_cfg.part_head.part_matrix = 'uniform'
    model = MODELS.build(model_cfg)
    assert sum(p.numel() for p in model.parameters()) > 0


def _load_penn_benchmark():
    spec = importlib.util.spec_from_file_location(
        'penn_action_benchmark',
        osp.join(ROOT, 'tools', 'benchmarks', 'penn_action.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


PENN_METHODS = _load_penn_benchmark().students('harsh')


@pytest.mark.parametrize('method', [
    m for m in PENN_METHODS
    if m not in ('baseline', 'logitkd', 'featkd', 'partkd')
])
def test_penn_benchmark_variants_build_and_train(method, tmp_path,
                                                 monkeypatch):
    """Each method of tools/benchmarks/penn_action.py (config + its
    --cfg-options) builds and gives finite losses on a Penn-shaped batch."""
    monkeypatch.chdir(ROOT)
    method_cfg = PENN_METHODS[method]
    cfg = Config.fromfile(method_cfg.config)
    teacher = MODELS.build(build_model_cfg(
        cfg.model.get('teacher', cfg.model), 'teacher'))
    ckpt = str(tmp_path / 'teacher.pth')
    torch.save(dict(state_dict=teacher.state_dict()), ckpt)
    options = {k: ckpt if isinstance(v, CheckpointOf) else v
               for k, v in method_cfg.cfg_options.items()}
    assert method_cfg.distill == (cfg.model.type == 'PartKDDistiller')
    if method_cfg.distill:
        options['model.teacher_ckpt'] = ckpt
    if cfg.model.get('part_head') and \
            'model.part_head.part_matrix' not in options:
        options['model.part_head.part_matrix'] = 'uniform'
    cfg.merge_from_dict(options)
    if method == 'teacher-init':
        assert cfg.load_from == ckpt
        return
    model = MODELS.build(cfg.model)
    model.train()
    x, samples = make_distill_batch([0, 1, 2, 3, 0, 1], num_joints=13)
    losses = model(x, samples, mode='loss')
    assert 'loss_cls' in losses
    assert bool(cfg.model.get('part_head')) == ('loss_part_contrast' in
                                                losses)
    assert all(torch.isfinite(v) for v in losses.values())
