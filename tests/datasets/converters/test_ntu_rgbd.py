"""NTU RGB+D converter on ``.skeleton`` files written here in the real
format (shahroudy/NTURGB-D ``read_skeleton_file.m``)."""
import importlib.util
import os
import os.path as osp
import pickle

import numpy as np
import pytest

from mmpartkd.datasets.converters import (NTU60_MISSING_SKELETONS,
                                          NTU120_MISSING_SKELETONS,
                                          MalformedFileError,
                                          convert_ntu_rgbd, ntu_split,
                                          read_ntu_skeleton)
from mmpartkd.datasets.converters.ntu_rgbd import (load_ignore_list,
                                                   ntu_skeleton_to_annotation)

# A complete file, written by hand: 2 frames, 1 body of 25 joints; joint j
# of frame t is at (j, t, 1) metres with trackingState 2 except joint 3 of
# frame 2 (inferred, 1) and joint 4 of frame 2 (not tracked, 0).
_BODY = '72057594037931101 0 1 1 1 1 0 -0.2371657 0.1439372 2'


def _joint(x, y, z, state):
    return (f'{x} {y} {z} 262.3444 206.4287 895.2468 513.8654 -0.2431006 '
            f'0.02768627 0.9690112 -0.02994598 {state}')


HAND_WRITTEN = '\n'.join(
    ['2'] + [
        line for t in range(2)
        for line in ['1', _BODY, '25'] + [
            _joint(j, t, 1, 1 if (t, j) == (1, 3) else
                   0 if (t, j) == (1, 4) else 2) for j in range(25)
        ]
    ]) + '\n'


def write_skeleton(path, frames):
    """``frames``: list over frames of lists of ``(body_id, xyz (25, 3),
    state (25,))``."""
    lines = [str(len(frames))]
    for bodies in frames:
        lines.append(str(len(bodies)))
        for body_id, xyz, state in bodies:
            lines.append(f'{body_id} 0 1 1 1 1 0 0.01 -0.02 2')
            lines.append(str(len(xyz)))
            for (x, y, z), s in zip(xyz, state):
                lines.append(f'{x:.7f} {y:.7f} {z:.7f} 250.1 200.2 880.3 '
                             f'510.4 0.1 0.2 0.3 0.4 {int(s)}')
    with open(path, 'w') as f:
        f.write('\r\n'.join(lines) + '\r\n')  # the release uses CRLF


def body_track(seed, T, amplitude, offset=0.0):
    rng = np.random.default_rng(seed)
    base = rng.normal(0, 0.3, (25, 3)) + offset
    t = np.arange(T)[:, None, None]
    return base + amplitude * np.sin(t / 2.0 + rng.uniform(0, 6, (25, 3)))


def frames_from(tracks, T):
    """``tracks``: list of ``(body_id, xyz (T, 25, 3), frames)``."""
    frames = [[] for _ in range(T)]
    for body_id, xyz, present in tracks:
        for t in present:
            frames[t].append((body_id, xyz[t], np.full(25, 2)))
    return frames


def test_hand_written_file(tmp_path):
    path = tmp_path / 'S001C001P001R001A001.skeleton'
    path.write_text(HAND_WRITTEN)
    T, bodies = read_ntu_skeleton(str(path))
    assert T == 2 and list(bodies) == ['72057594037931101']
    ann = ntu_skeleton_to_annotation(str(path), with_score=True)
    assert ann['frame_dir'] == 'S001C001P001R001A001'
    assert ann['label'] == 0 and ann['total_frames'] == 2
    kp = ann['keypoint']
    assert kp.shape == (1, 2, 25, 3) and kp.dtype == np.float32
    np.testing.assert_allclose(kp[0, 1, 7], [7, 1, 1])
    score = ann['keypoint_score']
    assert score.shape == (1, 2, 25)
    assert score[0, 1, 3] == 0.5 and score[0, 1, 4] == 0
    assert score[0, 0].min() == 1 and score.sum() == 50 - 1.5
    assert 'keypoint_score' not in ntu_skeleton_to_annotation(str(path))


