"""SYSU 3D HOI converter on skeleton text files written here in the assumed
release format (see mmpartkd/datasets/converters/sysu_3d_hoi.py)."""
import importlib.util
import os
import os.path as osp
import pickle

import numpy as np
import pytest

from mmpartkd.datasets.converters import (SYSU_3D_HOI_CLASSES,
                                          MalformedFileError,
                                          convert_sysu_3d_hoi,
                                          parse_sysu_path, read_sysu_skeleton)


def skeleton(seed, T=4):
    return np.random.default_rng(seed).normal(0, 0.5, (T, 20, 3)).astype(
        np.float32)


def write_joint_per_line(path, kp, header=False, extra_col=False):
    lines = [str(len(kp))] if header else []
    for t, frame in enumerate(kp):
        lines.append(f'# frame {t + 1}')
        for x, y, z in frame:
            lines.append(f'{x:.6f} {y:.6f} {z:.6f}' +
                         (' 2' if extra_col else ''))
        lines.append('')
    os.makedirs(osp.dirname(path), exist_ok=True)
    with open(path, 'w') as f:
        f.write('\n'.join(lines) + '\n')


def write_frame_per_line(path, kp):
    os.makedirs(osp.dirname(path), exist_ok=True)
    with open(path, 'w') as f:
        for frame in kp:
            f.write(' '.join(f'{v:.6f}' for v in frame.ravel()) + '\n')


def make_dataset(root, subjects=(1, 2, 3, 4), actions=(1, 2, 3)):
    """One sample per subject and action, in the three accepted text forms
    and two folder layouts; returns ``{frame_dir: keypoint}``."""
    expected = {}
    for s in subjects:
        for a in actions:
            kp = skeleton(100 * s + a, T=3 + (s + a) % 3)
            if s % 2:
                path = osp.join(root, f'S{s:02d}', f'A{a:02d}',
                                'skeleton.txt')
            else:
                path = osp.join(root, f'action_{a}', f'subject_{s}.txt')
            if a == 1:
                write_frame_per_line(path, kp)
            else:
                write_joint_per_line(path, kp, header=a == 2,
                                     extra_col=a == 3)
            expected[f'S{s:03d}A{a:03d}R001'] = kp
    return expected


def test_parse_path():
    assert parse_sysu_path('S12/A03/skeleton.txt') == (12, 3)
    assert parse_sysu_path('action_3/subject_12.txt') == (12, 3)
    assert parse_sysu_path('a03_s12.txt') == (12, 3)
    assert parse_sysu_path('data/person7-act11/skel.txt') == (7, 11)
    assert parse_sysu_path('x/7_11.txt', r'(?P<subject>\d+)_(?P<action>\d+)'
                           ) == (7, 11)
    with pytest.raises(ValueError, match='no subject ID'):
        parse_sysu_path('A03/skeleton.txt')
    with pytest.raises(ValueError, match='conflicting action ID'):
        parse_sysu_path('A03/S01/A04.txt')


def test_convert_and_settings(tmp_path):
    expected = make_dataset(str(tmp_path / 'raw'))
    out = tmp_path / 'sysu.pkl'
    data = convert_sysu_3d_hoi(str(tmp_path / 'raw'), str(out), seed=0,
                               num_splits=2, show_progress=False,
                               logger=lambda *a: None)
    with open(out, 'rb') as f:
        assert pickle.load(f)['split'] == data['split']
    assert data['classes'] == list(SYSU_3D_HOI_CLASSES)
    anns = {a['frame_dir']: a for a in data['annotations']}
    assert set(anns) == set(expected)
    for name, kp in expected.items():
        a = anns[name]
        assert a['keypoint'].shape == (1, ) + kp.shape
        assert a['keypoint'].dtype == np.float32
        np.testing.assert_allclose(a['keypoint'][0], kp, atol=1e-5)
        assert a['label'] == int(name[5:8]) - 1
        assert a['subject'] == int(name[1:4])
        assert a['total_frames'] == len(kp)
    split = data['split']
    assert set(split) == {
        f'setting{k}{sfx}_{part}'
        for k in (1, 2) for sfx in ('', '_1') for part in ('train', 'test')
    }
    names = set(anns)
    for key in ('setting1', 'setting1_1', 'setting2', 'setting2_1'):
        train, test = set(split[key + '_train']), set(split[key + '_test'])
        assert train | test == names and not train & test
    # setting 1: half the samples of every action
    for label in range(3):
        train = [n for n in split['setting1_train']
                 if anns[n]['label'] == label]
        assert len(train) == 2
    # setting 2: half the subjects, all their samples
    subj = {anns[n]['subject'] for n in split['setting2_train']}
    assert len(subj) == 2
    assert len(split['setting2_train']) == 6
    assert not subj & {anns[n]['subject'] for n in split['setting2_test']}
    # seeded: same seed same split, another seed another split
    again = convert_sysu_3d_hoi(str(tmp_path / 'raw'), str(out), seed=0,
                                show_progress=False, logger=lambda *a: None)
    assert again['split']['setting1_train'] == split['setting1_train']
    assert again['split']['setting2_train'] == split['setting2_train']
    others = [
        convert_sysu_3d_hoi(str(tmp_path / 'raw'), str(out), seed=s,
                            show_progress=False,
                            logger=lambda *a: None)['split']
        for s in (1, 2, 3)
    ]
    assert any(o['setting1_train'] != split['setting1_train'] or
               o['setting2_train'] != split['setting2_train'] for o in others)
    # it is a kinect_v1 dataset for mmaction2's 3D pipeline
    from mmengine.registry import init_default_scope

    from mmaction.datasets import PoseDataset
    init_default_scope('mmaction')
    ds = PoseDataset(str(out), split='setting2_test', test_mode=True,
                     pipeline=[dict(type='PreNormalize3D', zaxis=[0, 1],
                                    xaxis=[8, 4])])
    assert ds[0]['keypoint'].shape[2] == 20


