"""IKEMPhaseSwitchHook sets the phase from the epoch (1-based upstream)."""
from types import SimpleNamespace

import pytest

from mmaction.registry import HOOKS


class FakeModel:
    phase = 'independent'

    def set_phase(self, phase):
        self.phase = phase


def test_switch_by_epoch():
    hook = HOOKS.build(dict(type='IKEMPhaseSwitchHook', cross_epoch=2))
    model = FakeModel()
    seen = []
    for epoch in range(4):  # runner.epoch is 0-based
        hook.before_train_epoch(SimpleNamespace(model=model, epoch=epoch))
        seen.append(model.phase)
    assert seen == ['independent', 'independent', 'cross', 'cross']
    # resuming at a later epoch restores the phase
    model = FakeModel()
    hook.before_train_epoch(SimpleNamespace(model=model, epoch=3))
    assert model.phase == 'cross'


def test_never_switch_and_errors():
    hook = HOOKS.build(dict(type='IKEMPhaseSwitchHook', cross_epoch=None))
    model = FakeModel()
    hook.before_train_epoch(SimpleNamespace(model=model, epoch=500))
    assert model.phase == 'independent'
    with pytest.raises(TypeError):
        hook.before_train_epoch(SimpleNamespace(model=object(), epoch=0))
    with pytest.raises(ValueError):
        HOOKS.build(dict(type='IKEMPhaseSwitchHook', cross_epoch=-1))
