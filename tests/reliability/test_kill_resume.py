"""A PartKD training run killed with SIGKILL in the middle of an epoch and
resumed with ``tools/train.py --resume`` ends with exactly the weights of an
uninterrupted run with the same seed."""
import glob
import os.path as osp
import signal

import torch

from mmpartkd.testing import run_tool

# 60 training samples, batch 8: 8 iterations per epoch, 16 in all.
# Checkpoints every 5 iterations; the run is killed at iteration 11, one
# iteration after iter_10.pth (2 batches into epoch 2), so the batch of
# iteration 11 is trained, lost and trained again after the resume.
SCHEDULE = """
train_cfg = dict(type='ResumableEpochBasedTrainLoop', max_epochs=2,
                 val_begin=1, val_interval=1)
default_hooks = dict(
    checkpoint=dict(interval=5, by_epoch=False, max_keep_ckpts=-1,
                    save_last=True))
randomness = dict(seed=7, deterministic=True)
"""
KILL_AT = 11

# A hook that SIGKILLs its own process after iteration KILL_AT, after the
# checkpoint hook ran: a deterministic stand-in for a crash or an OOM kill.
KILL_HOOK = """
import os
import signal

from mmengine.hooks import Hook
from mmengine.registry import HOOKS


@HOOKS.register_module()
class SigKillAtIterHook(Hook):
    priority = 'LOWEST'

    def __init__(self, iteration):
        self.iteration = iteration

    def after_train_iter(self, runner, batch_idx, data_batch=None,
                         outputs=None):
        if runner.iter + 1 == self.iteration:
            os.kill(os.getpid(), signal.SIGKILL)
"""


def final_state(work_dir):
    state = torch.load(osp.join(work_dir, 'iter_16.pth'), map_location='cpu',
                       weights_only=False)
    return state


def test_sigkill_mid_epoch_then_resume_matches_uninterrupted(
        tmp_path, repo_root, partkd_config):
    config = partkd_config(SCHEDULE)
    (tmp_path / 'killhook.py').write_text(KILL_HOOK)
    killed_config = partkd_config(
        SCHEDULE + "custom_imports = dict(imports=['mmpartkd', 'killhook'], "
        'allow_failed_imports=False)\n'
        f"custom_hooks = [dict(type='SigKillAtIterHook', "
        f'iteration={KILL_AT})]\n', name='partkd_killed.py')
    ref, work = str(tmp_path / 'ref'), str(tmp_path / 'work')

    run_tool(repo_root, 'tools/train.py', config, '--work-dir', ref)

    out = run_tool(repo_root, 'tools/train.py', killed_config, '--work-dir',
                   work, env=dict(PYTHONPATH=str(tmp_path)), check=False)
    assert out.returncode == -signal.SIGKILL, out.stderr[-3000:]
    saved = sorted(int(p.rsplit('_', 1)[1][:-4])
                   for p in glob.glob(work + '/iter_*.pth'))
    assert saved[-1] == KILL_AT - 1, saved  # killed before iter_11.pth
    assert not glob.glob(work + '/.*.tmp') and not glob.glob(work + '/*.tmp')

    out = run_tool(repo_root, 'tools/train.py', config, '--work-dir', work,
                   '--resume')
    log = out.stdout + out.stderr
    assert 'resumed epoch: 1, iter: 10' in log
    assert 're-reading (not training) its first 2 batches' in log

    a, b = final_state(ref), final_state(work)
    assert a['meta']['iter'] == b['meta']['iter'] == 16
    assert a['state_dict'].keys() == b['state_dict'].keys()
    for key, value in a['state_dict'].items():
        assert torch.equal(value, b['state_dict'][key]), key
    # the optimiser's momentum buffers and the LR schedule match too
    mom_a = [s['momentum_buffer'] for s in
             a['optimizer']['state'].values()]
    mom_b = [s['momentum_buffer'] for s in
             b['optimizer']['state'].values()]
    assert len(mom_a) == len(mom_b) > 0
    assert all(torch.equal(x, y) for x, y in zip(mom_a, mom_b))
    assert a['param_schedulers'] == b['param_schedulers']
