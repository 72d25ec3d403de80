"""An epoch-based training loop that resumes exactly in the middle of an
epoch.

mmengine 0.10.7's ``EpochBasedTrainLoop`` resumed from a checkpoint saved
mid-epoch (``default_hooks.checkpoint=dict(by_epoch=False, interval=N)``)
restarts the interrupted epoch from its first batch: the batches before the
checkpoint are trained twice and the run no longer matches an uninterrupted
one. :class:`ResumableEpochBasedTrainLoop` skips them instead and puts the
random state of the data pipeline back where it was, so a run killed after
``iter_N.pth`` and resumed with ``--resume`` ends with the same weights as
the uninterrupted run (same seed, same config).
"""
import logging
import random
from typing import Dict, List, Optional, Tuple, Union

import numpy as np
import torch
from mmengine.hooks import Hook
from mmengine.logging import print_log
from mmengine.runner import EpochBasedTrainLoop
from torch.utils.data import DataLoader

from mmaction.registry import LOOPS

__all__ = ['ResumableEpochBasedTrainLoop']

STATE_KEY = 'resumable_loop'


class _LoopStateHook(Hook):
    """Carries the loop's random states through checkpoints (registered by
    the loop itself)."""

    priority = 'VERY_LOW'

    def __init__(self, loop: 'ResumableEpochBasedTrainLoop') -> None:
        self.loop = loop

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        checkpoint[STATE_KEY] = self.loop.state_dict()

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        self.loop.resume_state = checkpoint.get(STATE_KEY)


@LOOPS.register_module()
class ResumableEpochBasedTrainLoop(EpochBasedTrainLoop):
    """``EpochBasedTrainLoop`` with exact mid-epoch resume.

    Use it with ``train_cfg = dict(type='ResumableEpochBasedTrainLoop',
    max_epochs=..., ...)``; everything else is the stock loop.

    Every checkpoint it writes also stores (key ``'resumable_loop'``) the
    global ``numpy`` and ``random`` states at the start of the current epoch
    and the ``torch`` CPU generator state at the checkpoint. On resume from
    a checkpoint saved after ``k`` batches of an epoch, it restores the
    epoch-start states, re-reads (does not train on) the first ``k`` batches
    so the data pipeline draws the same random numbers it drew the first
    time, restores the torch state, and goes on with batch ``k``.

    Exact when the pipeline's randomness lives in the main process
    (``num_workers=0``) or in non-persistent workers (mmengine reseeds them
    identically at every epoch); with ``persistent_workers=True`` the
    sample order and the set of trained samples are still exact but the
    augmentations after the resume point differ. A checkpoint saved at the
    end of an epoch restores the random states of that moment (exact unless
    validation in between drew random numbers).
    """

    def __init__(self,
                 runner,
                 dataloader: Union[DataLoader, Dict],
                 max_epochs: int,
                 val_begin: int = 1,
                 val_interval: int = 1,
                 dynamic_intervals: Optional[List[Tuple[int, int]]] = None
                 ) -> None:
        super().__init__(runner, dataloader, max_epochs, val_begin,
                         val_interval, dynamic_intervals)
        self.resume_state: Optional[dict] = None
        self._epoch_start_rng: Optional[dict] = None
        runner.register_hook(_LoopStateHook(self))

    @staticmethod
    def _host_rng() -> dict:
        return dict(numpy=np.random.get_state(), random=random.getstate())

    @staticmethod
    def _set_host_rng(state: dict) -> None:
        np.random.set_state(state['numpy'])
        random.setstate(state['random'])

    def state_dict(self) -> dict:
        return dict(
            epoch_start=self._epoch_start_rng,
            now=self._host_rng(),
            torch=torch.get_rng_state())

    def _batches_done(self) -> int:
        """Batches of the current epoch trained before the checkpoint."""
        return max(self._iter - self._epoch * len(self.dataloader), 0)

    def run_epoch(self) -> None:
        """Iterate one epoch, skipping the batches a resumed checkpoint had
        already trained."""
        self.runner.call_hook('before_train_epoch')
        self.runner.model.train()
        state, self.resume_state = self.resume_state, None
        skip = self._batches_done()
        if state is not None:
            if skip and state.get('epoch_start') is not None:
                self._set_host_rng(state['epoch_start'])
            elif not skip:
                self._set_host_rng(state['now'])
                torch.set_rng_state(state['torch'])
        elif skip:
            print_log(
                f'resuming in the middle of epoch {self._epoch + 1}: the '
                f'first {skip} batches are skipped, but the checkpoint has '
                'no random state (it was not written by '
                'ResumableEpochBasedTrainLoop), so the augmentations differ '
                'from an uninterrupted run',
                logger='current',
                level=logging.WARNING)
        # after a restore this is the epoch-start state of the first run
        self._epoch_start_rng = self._host_rng()
        if skip:
            print_log(
                f'resuming in the middle of epoch {self._epoch + 1}: '
                f're-reading (not training) its first {skip} batches',
                logger='current')
        for idx, data_batch in enumerate(self.dataloader):
            if idx < skip:
                continue
            if idx == skip and skip and state is not None:
                torch.set_rng_state(state['torch'])
            self.run_iter(idx, data_batch)
        self.runner.call_hook('after_train_epoch')
        self._epoch += 1
