"""The heterogeneous-skeleton tasks of tools/benchmarks/heterogeneous.py
(issue #10): each student's training pipeline, run through the config's
dataset on 2 real samples, gives the student its own layout and the teacher
the source one, marks the missing joints as the protocol says, and each
PartKD config takes one loss step on that batch."""
import copy
import importlib.util
import os.path as osp
import pickle

import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.dataset import pseudo_collate

from mmaction.registry import DATASETS, MODELS
from mmpartkd.datasets.synthetic import generate_synthetic_dataset
from mmpartkd.models.distillers import build_model_cfg
from mmpartkd.structures import get_joint_mapping, get_layout

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
PENN_LABELS = osp.join(ROOT, '..', 'shared', 'data', 'penn_action',
                       'labels')
# penn joints of the 9-joint tracker: head, shoulders, wrists, hips, ankles
PENN_9J = [0, 1, 2, 5, 6, 7, 8, 11, 12]


def _benchmark():
    spec = importlib.util.spec_from_file_location(
        'heterogeneous_benchmark',
        osp.join(ROOT, 'tools', 'benchmarks', 'heterogeneous.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


BENCHMARK = _benchmark()


@pytest.fixture(scope='module')
def synthetic_ann(tmp_path_factory):
    data = generate_synthetic_dataset(num_subjects=2, samples_per_class=1,
                                      num_frames=(40, 48), seed=0)
    names = [a['frame_dir'] for a in data['annotations'][:2]]
    data['split'] = dict(xsub_train=names, xsub_val=names)
    path = tmp_path_factory.mktemp('synthetic') / 'synthetic_3d.pkl'
    with open(path, 'wb') as f:
        pickle.dump(data, f)
    return str(path)


@pytest.fixture(scope='module')
def penn_ann(tmp_path_factory):
    if not osp.isdir(PENN_LABELS):
        pytest.skip(f'Penn Action labels not found at {PENN_LABELS}')
    from mmpartkd.datasets.converters.penn_action import read_penn_label
    anns = [read_penn_label(osp.join(PENN_LABELS, f'{i:04d}.mat'))
            for i in (1, 2)]
    names = [a['frame_dir'] for a in anns]
    path = tmp_path_factory.mktemp('penn') / 'penn_2d.pkl'
    with open(path, 'wb') as f:
        pickle.dump(dict(split=dict(train=names, test=names),
                         annotations=anns), f)
    return str(path)


def _config(task: str, method: str = 'partkd') -> Config:
    return Config.fromfile(BENCHMARK.students(task)[method].config)


def _train_samples(cfg: Config, ann_file: str, **corruption) -> list:
    """The packed training samples of the config's dataset; ``corruption``
    overrides arguments of the corruptions (type -> dict)."""
    dataset_cfg = copy.deepcopy(cfg.train_dataloader.dataset)
    dataset_cfg.ann_file = ann_file
    for step in dataset_cfg.pipeline:
        step.update(corruption.get(step['type'], {}))
    dataset = DATASETS.build(dataset_cfg)
    return [dataset[i] for i in range(2)]


def _arrays(samples):
    """Student and teacher inputs, ``(N, T, V, C)`` (one clip, person)."""
    lq = np.stack([s['inputs'][0, 0].numpy() for s in samples])
    hq = np.stack([s['data_samples'].hq_inputs[0, 0].numpy()
                   for s in samples])
    return lq, hq


def _missing(x):
    return (x[..., :2] == 0).all(-1)


NO_CORRUPTION = dict(RandomJointDrop=dict(drop_prob=0.),
                     JointJitter=dict(sigma=0.),
                     PartOcclusion=dict(p=0.))


def test_tasks_and_methods():
    assert set(BENCHMARK.TASKS) == {'ntu25-kinect20', '3d-2d', 'penn-9j'}
    methods = BENCHMARK.students('penn-9j')
    assert set(methods) - set(BENCHMARK.ABLATIONS) == {
        'baseline', 'logitkd', 'featkd', 'partkd', 'partkd-combined',
        'logitkd-pr10', 'featkd-pr10', 'partkd-pr10', 'partkd-combined-pr10'}
    # the ablations are PartKD with --cfg-options
    for name in BENCHMARK.ABLATIONS:
        assert methods[name].config == methods['partkd'].config
        assert methods[name].cfg_options
    for task in BENCHMARK.TASKS:
        for name, method in BENCHMARK.students(task).items():
            assert osp.isfile(osp.join(ROOT, method.config)), method.config
            assert (method.cfg_options.get('model.paired_ratio') == 0.1) == \
                name.endswith('-pr10')


def test_kinect20_student(synthetic_ann):
    cfg = _config('ntu25-kinect20')
    assert cfg.model.student.backbone.graph_cfg.layout == 'kinect_v1'
    assert cfg.model.student_neck.layout == 'kinect_v1'
    assert cfg.model.teacher_neck.layout == 'nturgb+d'
    index = get_joint_mapping('nturgb+d', 'kinect_v1')
    # without corruptions: the student's 20 joints are the teacher's
    lq, hq = _arrays(_train_samples(cfg, synthetic_ann, **NO_CORRUPTION))
    assert lq.shape == (2, 32, 20, 3) and hq.shape == (2, 32, 25, 3)
    np.testing.assert_array_equal(lq, hq[:, :, index])
    # the protocol: 60 % drop + a limb in half the samples; jittered joints
    # stay near their source joint
    lq, hq = _arrays(_train_samples(cfg, synthetic_ann))
    assert lq.shape == (2, 32, 20, 3) and hq.shape == (2, 32, 25, 3)
    # (PreNormalize3D puts one joint of the first frame at the origin)
    assert _missing(hq).sum() <= 2
    assert 0.5 < _missing(lq).mean() < 0.9
    present = ~_missing(lq)
    err = np.linalg.norm(lq - hq[:, :, index], axis=-1)[present]
    wrong = np.linalg.norm(lq - hq[:, :, index[::-1]], axis=-1)[present]
    assert np.median(err) < 0.25 * np.median(wrong)


def test_3d_to_2d_student(synthetic_ann):
    cfg = _config('3d-2d')
    assert cfg.model.student.backbone.in_channels == 2
    lq, hq = _arrays(_train_samples(cfg, synthetic_ann, **NO_CORRUPTION))
    assert lq.shape == (2, 32, 25, 2) and hq.shape == (2, 32, 25, 3)
    np.testing.assert_array_equal(lq, hq[..., :2])
    lq, hq = _arrays(_train_samples(cfg, synthetic_ann))
    # missing joints are (0, 0): no score channel is added
    assert lq.shape == (2, 32, 25, 2) and _missing(hq).sum() <= 2
    assert 0.5 < _missing(lq).mean() < 0.9
    present = ~_missing(lq)
    err = np.linalg.norm(lq - hq[..., :2], axis=-1)[present]
    wrong = np.linalg.norm(lq - hq[:, :, ::-1, :2], axis=-1)[present]
    assert np.median(err) < 0.25 * np.median(wrong)


def test_penn_9j_student(penn_ann):
    cfg = _config('penn-9j')
    layout = get_layout(cfg.model.student_neck.layout)
    assert layout.num_node == 9 and all(layout.parts.values())
    assert cfg.model.student.backbone.graph_cfg.layout.num_node == 9
    assert cfg.model.teacher_neck.layout == 'penn'
    penn = get_layout('penn')
    assert [penn.joint_names[j] for j in PENN_9J] == layout.joint_names
    # without drop and jitter: exactly the 9 source joints, the invisible
    # ones removed (coordinates and visibility 0)
    lq, hq = _arrays(_train_samples(cfg, penn_ann, **NO_CORRUPTION))
    assert lq.shape == (2, 32, 9, 3) and hq.shape == (2, 32, 13, 3)
    src = hq[:, :, PENN_9J]
    visible = src[..., 2] > 0
    assert visible.any() and not visible.all()  # samples 1-2 have both
    np.testing.assert_array_equal(lq[visible], src[visible])
    assert (lq[~visible] == 0).all()
    # the harsh protocol: 80 % of the visible joints dropped, every missing
    # joint with score 0
    lq, hq = _arrays(_train_samples(cfg, penn_ann))
    visible = hq[:, :, PENN_9J, 2] > 0
    missing = _missing(lq)
    assert missing[~visible].all()
    np.testing.assert_array_equal(lq[..., 2] == 0, missing)
    assert 0.7 < missing[visible].mean() < 0.9


@pytest.mark.parametrize('task', list(BENCHMARK.TASKS))
def test_partkd_loss_step(task, synthetic_ann, request, tmp_path):
    """One loss step of each task's PartKD config (+ feature KD) on the
    real batch, with a random teacher checkpoint and a uniform matrix."""
    ann = request.getfixturevalue('penn_ann' if task == 'penn-9j' else
                                  'synthetic_ann')
    cfg = _config(task, 'partkd-combined')
    teacher = MODELS.build(build_model_cfg(cfg.model.teacher, 'teacher'))
    ckpt = str(tmp_path / 'teacher.pth')
    torch.save(dict(state_dict=teacher.state_dict()), ckpt)
    cfg.model.teacher_ckpt = ckpt
    cfg.model.part_head.part_matrix = 'uniform'
    torch.manual_seed(0)
    model = MODELS.build(cfg.model)
    model.train()
    data = model.data_preprocessor(
        pseudo_collate(_train_samples(cfg, ann)), training=True)
    losses = model(**data, mode='loss')
    assert {'loss_cls', 'loss_part_contrast'} <= set(losses)
    assert any('feat' in k for k in losses), sorted(losses)
    assert all(torch.isfinite(v) for v in losses.values())
    sum(losses.values()).backward()
