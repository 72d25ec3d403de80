"""Every shipped config loads and builds its model from any working
directory (distillers with a teacher checkpoint saved by the test), and
every metafile entry names a config that loads."""
import glob
import importlib.util
import os.path as osp
import pickle

import numpy as np
import pytest
import torch
import yaml
from mmengine.config import Config

from mmaction.registry import DATASETS, MODELS
from mmpartkd.models.distillers import build_model_cfg
from mmpartkd.apis.experiment import CheckpointOf
from mmpartkd.testing import make_distill_batch

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
CONFIGS = sorted(
    p for p in glob.glob(osp.join(ROOT, 'configs', '**', '*.py'),
                         recursive=True) if '_base_' not in p)
METAFILES = sorted(glob.glob(osp.join(ROOT, 'configs', '*', 'metafile.yml')))


@pytest.mark.parametrize('path', CONFIGS, ids=osp.basename)
def test_config_loads(path):
    cfg = Config.fromfile(path)
    assert 'model' in cfg and cfg.model.get('type')
    assert cfg.custom_imports['imports'] == ['mmpartkd']


def _save_teacher(teacher_spec, tmp_path) -> str:
    teacher = MODELS.build(build_model_cfg(teacher_spec, 'teacher'))
    ckpt = str(tmp_path / 'teacher.pth')
    torch.save(dict(state_dict=teacher.state_dict()), ckpt)
    return ckpt


@pytest.mark.parametrize('path', CONFIGS, ids=osp.basename)
def test_model_builds(path, tmp_path):
    """No chdir: teacher configs, checkpoints and part matrices resolve
    relative to the config file, so this passes from any directory."""
    cfg = Config.fromfile(path)
    model_cfg = cfg.model
    if model_cfg.type in ('PartKDDistiller', 'RelationalCMKD'):
        # the config names the teacher's work dir; only the file is missing
        assert osp.isabs(model_cfg.teacher_ckpt), model_cfg.teacher_ckpt
        model_cfg.teacher_ckpt = _save_teacher(model_cfg.teacher, tmp_path)
    if model_cfg.type == 'PartKDDistiller':
        if isinstance(model_cfg.teacher, str):
            assert osp.isfile(model_cfg.teacher), model_cfg.teacher
        if model_cfg.get('teacher_cache'):
            assert osp.isabs(model_cfg.teacher_cache)
            model_cfg.teacher_cache = None
        matrix = model_cfg.get('part_head') and model_cfg.part_head.part_matrix
        if isinstance(matrix, str) and matrix.endswith('.npy'):
            assert osp.isabs(matrix), matrix
            model_cfg.part_head.part_matrix = 'uniform'
    model = MODELS.build(model_cfg)
    assert sum(p.numel() for p in model.parameters()) > 0


def _metafile_models():
    for metafile in METAFILES:
        with open(metafile) as f:
            meta = yaml.safe_load(f)
        collections = {c['Name'] for c in meta['Collections']}
        for model in meta['Models']:
            yield pytest.param(
                metafile, collections, model,
                id=f'{osp.basename(osp.dirname(metafile))}:{model["Name"]}')


@pytest.mark.parametrize('metafile,collections,model',
                         list(_metafile_models()))
def test_metafile_entry(metafile, collections, model):
    """mmaction2's metafile format: Name is the config's name, the config
    exists (path from the repository root) and loads, the collection is
    declared, and the results name a dataset, a task and metrics."""
    path = osp.join(ROOT, model['Config'])
    assert osp.isfile(path), f'{metafile}: {model["Config"]} not found'
    assert model['Name'] == osp.splitext(osp.basename(path))[0]
    assert model['In Collection'] in collections
    assert {'Batch Size', 'Epochs', 'Training Data'} <= set(model['Metadata'])
    for result in model['Results']:
        assert result['Dataset'] and result['Task'] and result['Metrics']
    cfg = Config.fromfile(path)
    assert cfg.train_cfg.max_epochs == model['Metadata']['Epochs']


