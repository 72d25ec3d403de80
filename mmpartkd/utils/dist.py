"""Multi-process training on machines without CUDA (torch.distributed over
gloo, launched by ``torchrun`` / ``tools/dist_train.sh``).

mmengine 0.10.7's ``--launcher pytorch`` path cannot run on a CPU-only torch:
the stock ``default_runtime`` asks for the ``nccl`` backend,
``mmengine.dist.init_dist`` calls ``torch.cuda.set_device`` (an
``AttributeError`` on a CPU build of torch) and ``Runner.wrap_model`` passes
``device_ids=[LOCAL_RANK]`` to ``DistributedDataParallel``, which only
accepts it for GPU modules. :func:`setup_cpu_distributed` fixes the three
in the config before the runner is built; with CUDA it does nothing.
"""
import os

import torch
import torch.distributed as torch_dist
from mmengine.config import Config

__all__ = ['setup_cpu_distributed', 'teardown_distributed']


def setup_cpu_distributed(cfg: Config) -> Config:
    """Make a ``launcher='pytorch'`` config run on CPU processes.

    Without CUDA, and only then:

    * ``env_cfg.dist_cfg.backend`` ``'nccl'`` (the stock default) becomes
      ``'gloo'`` (any other backend is kept);
    * the process group is initialised here from torchrun's environment
      (``RANK``, ``WORLD_SIZE``, ``MASTER_ADDR``, ``MASTER_PORT``), so the
      runner finds it ready and skips mmengine's CUDA-only ``init_dist``;
    * ``model_wrapper_cfg`` gets ``device_ids=None`` (DDP on CPU modules).

    Args:
        cfg (Config): The merged config; ``cfg.launcher`` is the
            ``--launcher`` flag.

    Returns:
        Config: ``cfg``, modified in place.
    """
    launcher = cfg.get('launcher', 'none')
    if launcher == 'none' or torch.cuda.is_available():
        return cfg
    if launcher != 'pytorch':
        raise RuntimeError(
            f'--launcher {launcher} without CUDA is not supported: use '
            '--launcher pytorch (tools/dist_train.sh) for CPU processes')
    env_cfg = cfg.setdefault('env_cfg', dict())
    dist_cfg = env_cfg.setdefault('dist_cfg', dict())
    backend = dist_cfg.get('backend', 'nccl')
    if backend == 'nccl':
        backend = dist_cfg['backend'] = 'gloo'
    if not torch_dist.is_initialized():
        kwargs = {k: v for k, v in dist_cfg.items() if k != 'backend'}
        if 'timeout' in kwargs:
            import datetime
            kwargs['timeout'] = datetime.timedelta(seconds=kwargs['timeout'])
        torch_dist.init_process_group(
            backend=backend,
            rank=int(os.environ['RANK']),
            world_size=int(os.environ['WORLD_SIZE']),
            **kwargs)
    wrapper = cfg.get('model_wrapper_cfg', None)
    if wrapper is None:
        wrapper = dict(
            type='MMDistributedDataParallel',
            broadcast_buffers=False,
            find_unused_parameters=cfg.get('find_unused_parameters', False))
    from mmengine.registry import MODEL_WRAPPERS
    from torch.nn.parallel import DistributedDataParallel
    wrapper_type = MODEL_WRAPPERS.get(
        wrapper.get('type', 'MMDistributedDataParallel'))
    if isinstance(wrapper_type, type) and issubclass(
            wrapper_type, DistributedDataParallel):
        wrapper.setdefault('device_ids', None)
    cfg.model_wrapper_cfg = wrapper
    return cfg


def teardown_distributed() -> None:
    """Wait for every rank, then destroy the process group. Without it gloo's
    threads can outlive the interpreter and abort the process at exit
    ("terminate called without an active exception") after a good run."""
    if torch_dist.is_available() and torch_dist.is_initialized():
        torch_dist.barrier()
        torch_dist.destroy_process_group()
