"""Build a model, its checkpoint and dataloaders from a config, outside a
training run (for the command-line tools)."""
import copy
import os.path as osp
from typing import Optional

import torch
from mmengine.config import Config
from mmengine.runner import Runner, load_checkpoint

from mmaction.registry import MODELS
from mmaction.utils import register_all_modules
# re-exported: the tools import it from here
from mmpartkd.datasets.wrappers import innermost_dataset_cfg

__all__ = ['load_config', 'init_recognizer', 'build_eval_dataloader',
           'innermost_dataset_cfg']


def load_config(config) -> Config:
    cfg = config if isinstance(config, Config) else Config.fromfile(config)
    register_all_modules(init_default_scope=True)
    return cfg


def init_recognizer(cfg: Config, checkpoint: Optional[str],
                    device: str = 'cpu') -> torch.nn.Module:
    """Build ``cfg.model`` and load ``checkpoint`` (strict about missing
    files, not about extra keys)."""
    model = MODELS.build(cfg.model)
    if checkpoint is not None:
        if not osp.isfile(checkpoint):
            raise FileNotFoundError(f'checkpoint "{checkpoint}" not found')
        load_checkpoint(model, checkpoint, map_location='cpu', strict=False,
                        revise_keys=[(r'^module\.', '')])
    return model.to(device).eval()


def build_eval_dataloader(cfg: Config,
                          split: Optional[str] = None,
                          pipeline=None,
                          batch_size: Optional[int] = None,
                          num_workers: int = 0):
    """A non-shuffled dataloader over ``split`` (default: the test split)
    with ``pipeline`` (default: the test pipeline)."""
    loader = copy.deepcopy(cfg.test_dataloader)
    dataset = loader['dataset'] = copy.deepcopy(
        innermost_dataset_cfg(loader['dataset']))
    if split is not None:
        dataset['split'] = split
    if pipeline is not None:
        dataset['pipeline'] = pipeline
    loader['sampler'] = dict(type='DefaultSampler', shuffle=False)
    loader['num_workers'] = num_workers
    loader['persistent_workers'] = False
    if batch_size is not None:
        loader['batch_size'] = batch_size
    return Runner.build_dataloader(loader)
