"""Bad inputs give clear errors naming their cause, and training writes
nothing: truncated/corrupted annotation pickles, a teacher checkpoint of
another model, NaN keypoints, empty sequences, a wrong joint count."""
import glob
import os.path as osp
import pickle

import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.dataset import Compose

from mmpartkd.testing import run_tool
from mmaction.registry import DATASETS, MODELS
from mmpartkd.datasets import AnnotationError
from mmpartkd.testing import tiny_gcn_cfg

BASE = 'configs/_base_/datasets/synthetic_xsub_lq_distill.py'


@pytest.fixture(scope='module')
def base_cfg(repo_root):
    return Config.fromfile(osp.join(repo_root, BASE))


@pytest.fixture
def annotations(synthetic_ann_file):
    with open(synthetic_ann_file, 'rb') as f:
        return pickle.load(f)


def write(path, content):
    with open(path, 'wb') as f:
        pickle.dump(content, f)
    return str(path)


def build(ann_file, pipeline=(), **kwargs):
    return DATASETS.build(
        dict(type='SafePoseDataset', ann_file=ann_file,
             pipeline=list(pipeline), split='xsub_train', **kwargs))


# ------------------------------------------------- annotation file itself
@pytest.mark.parametrize('damage', ['truncated', 'garbage', 'empty'])
def test_corrupted_pickle_names_the_file(tmp_path, synthetic_ann_file,
                                         damage):
    raw = open(synthetic_ann_file, 'rb').read()
    bad = tmp_path / 'bad.pkl'
    bad.write_bytes(dict(truncated=raw[:len(raw) // 3],
                         garbage=b'\x00not a pickle' * 10, empty=b'')[damage])
    with pytest.raises(AnnotationError) as e:
        build(str(bad))
    assert str(bad) in str(e.value)
    assert 'truncated or corrupted' in str(e.value)


def test_missing_split_and_bad_structure(tmp_path, annotations):
    with pytest.raises(AnnotationError, match='no split "xsub_train".*'
                       "'xsub_val'"):
        data = dict(annotations, split=dict(xsub_val=[]))
        build(write(tmp_path / 'a.pkl', data))
    with pytest.raises(AnnotationError, match='must be a dict with "split"'):
        build(write(tmp_path / 'b.pkl', annotations['annotations']))
    with pytest.raises(FileNotFoundError, match='nowhere.pkl'):
        build(str(tmp_path / 'nowhere.pkl'))


def test_truncated_pickle_through_train_tool(tmp_path, repo_root,
                                             partkd_config,
                                             synthetic_ann_file):
    """The real tool on the synthetic config stops before training, with
    the file named, and writes no checkpoint."""
    raw = open(synthetic_ann_file, 'rb').read()
    bad = tmp_path / 'truncated.pkl'
    bad.write_bytes(raw[:len(raw) // 2])
    config = partkd_config(ann_file=str(bad))
    work = tmp_path / 'work'
    out = run_tool(repo_root, 'tools/train.py', config, '--work-dir',
                   str(work), check=False)
    assert out.returncode != 0
    last = out.stderr.strip().splitlines()[-1]
    assert 'AnnotationError' in last and str(bad) in last, last
    assert not glob.glob(str(work / '**' / '*.pth'), recursive=True)


# ---------------------------------------------------- teacher checkpoint
def test_teacher_checkpoint_of_another_model(tmp_path, repo_root,
                                             partkd_config):
    """A checkpoint of another model (4 classes, 17-joint coco layout) as
    the teacher: tools/train.py stops with the mismatch spelled out."""
    other = tmp_path / 'other.pth'
    torch.manual_seed(0)
    torch.save(
        dict(state_dict=MODELS.build(
            tiny_gcn_cfg(layout='coco', num_classes=4)).state_dict()), other)
    config = partkd_config()
    work = tmp_path / 'work'
    out = run_tool(repo_root, 'tools/train.py', config, '--work-dir',
                   str(work), '--cfg-options', f'model.teacher_ckpt={other}',
                   check=False)
    assert out.returncode != 0
    err = out.stderr
    assert f'teacher checkpoint "{other}" does not fit the teacher config' \
        in err, err[-3000:]
    assert 'the checkpoint has 4 classes, the teacher config 10' in err
    assert 'another layout / joint count' in err
    assert not glob.glob(str(work / '**' / '*.pth'), recursive=True)


# ------------------------------------------------------- bad samples
def corrupt(annotations, name, value):
    ann = annotations['annotations']
    first = annotations['split']['xsub_train'][0]
    i = next(i for i, a in enumerate(ann) if a['frame_dir'] == first)
    if name == 'nan':
        ann[i]['keypoint'] = ann[i]['keypoint'].copy()
        ann[i]['keypoint'][0, 3, 5, 1] = np.nan
    elif name == 'empty':
        ann[i]['keypoint'] = ann[i]['keypoint'][:, :0]
        ann[i]['total_frames'] = 0
    elif name == 'no_person':
        ann[i]['keypoint'] = ann[i]['keypoint'][:0]
    elif name == 'layout':  # a 20-joint (kinect_v1) skeleton
        ann[i]['keypoint'] = ann[i]['keypoint'][:, :, :20]
    return first


@pytest.mark.parametrize('case, message', [
    ('nan', r'NaN or inf \(first at \[person, frame, joint, coord\] = '
     r'\[0, 3, 5, 1\]\)'),
    ('empty', 'empty skeleton sequence'),
    ('no_person', 'empty skeleton sequence'),
    ('layout', '20 joints, the dataset expects 25'),
])
def test_bad_sample_rejected_when_loading(tmp_path, annotations, case,
                                          message):
    name = corrupt(annotations, case, None)
    path = write(tmp_path / f'{case}.pkl', annotations)
    with pytest.raises(AnnotationError, match=message) as e:
        build(path, num_joints=25)
    assert path in str(e.value) and f'sample "{name}"' in str(e.value)


@pytest.mark.parametrize('case, message', [
    ('nan', 'keypoint contains NaN or inf'),
    ('layout', 'keypoint has 20 joints, the layout expects 25'),
])
def test_bad_sample_through_the_distillation_pipeline(
        tmp_path, annotations, base_cfg, case, message):
    """With the stock PoseDataset (no load-time check) the real
    distillation pipeline of the synthetic config still stops at the bad
    sample with an error naming it."""
    name = corrupt(annotations, case, None)
    path = write(tmp_path / f'{case}.pkl', annotations)
    ds = DATASETS.build(
        dict(type='PoseDataset', ann_file=path, split='xsub_train',
             pipeline=base_cfg.train_pipeline))
    idx = next(i for i in range(len(ds))
               if ds.get_data_info(i)['frame_dir'] == name)
    with pytest.raises(ValueError, match=message) as e:
        ds[idx]
    assert f'sample "{name}"' in str(e.value)
    ds[(idx + 1) % len(ds)]  # the good samples still go through


def test_empty_sequence_in_low_quality_transforms():
    pipeline = Compose([
        dict(type='RandomJointDrop', drop_prob=0.6, impute_window=3),
        dict(type='JointJitter', sigma=0.05),
        dict(type='TemporalOcclusion'),
    ])
    for shape in [(1, 0, 25, 3), (0, 10, 25, 3)]:
        sample = dict(keypoint=np.zeros(shape, np.float32), frame_dir='x')
        with pytest.raises(ValueError, match='sample "x".*empty skeleton'):
            pipeline(sample)
