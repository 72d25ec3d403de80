import os.path as osp
import runpy
import sys

import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.runner import Runner

from mmaction.registry import MODELS
from mmpartkd.apis import cache_fingerprint, write_cache
from mmpartkd.apis.builders import innermost_dataset_cfg
from mmpartkd.engine.hooks import TeacherCacheCheckHook
from mmpartkd.models.distillers import TeacherCache
from mmpartkd.testing import tiny_gcn_cfg

CONFIG = """
_base_ = '{root}/configs/partkd/partkd_stgcn-q_1xb32-joint-lq-u32-30e_synthetic-xsub-keypoint-3d.py'
tiny = dict(type='STGCN', base_channels=4, num_stages=3, inflate_stages=[3],
            down_stages=[3], graph_cfg=dict(layout='nturgb+d',
                                            mode='stgcn_spatial'))
head = dict(type='GCNHead', num_classes=10, in_channels=8)
model = dict(
    student=dict(backbone=tiny, cls_head=head),
    teacher=dict(_delete_=True, type='RecognizerGCN', backbone=tiny,
                 cls_head=head),
    teacher_ckpt='{ckpt}',
    student_neck=dict(in_channels=8, out_channels=8, hidden_channels=8),
    teacher_neck=dict(in_channels=8, out_channels=8, hidden_channels=8),
    part_head=dict(embed_channels=8, part_matrix='uniform'))
# deterministic high-quality pipeline: the cache must equal the live teacher
pipeline = [
    dict(type='PreNormalize3D'),
    dict(type='UniformSampleFrames', clip_len=16, num_clips=1,
         test_mode=True),
    dict(type='PoseDecode'),
    dict(type='CopyHighQuality'),
    dict(type='RandomJointDrop', drop_prob=0.5),
    dict(type='FormatGCNInput', num_person=1),
    dict(type='PackDistillInputs', num_person=1)]
train_dataloader = dict(batch_size=8, num_workers=0, persistent_workers=False,
                        dataset=dict(ann_file='{ann}', pipeline=pipeline))
"""


@pytest.fixture(scope='module')
def setup(tmp_path_factory, synthetic_ann_file, repo_root):
    d = tmp_path_factory.mktemp('cache')
    ckpt = str(d / 'teacher.pth')
    torch.manual_seed(0)
    teacher = MODELS.build(tiny_gcn_cfg(num_classes=10))
    torch.save(dict(state_dict=teacher.state_dict()), ckpt)
    cfg_file = d / 'distill.py'
    cfg_file.write_text(CONFIG.format(root=repo_root, ckpt=ckpt,
                                      ann=synthetic_ann_file))
    out = str(d / 'cache')
    argv = sys.argv
    sys.argv = ['cache_teacher.py', str(cfg_file), '--out', out]
    try:
        runpy.run_path(osp.join(repo_root, 'tools/cache_teacher.py'),
                       run_name='__main__')
    finally:
        sys.argv = argv
    return dict(cfg=Config.fromfile(str(cfg_file)), cache=out, ckpt=ckpt)


def test_cache_matches_live_teacher(setup):
    cfg = setup['cfg']
    model = MODELS.build(dict(cfg.model, teacher_cache=setup['cache']))
    model.eval()
    loader = Runner.build_dataloader(cfg.train_dataloader)
    batch = next(iter(loader))
    samples = batch['data_samples']
    cached = model.teacher_cache.lookup(samples)
    live = model.teacher_forward(
        torch.stack([s.hq_inputs for s in samples]).float(), samples)
    for k in ('parts', 'logits', 'feat'):
        torch.testing.assert_close(cached[k], live[k], rtol=1e-5, atol=1e-5)
    # the distiller uses the cache instead of the teacher
    model.train()
    model.teacher_forward = None  # would fail if called
    data = model.data_preprocessor(batch, True)
    losses = model(**data, mode='loss')
    assert torch.isfinite(losses['loss_part_contrast'])


def test_stale_cache_is_refused(setup, tmp_path):
    cfg = setup['cfg']
    other = str(tmp_path / 'other.pth')
    torch.manual_seed(5)
    torch.save(dict(state_dict=MODELS.build(
        tiny_gcn_cfg(num_classes=10)).state_dict()), other)
    with pytest.raises(ValueError, match="stale.*teacher_ckpt"):
        MODELS.build(dict(cfg.model, teacher_ckpt=other,
                          teacher_cache=setup['cache']))
    # the cache pooled the backbone output, not an earlier block
    necks = {k: dict(cfg.model[k], in_channels=4)
             for k in ('student_neck', 'teacher_neck')}
    with pytest.raises(ValueError, match='backbone output.*block 0'):
        MODELS.build(dict(cfg.model, part_block=0,
                          teacher_cache=setup['cache'], **necks))
    cache = TeacherCache(setup['cache'])
    dataset = dict(innermost_dataset_cfg(cfg.train_dataloader.dataset))
    good = cache_fingerprint(setup['ckpt'], dataset, cfg.model.teacher)
    cache.check(good)
    dataset['pipeline'] = dataset['pipeline'][1:]
    with pytest.raises(ValueError, match='hq_pipeline'):
        cache.check(cache_fingerprint(setup['ckpt'], dataset,
                                      cfg.model.teacher))

    class FakeRunner:
        pass

    runner = FakeRunner()
    runner.model = MODELS.build(dict(cfg.model, teacher_cache=setup['cache']))
    runner.cfg = cfg.copy()
    TeacherCacheCheckHook().before_train(runner)  # consistent: passes
    runner.cfg.train_dataloader.dataset.split = 'xsub_val'
    with pytest.raises(ValueError, match='split'):
        TeacherCacheCheckHook().before_train(runner)


def test_missing_cache_and_atomic_write(tmp_path):
    with pytest.raises(FileNotFoundError, match='cache_teacher.py'):
        TeacherCache(str(tmp_path / 'nope'))

    class Boom(dict):
        def __getitem__(self, key):
            if key == 'feat':
                raise RuntimeError('interrupted')
            return super().__getitem__(key)

    arrays = Boom(parts=np.zeros((2, 1, 3, 4)), logits=np.zeros((2, 1, 5)))
    with pytest.raises(RuntimeError):
        write_cache(str(tmp_path / 'c'), arrays, dict())
    assert sorted(p.name for p in tmp_path.iterdir()) == []
