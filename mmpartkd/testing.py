"""Small builders for tests and benchmarks: tiny GCN recognizers and
packed distillation batches (no files needed)."""
import os
import subprocess
import sys
from typing import List, Tuple

import torch
from mmaction.structures import ActionDataSample

__all__ = [
    'tiny_gcn_cfg', 'make_distill_batch', 'run_tool', 'calibrate_bn',
    'save_teacher_ckpt'
]


def tiny_gcn_cfg(layout: str = 'nturgb+d', num_classes: int = 4,
                 base_channels: int = 4, in_channels: int = 3,
                 recognizer: str = 'RecognizerGCN') -> dict:
    """A 3-block ST-GCN recognizer config; the backbone outputs
    ``2 * base_channels`` channels."""
    return dict(
        type=recognizer,
        backbone=dict(
            type='STGCN',
            in_channels=in_channels,
            base_channels=base_channels,
            num_stages=3,
            inflate_stages=[3],
            down_stages=[3],
            graph_cfg=dict(layout=layout, mode='stgcn_spatial')),
        cls_head=dict(
            type='GCNHead',
            num_classes=num_classes,
            in_channels=2 * base_channels))


def make_distill_batch(labels: List[int], num_joints: int = 25,
                       hq_num_joints: int = None, frames: int = 8,
                       channels: int = 3, seed: int = 0,
                       with_hq: bool = True, persons: int = 1
                       ) -> Tuple[torch.Tensor, List[ActionDataSample]]:
    """Random inputs ``(N, 1, M, T, V, C)`` and data samples carrying
    ``hq_inputs`` ``(1, M, T, V', C)``, labels and ``sample_idx``."""
    g = torch.Generator().manual_seed(seed)
    hq_num_joints = hq_num_joints or num_joints
    inputs = torch.randn(len(labels), 1, persons, frames, num_joints,
                         channels, generator=g)
    samples = []
    for i, label in enumerate(labels):
        ds = ActionDataSample().set_gt_label(label)
        ds.set_metainfo(dict(sample_idx=i, frame_dir=f's{i}'))
        if with_hq:
            ds.set_field(
                torch.randn(1, persons, frames, hq_num_joints, channels,
                            generator=g), 'hq_inputs')
        samples.append(ds)
    return inputs, samples


@torch.no_grad()
def calibrate_bn(model: torch.nn.Module, inputs: torch.Tensor,
                 batch_size: int = 16) -> torch.nn.Module:
    """Set the BN running statistics of a recognizer to those of
    ``inputs`` ``(N, num_clips, M, T, V, C)`` (cumulative averages over
    batches of its backbone), as a trained model's are.

    An untrained model in ``eval()`` mode normalises with mean 0 / variance
    1, so its features hardly vary between samples; a part projection's
    batch normalisation then divides by a tiny spread and amplifies any
    rounding (e.g. float16 / bfloat16) by orders of magnitude. A calibrated
    teacher makes precision checks measure the precision, not that.
    """
    norms = [m for m in model.modules()
             if isinstance(m, torch.nn.modules.batchnorm._BatchNorm)]
    was_training = model.training
    for m in norms:
        m.reset_running_stats()
        m.momentum = None  # a cumulative average
    model.train()
    for start in range(0, inputs.shape[0], batch_size):
        model.extract_feat(inputs[start:start + batch_size])
    for m in norms:
        m.momentum = 0.1
    return model.train(was_training)


def save_teacher_ckpt(path: str, cfg: dict = None, seed: int = 0,
                 calibrate_on: torch.Tensor = None) -> torch.nn.Module:
    """Build a recognizer (``cfg``, default :func:`tiny_gcn_cfg`) with
    ``seed``, optionally :func:`calibrate_bn` it on ``calibrate_on``, and
    save it as an mmengine-style checkpoint ``{'state_dict': ...}``."""
    from mmaction.registry import MODELS
    torch.manual_seed(seed)
    model = MODELS.build(cfg or tiny_gcn_cfg())
    if calibrate_on is not None:
        calibrate_bn(model, calibrate_on)
    torch.save(dict(state_dict=model.state_dict()), path)
    return model


def run_tool(repo_root: str, *args: str, env: dict = None,
             check: bool = True, timeout: float = 600
             ) -> subprocess.CompletedProcess:
    """Run ``python ARGS`` (a tool of the repository) in a fresh,
    single-threaded process from ``repo_root``; with ``check``, fail with
    the tail of its output when it exits non-zero."""
    env = dict(os.environ, OMP_NUM_THREADS='1', **(env or {}))
    out = subprocess.run([sys.executable, *args], cwd=repo_root, env=env,
                         capture_output=True, text=True, timeout=timeout)
    if check:
        assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-3000:]
    return out
