"""Penn Action converter: on .mat label files written here in the release's
format, malformed ones, and on a few real label files from ../shared."""
import importlib.util
import os
import os.path as osp
import pickle

import numpy as np
import pytest
import scipy.io

from mmpartkd.datasets.converters import (PENN_ACTION_CLASSES,
                                          MalformedFileError,
                                          convert_penn_action,
                                          read_penn_label)


def label_dict(T=5, action='tennis_serve', train=1, H=360, W=480, seed=0):
    rng = np.random.default_rng(seed)
    vis = (rng.random((T, 13)) > 0.3).astype(np.uint8)
    return dict(
        action=np.array([action]),
        pose=np.array(['front']),
        x=rng.uniform(0, W, (T, 13)),
        y=rng.uniform(0, H, (T, 13)),
        visibility=vis,
        train=np.array([[train]], dtype=np.int32),
        bbox=rng.uniform(0, 300, (T, 4)),
        dimensions=np.array([[H, W, T]], dtype=np.uint16),
        nframes=np.array([[T]], dtype=np.uint8))


def write_labels(root, specs):
    os.makedirs(root, exist_ok=True)
    paths = []
    for name, kwargs in specs:
        path = osp.join(root, f'{name}.mat')
        scipy.io.savemat(path, label_dict(**kwargs))
        paths.append(path)
    return paths


def test_classes():
    assert len(PENN_ACTION_CLASSES) == 15
    assert list(PENN_ACTION_CLASSES) == sorted(PENN_ACTION_CLASSES)


def test_written_labels(tmp_path):
    root = tmp_path / 'labels'
    write_labels(str(root), [
        ('0001', dict(T=5, action='baseball_pitch', train=-1)),
        ('0002', dict(T=7, action='tennis_serve', train=1, seed=1)),
        ('0003', dict(T=3, action='bowl', train=1, H=270, seed=2)),
    ])
    out = tmp_path / 'penn.pkl'
    data = convert_penn_action(str(root), str(out), show_progress=False,
                               logger=lambda *a: None)
    with open(out, 'rb') as f:
        assert pickle.load(f)['split'] == data['split']
    assert data['split'] == dict(train=['0002', '0003'], test=['0001'])
    assert data['classes'] == list(PENN_ACTION_CLASSES)
    a = {x['frame_dir']: x for x in data['annotations']}
    src = label_dict(T=7, action='tennis_serve', train=1, seed=1)
    b = a['0002']
    assert b['label'] == PENN_ACTION_CLASSES.index('tennis_serve') == 14
    assert b['keypoint'].shape == (1, 7, 13, 2)
    assert b['keypoint'].dtype == np.float32
    np.testing.assert_allclose(b['keypoint'][0, ..., 0], src['x'], rtol=1e-6)
    np.testing.assert_allclose(b['keypoint'][0, ..., 1], src['y'], rtol=1e-6)
    np.testing.assert_array_equal(b['keypoint_score'][0], src['visibility'])
    assert b['total_frames'] == 7 and b['img_shape'] == (360, 480)
    assert a['0003']['img_shape'] == (270, 480)
    assert b['bbox'].shape == (7, 4) and b['view'] == 'front'
    # invisible joints keep the annotators' estimate unless asked
    zeroed = read_penn_label(str(root / '0002.mat'), zero_invisible=True)
    inv = src['visibility'] == 0
    assert np.all(zeroed['keypoint'][0][inv] == 0)
    assert np.all(b['keypoint'][0][inv] != 0)


def _save(path, **changes):
    d = label_dict()
    for k, v in changes.items():
        if v is None:
            d.pop(k)
        else:
            d[k] = v
    scipy.io.savemat(path, d)