def test_bodies_by_motion_energy_and_retracking(tmp_path):
    T = 12
    # four tracked IDs: a fast mover, a re-tracked fast mover (new ID from
    # frame 6), a slow mover and a nearly static one; plus a spurious
    # one-frame body
    fast = body_track(0, T, 0.3)
    fast2 = body_track(1, T, 0.25)
    slow = body_track(2, T, 0.05, offset=1.0)
    static = body_track(3, T, 0.0, offset=-1.0)
    frames = frames_from([
        ('101', fast, range(T)),
        ('201', fast2, range(6)),
        ('202', fast2, range(6, T)),
        ('301', slow, range(T)),
        ('401', static, range(T)),
        ('501', body_track(4, T, 0.0), [5]),
    ], T)
    path = tmp_path / 'S002C003P004R002A050.skeleton'
    write_skeleton(path, frames)
    ann = ntu_skeleton_to_annotation(str(path), max_bodies=2,
                                     with_score=True)
    kp = ann['keypoint']
    assert kp.shape == (2, T, 25, 3) and ann['label'] == 49
    np.testing.assert_allclose(kp[0], fast, atol=1e-6)
    # 201 and 202 never overlap: they fill one person slot together
    np.testing.assert_allclose(kp[1], fast2, atol=1e-6)
    assert ann['keypoint_score'].min() == 1
    # with three persons the slow mover comes third, the static one never
    ann3 = ntu_skeleton_to_annotation(str(path), max_bodies=3)
    np.testing.assert_allclose(ann3['keypoint'][2], slow, atol=1e-6)
    # a person missing in some frames: zeros and score 0 there
    frames = frames_from([('1', fast, range(T)), ('2', slow, range(3, 8))],
                         T)
    path = tmp_path / 'S002C003P004R002A051.skeleton'
    write_skeleton(path, frames)
    ann = ntu_skeleton_to_annotation(str(path), with_score=True)
    assert np.all(ann['keypoint'][1, :3] == 0)
    assert np.all(ann['keypoint_score'][1, :3] == 0)
    assert np.all(ann['keypoint_score'][1, 3:8] == 1)


def _write_dataset(root):
    """Small NTU-like folder; returns the expected sample names."""
    os.makedirs(root, exist_ok=True)
    T = 6
    names = [
        'S001C001P001R001A001',  # xsub train (P1), xview test (C1)
        'S001C002P003R001A002',  # xsub test (P3), xview train
        'S002C003P002R002A060',  # xsub train, xview train
        'S017C001P040R001A010',  # xsub test, xview test
        'S018C002P045R001A061',  # NTU120 only: xsub train, xset train
        'S019C001P044R001A120',  # NTU120 only: xsub test, xset test
    ]
    for i, name in enumerate(names):
        frames = frames_from([(str(i), body_track(i, T, 0.2), range(T))], T)
        write_skeleton(osp.join(root, name + '.skeleton'), frames)
    # a sample of the published missing-skeleton list: skipped
    frames = frames_from([('9', body_track(9, T, 0.2), range(T))], T)
    write_skeleton(osp.join(root, 'S001C002P005R002A008.skeleton'), frames)
    # a sample whose frames hold no body: skipped with a message
    write_skeleton(osp.join(root, 'S001C001P001R001A003.skeleton'),
                   [[] for _ in range(T)])
    # not a .skeleton file: ignored
    with open(osp.join(root, 'README.txt'), 'w') as f:
        f.write('not a skeleton')
    return names


