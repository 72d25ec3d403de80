"""``tools/train.py CONFIG --amp`` trains a tiny PartKD config end to end
(on CPU mmengine's autocast runs in bfloat16; on CUDA in float16): finite
losses in the log and a checkpoint."""
import glob
import math
import re

import torch

from mmpartkd.testing import run_tool


def test_partkd_trains_with_amp(tmp_path, repo_root, partkd_config):
    config = partkd_config(
        'model.update(loss_kd=dict(type="LogitKDLoss"), '
        'loss_feat=dict(type="FeatureKDLoss"))\n')
    work = tmp_path / 'work'
    out = run_tool(repo_root, 'tools/train.py', config, '--amp',
                   '--work-dir', str(work))
    log = out.stdout + out.stderr
    ckpt = work / 'epoch_1.pth'
    assert ckpt.is_file(), log[-3000:]
    state = torch.load(ckpt, map_location='cpu', weights_only=False)
    assert 'AmpOptimWrapper' in open(
        glob.glob(str(work / '*' / 'vis_data' / 'config.py'))[0]).read()
    assert all(torch.isfinite(v).all() for v in state['state_dict'].values()
               if v.is_floating_point())
    text = open(glob.glob(str(work / '*' / '*.log'))[0]).read()
    for key in ('loss_cls', 'loss_part_contrast', 'loss_kd', 'loss_feat'):
        values = re.findall(rf'{key}: ([-0-9.e+naif]+)', text)
        assert values, (key, text[-3000:])
        assert all(math.isfinite(float(v)) for v in values), (key, values)
    # validation ran under the same (autocast) test step
    assert re.search(r'acc/top1: [0-9.]+', text)