def test_metafiles_cover_both_methods():
    assert {osp.basename(osp.dirname(m)) for m in METAFILES} >= {
        'partkd', 'ikem'}


def _load_penn_benchmark():
    spec = importlib.util.spec_from_file_location(
        'penn_action_benchmark',
        osp.join(ROOT, 'tools', 'benchmarks', 'penn_action.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


PENN_METHODS = _load_penn_benchmark().students('harsh')


@pytest.mark.parametrize('method', [
    m for m in PENN_METHODS
    if m not in ('baseline', 'logitkd', 'featkd', 'partkd')
])
def test_penn_benchmark_variants_build_and_train(method, tmp_path,
                                                 monkeypatch):
    """Each method of tools/benchmarks/penn_action.py (config + its
    --cfg-options) builds and gives finite losses on a Penn-shaped batch."""
    monkeypatch.chdir(ROOT)
    method_cfg = PENN_METHODS[method]
    cfg = Config.fromfile(method_cfg.config)
    teacher = MODELS.build(build_model_cfg(
        cfg.model.get('teacher', cfg.model), 'teacher'))
    ckpt = str(tmp_path / 'teacher.pth')
    torch.save(dict(state_dict=teacher.state_dict()), ckpt)
    options = {k: ckpt if isinstance(v, CheckpointOf) else v
               for k, v in method_cfg.cfg_options.items()}
    assert method_cfg.distill == (cfg.model.type == 'PartKDDistiller')
    if method_cfg.distill:
        options['model.teacher_ckpt'] = ckpt
    if cfg.model.get('part_head') and \
            'model.part_head.part_matrix' not in options:
        options['model.part_head.part_matrix'] = 'uniform'
    cfg.merge_from_dict(options)
    if method == 'teacher-init':
        assert cfg.load_from == ckpt
        return
    model = MODELS.build(cfg.model)
    model.train()
    x, samples = make_distill_batch([0, 1, 2, 3, 0, 1], num_joints=13)
    losses = model(x, samples, mode='loss')
    assert 'loss_cls' in losses
    assert bool(cfg.model.get('part_head')) == ('loss_part_contrast' in
                                                losses)
    assert all(torch.isfinite(v) for v in losses.values())


def test_penn_benchmark_holdout_trains_and_tests_on_disjoint_parts(
        tmp_path, monkeypatch):
    """--holdout F: the training subset 1 - F and the val / test sets (the
    rest of the same cut of the training split) partition the split."""
    module = _load_penn_benchmark()
    with pytest.raises(ValueError, match='holdout'):
        module.holdout_options(1.0)
    labels = [0] * 10 + [1] * 5
    kp = np.zeros((1, 4, 13, 2), np.float32)
    annos = [dict(frame_dir=f's{i}', label=lab, keypoint=kp, total_frames=4)
             for i, lab in enumerate(labels)]
    ann = tmp_path / 'penn.pkl'
    with open(ann, 'wb') as f:
        pickle.dump(dict(split=dict(train=[a['frame_dir'] for a in annos],
                                    test=[]), annotations=annos), f)
    monkeypatch.chdir(ROOT)
    cfg = Config.fromfile(
        'configs/baselines/' + module.NAME.format('harsh'))
    cfg.merge_from_dict({
        'train_dataloader.dataset.subset.fraction': 0.8,
        **module.holdout_options(0.2)})
    names = {}
    for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        ds_cfg = cfg[loader].dataset
        ds_cfg.update(ann_file=str(ann), pipeline=[])
        ds = DATASETS.build(ds_cfg)
        names[loader] = {ds.get_data_info(i)['frame_dir']
                         for i in range(len(ds))}
    assert len(names['train_dataloader']) == 12
    assert names['val_dataloader'] == names['test_dataloader']
    assert names['train_dataloader'].isdisjoint(names['test_dataloader'])
    assert names['train_dataloader'] | names['test_dataloader'] == \
        {a['frame_dir'] for a in annos}