def test_convert_ntu60_and_ntu120(tmp_path):
    names = _write_dataset(str(tmp_path / 'raw'))
    log = []
    out = convert_ntu_rgbd(str(tmp_path / 'raw'), str(tmp_path / 'out'),
                           tasks=('ntu60', 'ntu120'), with_score=True,
                           show_progress=False, logger=log.append)
    assert set(out) == {'ntu60', 'ntu120'}
    assert osp.basename(out['ntu60']) == 'ntu60_3d.pkl'
    assert any('1 skipped as samples with missing skeletons' in m
               for m in log)
    assert any('S001C001P001R001A003' in m for m in log)  # empty sample
    with open(out['ntu60'], 'rb') as f:
        d60 = pickle.load(f)
    with open(out['ntu120'], 'rb') as f:
        d120 = pickle.load(f)
    assert [a['frame_dir'] for a in d60['annotations']] == sorted(names[:4])
    assert [a['frame_dir'] for a in d120['annotations']] == sorted(names)
    assert d60['split'] == dict(
        xsub_train=['S001C001P001R001A001', 'S002C003P002R002A060'],
        xsub_val=['S001C002P003R001A002', 'S017C001P040R001A010'],
        xview_train=['S001C002P003R001A002', 'S002C003P002R002A060'],
        xview_val=['S001C001P001R001A001', 'S017C001P040R001A010'])
    assert set(d120['split']) == {'xsub_train', 'xsub_val', 'xset_train',
                                  'xset_val'}
    assert 'S018C002P045R001A061' in d120['split']['xsub_train']
    assert 'S019C001P044R001A120' in d120['split']['xsub_val']
    assert 'S018C002P045R001A061' in d120['split']['xset_train']
    assert 'S001C001P001R001A001' in d120['split']['xset_val']
    for a in d120['annotations']:
        assert a['label'] == int(a['frame_dir'][-3:]) - 1
        assert a['keypoint'].shape == (1, 6, 25, 3)
        assert a['keypoint'].dtype == np.float32
        assert a['keypoint_score'].shape == (1, 6, 25)
        assert a['total_frames'] == 6
    # the mmaction2 PoseDataset reads the result
    from mmaction.datasets import PoseDataset
    ds = PoseDataset(out['ntu60'], pipeline=[], split='xsub_val',
                     test_mode=True)
    assert len(ds) == 2 and ds[0]['keypoint'].shape == (1, 6, 25, 3)
    # --no-ignore keeps the listed sample; float16 and parallel reading
    out2 = convert_ntu_rgbd(str(tmp_path / 'raw'), str(tmp_path / 'out2'),
                            ignore=(), dtype='float16', nproc=2,
                            show_progress=False, logger=log.append)
    with open(out2['ntu60'], 'rb') as f:
        d = pickle.load(f)
    assert 'S001C002P005R002A008' in [a['frame_dir'] for a in d['annotations']]
    assert d['annotations'][0]['keypoint'].dtype == np.float16
    first = {a['frame_dir']: a for a in d60['annotations']}
    for a in d['annotations']:
        if a['frame_dir'] in first:
            np.testing.assert_allclose(a['keypoint'],
                                       first[a['frame_dir']]['keypoint'],
                                       atol=2e-3)


def test_published_missing_lists(tmp_path):
    assert len(NTU60_MISSING_SKELETONS) == 302
    assert len(NTU120_MISSING_SKELETONS) == 535
    assert NTU60_MISSING_SKELETONS < NTU120_MISSING_SKELETONS
    assert 'S001C002P005R002A008' in NTU60_MISSING_SKELETONS
    lst = tmp_path / 'ignore.txt'
    lst.write_text('302 of the captured samples ... please ignore\n\n'
                   'S001C001P001R001A001\nS001C002P003R001A002.skeleton\n')
    assert load_ignore_list(str(lst)) == {'S001C001P001R001A001',
                                          'S001C002P003R001A002'}


def test_split_rules():
    names = ['S001C001P001R001A001', 'S001C002P003R001A001']
    assert ntu_split(names, 'ntu60')['xsub_train'] == names[:1]
    with pytest.raises(ValueError, match='ntu60'):
        ntu_split(names, 'ntu30')


def _body_lines(count=25, state=2):
    return [_BODY, str(count)] + [_joint(j, 0, 1, state)
                                  for j in range(count)]