MALFORMED = [
    ('missing_field', dict(visibility=None),
     "missing field(s) ['visibility']"),
    ('unknown_action', dict(action=np.array(['juggling'])),
     'unknown class "juggling"'),
    ('joint_count', dict(x=np.zeros((5, 12))), 'field "x" must be T x 13'),
    ('frames', dict(y=np.zeros((4, 13))), 'field "y" has 4 frames'),
    ('visibility', dict(visibility=np.full((5, 13), 2, np.uint8)),
     'field "visibility" must hold only 0 and 1'),
    ('dimensions', dict(dimensions=np.array([[360, 480, 9]])),
     'says 9 frames'),
    ('train', dict(train=np.array([[0]])), 'field "train" must be 1'),
    ('nan', dict(x=np.full((5, 13), np.nan)), 'contain NaN'),
]


@pytest.mark.parametrize('case', MALFORMED, ids=[c[0] for c in MALFORMED])
def test_malformed_labels(tmp_path, case):
    _, changes, message = case
    root = tmp_path / 'labels'
    write_labels(str(root), [('0001', {}), ('0002', dict(seed=3))])
    bad = str(root / '0003.mat')
    _save(bad, **changes)
    out = tmp_path / 'out' / 'penn.pkl'
    with pytest.raises(MalformedFileError) as exc:
        convert_penn_action(str(root), str(out), show_progress=False)
    assert str(exc.value).startswith(f'{bad}: ')
    assert message in str(exc.value), str(exc.value)
    assert not (tmp_path / 'out').exists()


def test_not_a_mat_file_and_tool(tmp_path, repo_root):
    root = tmp_path / 'labels'
    write_labels(str(root), [('0001', {})])
    (root / '0002.mat').write_text('this is not MATLAB')
    spec = importlib.util.spec_from_file_location(
        'penn_tool', osp.join(repo_root, 'tools', 'data', 'penn_action.py'))
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    out = tmp_path / 'out.pkl'
    with pytest.raises(SystemExit, match='0002.mat: not a readable MATLAB'):
        tool.main([str(root), '--out', str(out), '--no-progress'])
    assert not out.exists() and os.listdir(tmp_path) == ['labels']
    (root / '0002.mat').unlink()
    tool.main([str(root), '--out', str(out), '--no-progress'])
    assert out.exists()


REAL = ['0001', '0002', '0600', '1500', '2326']


def test_real_penn_labels(penn_labels_dir, tmp_path):
    files = [osp.join(penn_labels_dir, f'{n}.mat') for n in REAL]
    out = tmp_path / 'penn_real.pkl'
    data = convert_penn_action(penn_labels_dir, str(out), files=files,
                               show_progress=False, logger=lambda *a: None)
    assert [a['frame_dir'] for a in data['annotations']] == REAL
    assert sorted(data['split']['train'] + data['split']['test']) == REAL
    for path, ann in zip(files, data['annotations']):
        mat = scipy.io.loadmat(path)
        T = mat['x'].shape[0]
        assert ann['keypoint'].shape == (1, T, 13, 2)
        np.testing.assert_allclose(ann['keypoint'][0, ..., 0], mat['x'],
                                   rtol=1e-6)
        np.testing.assert_array_equal(ann['keypoint_score'][0],
                                      mat['visibility'])
        H, W, T2 = mat['dimensions'].ravel()
        assert ann['img_shape'] == (H, W) and T2 == T == ann['total_frames']
        assert PENN_ACTION_CLASSES[ann['label']] == str(mat['action'][0])
        split = 'train' if int(mat['train'].ravel()[0]) == 1 else 'test'
        assert ann['frame_dir'] in data['split'][split]
    # both official splits are represented among these files
    assert data['split']['train'] and data['split']['test']
    # the 2D pipeline of mmaction2 reads it
    from mmengine.registry import init_default_scope

    from mmaction.datasets import PoseDataset
    init_default_scope('mmaction')
    ds = PoseDataset(str(out), pipeline=[dict(type='PreNormalize2D')],
                     split='test', test_mode=True)
    sample = ds[0]
    assert np.abs(sample['keypoint']).max() <= 1.0 + 1e-6
