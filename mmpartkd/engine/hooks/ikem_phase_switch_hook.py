"""Epoch-based switch from independent to cross-modal SSL training."""
from typing import Optional

from mmengine.hooks import Hook
from mmengine.logging import print_log
from mmengine.model import is_model_wrapper

from mmaction.registry import HOOKS

__all__ = ['IKEMPhaseSwitchHook']


@HOOKS.register_module()
class IKEMPhaseSwitchHook(Hook):
    """Set ``model.set_phase('independent' | 'cross')`` before every epoch.

    Epochs are counted from 1 as in upstream: epochs ``1..cross_epoch`` train
    each modality independently, later epochs use cross-modal positive
    mining + IKEM (upstream: ``epoch <= cross_epoch``). Because the phase is
    set before every epoch, resuming from a checkpoint restores it.

    Args:
        cross_epoch (int, optional): Last independent epoch (IKEM: 150 of
            300). ``None`` never switches (MoCo only).
    """

    priority = 'NORMAL'

    def __init__(self, cross_epoch: Optional[int] = 150) -> None:
        if cross_epoch is not None and cross_epoch < 0:
            raise ValueError('cross_epoch must be >= 0 or None')
        self.cross_epoch = cross_epoch

    def phase_of(self, epoch: int) -> str:
        """Phase of the 0-based ``epoch``."""
        if self.cross_epoch is None or epoch + 1 <= self.cross_epoch:
            return 'independent'
        return 'cross'

    def before_train_epoch(self, runner) -> None:
        model = runner.model
        if is_model_wrapper(model):
            model = model.module
        if not hasattr(model, 'set_phase'):
            raise TypeError(f'IKEMPhaseSwitchHook needs a model with '
                            f'set_phase(), got {type(model).__name__}')
        phase = self.phase_of(runner.epoch)
        if getattr(model, 'phase', None) != phase:
            print_log(f'IKEM phase -> {phase} (epoch {runner.epoch + 1})',
                      logger='current')
        model.set_phase(phase)
