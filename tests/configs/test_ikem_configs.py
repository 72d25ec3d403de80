"""Every configs/ikem config parses; the paper-setting ones keep the
published schedule and build without the 768 = 6 * 128 coincidence."""
import glob
import os.path as osp

import pytest
from mmengine.config import Config

REPO_ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))

CONFIGS = sorted(glob.glob(osp.join(REPO_ROOT, 'configs', 'ikem', '*.py')))


@pytest.mark.parametrize('path', CONFIGS, ids=osp.basename)
def test_config_parses(path):
    cfg = Config.fromfile(path)
    assert cfg.model.type in ('MultiModalMoCo', 'RelationalCMKD',
                              'MultiModalRecognizerGCN')
    name = osp.basename(path)
    if 'ntu' in name:
        epochs = {'ikem-pretrain': 300, 'relcmkd': 150, 'moco3s': 150,
                  'linear-eval': 100}
        assert cfg.train_cfg.max_epochs == epochs[name.split('_')[0].rsplit(
            '-', 1)[0] if name.startswith('linear') else name.split('_')[0]]
        assert cfg.train_dataloader.batch_size == 128
    if cfg.model.type == 'MultiModalMoCo' and 'ntu' in name:
        assert cfg.model.queue_size == 32768 and cfg.model.momentum == 0.999
    if name.startswith('ikem-pretrain'):
        hooks = [h for h in cfg.custom_hooks
                 if h.type == 'IKEMPhaseSwitchHook']
        assert hooks and hooks[0].cross_epoch == cfg.train_cfg.max_epochs // 2