def test_repeated_samples_get_repetition_numbers(tmp_path):
    root = tmp_path / 'raw'
    write_joint_per_line(str(root / 'S01' / 'A01' / 'take1.txt'),
                         skeleton(0))
    write_joint_per_line(str(root / 'S01' / 'A01' / 'take2.txt'),
                         skeleton(1))
    data = convert_sysu_3d_hoi(str(root), str(tmp_path / 'o.pkl'),
                               show_progress=False, logger=lambda *a: None)
    assert [a['frame_dir'] for a in data['annotations']] == [
        'S001A001R001', 'S001A001R002'
    ]


# (name, rel path, text, expected line (None: no line), message part)
_J = '0.1 0.2 0.3'
MALFORMED = [
    ('incomplete_frame', 'S01/A02/s.txt', '\n'.join([_J] * 30), 21,
     '30 joint lines is not a multiple of 20'),
    ('not_a_number', 'S01/A02/s.txt', '\n'.join([_J] * 7 + ['0.1 x 0.3'] +
                                                [_J] * 12), 8,
     '"x" is not a number'),
    ('columns', 'S01/A02/s.txt', '\n'.join([_J] * 5 + ['0.1 0.2'] +
                                           [_J] * 14), 6,
     'expected 3 numbers like the first data line, got 2'),
    ('header', 'S01/A02/s.txt', '\n'.join(['3'] + [_J] * 40), 1,
     'the header announces 3 frames, the file holds 2'),
    ('bad_header', 'S01/A02/s.txt', 'frames\n' + '\n'.join([_J] * 20), 1,
     'expected a frame count or joint coordinates'),
    ('frame_width', 'S01/A02/s.txt', ' '.join(['0.5'] * 59), 1,
     'got 59 numbers'),
    ('empty', 'S01/A02/s.txt', '# nothing\n\n', None, 'no skeleton data'),
    ('nan', 'S01/A02/s.txt', '\n'.join([_J] * 3 + ['nan 0 0'] + [_J] * 16),
     4, 'NaN or inf'),
    ('no_subject', 'A02/s.txt', '\n'.join([_J] * 20), None,
     'no subject ID in the path'),
    ('action_range', 'S01/A13/s.txt', '\n'.join([_J] * 20), None,
     'action ID 13 not in 1..12'),
]


@pytest.mark.parametrize('case', MALFORMED, ids=[c[0] for c in MALFORMED])
def test_malformed_files(tmp_path, case):
    _, rel, text, line, message = case
    root = tmp_path / 'raw'
    make_dataset(str(root), subjects=(3, ), actions=(1, ))
    bad = root / rel
    bad.parent.mkdir(parents=True, exist_ok=True)
    bad.write_text(text)
    out = tmp_path / 'out' / 'sysu.pkl'
    with pytest.raises(MalformedFileError) as exc:
        convert_sysu_3d_hoi(str(root), str(out), show_progress=False,
                            logger=lambda *a: None)
    where = f'{bad}:{line}: ' if line else f'{bad}: '
    assert str(exc.value).startswith(where), str(exc.value)
    assert message in str(exc.value), str(exc.value)
    assert not (tmp_path / 'out').exists()


def test_tool(tmp_path, repo_root, capsys):
    make_dataset(str(tmp_path / 'raw'), subjects=(1, 2), actions=(1, 2))
    spec = importlib.util.spec_from_file_location(
        'sysu_tool', osp.join(repo_root, 'tools', 'data', 'sysu_3d_hoi.py'))
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    out = tmp_path / 'sysu.pkl'
    tool.main([str(tmp_path / 'raw'), '--out', str(out), '--seed', '3',
               '--no-progress'])
    assert 'setting1_train' in capsys.readouterr().out
    assert read_sysu_skeleton(
        str(tmp_path / 'raw' / 'S01' / 'A02' / 'skeleton.txt')).shape == (
            3, 20, 3)
    with pytest.raises(SystemExit, match='not found'):
        tool.main([str(tmp_path / 'nope'), '--out', str(out)])