# (name, file text, expected line, expected message part)
MALFORMED = [
    ('header', 'two\n', 1, 'the frame count'),
    ('truncated', '\n'.join(['2', '1'] + _body_lines() + ['1', _BODY, '25'] +
                            [_joint(j, 1, 1, 2) for j in range(10)]),
     43, 'unexpected end of file'),
    ('joint_count', '\n'.join(['1', '1'] + _body_lines(24)), 4,
     'expected 25 joints, got 24'),
    ('joint_fields', '\n'.join(['1', '1', _BODY, '25'] +
                               [_joint(j, 0, 1, 2) for j in range(6)] +
                               ['0.1 0.2 0.3 1 2 3 4 5 6 7 2'] +
                               [_joint(j, 0, 1, 2) for j in range(18)]),
     11, 'got 11 fields'),
    ('not_a_number', '\n'.join(['1', '1', _BODY, '25'] +
                               [_joint(j, 0, 1, 2) for j in range(3)] +
                               [_joint('abc', 0, 1, 2)] +
                               [_joint(j, 0, 1, 2) for j in range(21)]),
     8, '"abc" is not a number'),
    ('nan', '\n'.join(['1', '1', _BODY, '25'] +
                      [_joint(j, 0, 1, 2) for j in range(24)] +
                      [_joint('nan', 0, 1, 2)]), 29, 'non-finite'),
    ('body_fields', '\n'.join(['1', '1', '7205 0 1 1'] + ['25']), 3,
     'body info of frame 1 body 1 (10 fields)'),
    ('tracking_state', '\n'.join(['1', '1'] + _body_lines(state=7)), 5,
     'trackingState must be 0, 1 or 2'),
    ('extra_content', '\n'.join(['1', '1'] + _body_lines() + ['1', _BODY]),
     30, 'unexpected content after the last of 1 frames'),
]


@pytest.mark.parametrize('case', MALFORMED, ids=[c[0] for c in MALFORMED])
def test_malformed_files(tmp_path, case):
    _, text, line, message = case
    raw = tmp_path / 'raw'
    _write_dataset(str(raw))
    bad = raw / 'S003C001P007R001A005.skeleton'
    bad.write_text(text)
    out_dir = tmp_path / 'out'
    with pytest.raises(MalformedFileError) as exc:
        convert_ntu_rgbd(str(raw), str(out_dir), tasks=('ntu60', 'ntu120'),
                         show_progress=False, logger=lambda *a: None)
    assert str(exc.value).startswith(f'{bad}:{line}: '), str(exc.value)
    assert message in str(exc.value)
    assert exc.value.line == line
    # nothing written, no temporary file left behind
    assert not out_dir.exists() or os.listdir(out_dir) == []


def test_bad_file_name_and_tool(tmp_path, repo_root, capsys):
    raw = tmp_path / 'raw'
    _write_dataset(str(raw))
    spec = importlib.util.spec_from_file_location(
        'ntu_tool', osp.join(repo_root, 'tools', 'data', 'ntu_rgbd.py'))
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    tool.main([str(raw), '--out-dir', str(tmp_path / 'out'), '--no-progress',
               '--task', 'ntu60', '--with-score'])
    assert 'wrote' in capsys.readouterr().out
    assert os.listdir(tmp_path / 'out') == ['ntu60_3d.pkl']
    (raw / 'S01C001P001R001A001.skeleton').write_text(HAND_WRITTEN)
    with pytest.raises(SystemExit, match='S01C001P001R001A001.skeleton: '
                       '"S01C001P001R001A001" is not an NTU RGB\\+D sample'):
        tool.main([str(raw), '--out-dir', str(tmp_path / 'out3'),
                   '--no-progress'])
    assert not (tmp_path / 'out3').exists()


def test_malformed_file_in_worker_process(tmp_path):
    raw = tmp_path / 'raw'
    _write_dataset(str(raw))
    bad = raw / 'S003C001P007R001A005.skeleton'
    bad.write_text(dict((c[0], c[1]) for c in MALFORMED)['joint_fields'])
    with pytest.raises(MalformedFileError, match=f'{bad}:11: '):
        convert_ntu_rgbd(str(raw), str(tmp_path / 'out'), nproc=2,
                         show_progress=False, logger=lambda *a: None)
    assert not (tmp_path / 'out').exists()
