"""tools/analysis_tools/part_presence.py: the share of samples and frames
in which each part of a config's input has a joint."""
import os.path as osp
import sys

import pytest
from mmengine.config import Config

from mmpartkd.structures import get_layout

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
sys.path.insert(0, osp.join(ROOT, 'tools', 'analysis_tools'))
import part_presence  # noqa: E402

CLEAN = 'configs/baselines/stgcn-q_1xb32-joint-u32-30e_synthetic-xsub-keypoint-3d.py'  # noqa: E501
LQ = 'configs/baselines/stgcn-q_1xb32-joint-lq-u32-30e_synthetic-xsub-keypoint-3d.py'  # noqa: E501
KINECT = 'configs/baselines/stgcn-q_1xb32-joint-lq-kinectv1-u32-30e_synthetic-xsub-keypoint-3d.py'  # noqa: E501


def _config(path, ann):
    cfg = Config.fromfile(osp.join(ROOT, path))
    cfg.train_dataloader.dataset.ann_file = ann
    return cfg


def _set(cfg, transform, **kw):
    for step in cfg.train_dataloader.dataset.pipeline:
        if step['type'] == transform:
            step.update(kw)


def test_clean_and_fully_dropped_inputs(synthetic_ann_file):
    clean = part_presence.part_presence(_config(CLEAN, synthetic_ann_file),
                                        samples=6)
    assert clean['layout'] == 'nturgb+d' and clean['samples'] == 6
    assert clean['mean_parts'] == 6
    assert all(r['sample_share'] == 1 and r['frame_share'] == 1
               for r in clean['parts'].values())
    assert clean['parts']['left_arm']['joints'] == len(
        get_layout('nturgb+d').parts['left_arm'])
    cfg = _config(LQ, synthetic_ann_file)
    _set(cfg, 'RandomJointDrop', drop_prob=1.0)
    dropped = part_presence.part_presence(cfg, samples=6)
    assert dropped['mean_parts'] == 0
    assert all(r['frame_share'] == 0 for r in dropped['parts'].values())


def test_protocol_and_layout_of_the_input(synthetic_ann_file, capsys):
    cfg = _config(LQ, synthetic_ann_file)
    _set(cfg, 'PartOcclusion', p=0.)
    lq = part_presence.part_presence(cfg, samples=10)
    # each (frame, joint) dropped with probability 0.6: a part of n joints
    # has one in a frame with probability 1 - 0.6 ** n (320 frames)
    for r in lq['parts'].values():
        assert r['frame_share'] == pytest.approx(1 - 0.6 ** r['joints'],
                                                 abs=0.06)
        assert r['sample_share'] == 1
    # the report names the layout the pipeline converted to
    part_presence.main([KINECT, '--samples', '4', '--cfg-options',
                        f'train_dataloader.dataset.ann_file='
                        f'{synthetic_ann_file}'])
    out = capsys.readouterr().out
    assert 'layout kinect_v1, 4 samples' in out and 'left_arm' in out
    with pytest.raises(SystemExit):
        part_presence.main([KINECT, '--samples', '0'])
