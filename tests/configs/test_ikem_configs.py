"""Every configs/ikem config parses; the paper-setting ones keep the
published schedule, and the modality token of each name (6m / 3m) is the
number of modalities its model trains or evaluates. The models are built
by tests/configs/test_configs.py."""
import glob
import os.path as osp

import pytest
from mmengine.config import Config

REPO_ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))

CONFIGS = sorted(glob.glob(osp.join(REPO_ROOT, 'configs', 'ikem', '*.py')))
EPOCHS = {'ikem-pretrain': 300, 'relcmkd': 150, 'moco3s': 150,
          'linear-eval': 100}


def trained_modalities(model) -> int:
    if model.type == 'RelationalCMKD':
        return len(model.student_modalities)
    return len(model.modalities)


@pytest.mark.parametrize('path', CONFIGS, ids=osp.basename)
def test_config_parses(path):
    cfg = Config.fromfile(path)
    assert cfg.model.type in ('MultiModalMoCo', 'RelationalCMKD',
                              'MultiModalRecognizerGCN')
    name = osp.basename(path)
    # {algo}_{backbone}_{gpus}xb{batch}-{modality}-{epochs}e_{data}.py
    algo, _, training, _ = name.split('_')
    modality = training.split('-')[1]
    assert modality == f'{trained_modalities(cfg.model)}m'
    if 'ntu' in name:
        assert cfg.train_cfg.max_epochs == EPOCHS[algo]
        assert cfg.train_dataloader.batch_size == 128
    if cfg.model.type == 'MultiModalMoCo' and 'ntu' in name:
        assert cfg.model.queue_size == 32768 and cfg.model.momentum == 0.999
    if algo == 'ikem-pretrain':
        hooks = [h for h in cfg.custom_hooks
                 if h.type == 'IKEMPhaseSwitchHook']
        assert hooks
        if 'ntu' in name:  # the paper: cross from epoch 151 of 300
            assert hooks[0].cross_epoch == cfg.train_cfg.max_epochs // 2
        else:  # synthetic: a long independent phase, a cross phase
            assert 0 < hooks[0].cross_epoch < cfg.train_cfg.max_epochs
    if 'ntu' in name:
        upstream_encoder_options(cfg.model)


def upstream_encoder_options(model):
    """The NTU configs use upstream's encoder: dropout 0.5, N(0, 0.02)
    initialisation, key encoders drawn on their own, linear evaluation by
    one cross-entropy on the averaged logits."""
    assert model.backbone.tcn_dropout == 0.5
    if model.type == 'MultiModalMoCo':
        assert model.init_std == 0.02
        assert model.momentum_init == 'independent'
    elif model.type == 'RelationalCMKD':
        assert model.init_std == 0.02
    else:
        assert model.loss_mode == 'mean_logits'
        assert model.cls_head.init_cfg == dict(type='Normal', layer='Linear',
                                               std=0.02)
