"""Every shipped config loads, and every PartKD / baseline model builds
(distillers with a teacher checkpoint saved by the test)."""
import glob
import os.path as osp

import pytest
import torch
from mmengine.config import Config

from mmaction.registry import MODELS
from mmpartkd.models.distillers import build_model_cfg

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
