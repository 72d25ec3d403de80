"""Writers interrupted in the middle of a write (an exception or Ctrl-C
while the bytes go out) leave the previous file untouched and no temporary
file behind: converters, part matrices, teacher caches."""
import os
import pickle

import numpy as np
import pytest

import mmpartkd.utils.io as io
from mmpartkd.utils import atomic_dump_pickle, atomic_write


class Interrupted(BaseException):
    """Stands for KeyboardInterrupt / a crash in the middle of a write."""


def half_then_fail(real, file_first=False):
    """Wrap a writer ``f(obj, file)`` (``f(file, obj)`` with
    ``file_first``): write half its bytes, then fail."""

    def write(obj, f, *args, **kwargs):
        import io as _io
        if file_first:
            obj, f = f, obj
        buf = _io.BytesIO()
        real(*((buf, obj) if file_first else (obj, buf)), *args, **kwargs)
        data = buf.getvalue()
        f.write(data[:len(data) // 2])
        raise Interrupted('interrupted mid-write')

    return write


def leftovers(directory):
    return sorted(n for n in os.listdir(directory) if n.startswith('.'))


def test_atomic_write_keeps_old_file(tmp_path):
    path = tmp_path / 'out.bin'
    path.write_bytes(b'old')
    with pytest.raises(Interrupted):
        with atomic_write(str(path)) as f:
            f.write(b'new, half')
            raise Interrupted
    assert path.read_bytes() == b'old'
    assert leftovers(tmp_path) == []
    with pytest.raises(ValueError):
        with atomic_write(str(tmp_path / 'new.bin')) as f:
            f.write(b'x')
            raise ValueError
    assert not (tmp_path / 'new.bin').exists()


def _skeleton_file(path):
    body = '72057594037931101 0 1 1 1 1 0 -0.2371657 0.1439372 2'
    lines = ['3']
    for t in range(3):
        lines += ['1', body, '25']
        lines += [f'{0.1 * j} {0.01 * t} 3.0 262.3 206.4 895.2 513.8 -0.24 '
                  '0.02 0.96 -0.03 2' for j in range(25)]
    path.write_text('\r\n'.join(lines) + '\r\n')


def test_converter_interrupted_while_writing(tmp_path, monkeypatch):
    from mmpartkd.datasets.converters import convert_ntu_rgbd
    raw = tmp_path / 'raw'
    raw.mkdir()
    _skeleton_file(raw / 'S001C001P001R001A001.skeleton')
    _skeleton_file(raw / 'S001C002P002R001A002.skeleton')
    out = tmp_path / 'out'
    kwargs = dict(tasks=('ntu60', ), show_progress=False,
                  logger=lambda *a: None)
    convert_ntu_rgbd(str(raw), str(out), **kwargs)
    good = (out / 'ntu60_3d.pkl').read_bytes()
    assert len(pickle.loads(good)['annotations']) == 2

    _skeleton_file(raw / 'S001C003P003R001A003.skeleton')
    monkeypatch.setattr(io.pickle, 'dump', half_then_fail(pickle.dump))
    with pytest.raises(Interrupted):
        convert_ntu_rgbd(str(raw), str(out), **kwargs)
    assert (out / 'ntu60_3d.pkl').read_bytes() == good  # the old, whole one
    assert leftovers(out) == []


def test_atomic_dump_pickle_new_file(tmp_path, monkeypatch):
    monkeypatch.setattr(io.pickle, 'dump', half_then_fail(pickle.dump))
    with pytest.raises(Interrupted):
        atomic_dump_pickle(dict(a=np.zeros(1000)), str(tmp_path / 'x.pkl'))
    assert os.listdir(tmp_path) == []


def test_part_matrix_interrupted_while_writing(tmp_path, monkeypatch):
    from mmpartkd.apis.part_matrix import save_part_matrix
    path = str(tmp_path / 'part_matrix.npy')
    classes, parts = ['a', 'b'], ['p', 'q', 'r']
    old = np.full((2, 3), 1 / 3, np.float32)
    save_part_matrix(path, old, np.zeros((2, 3)), classes, parts, {})
    written = sorted(os.listdir(tmp_path))
    monkeypatch.setattr(np, 'save', half_then_fail(np.save, True))
    new = np.array([[1, 0, 0], [0, 1, 0]], np.float32)
    with pytest.raises(Interrupted):
        save_part_matrix(path, new, np.zeros((2, 3)), classes, parts, {})
    monkeypatch.undo()
    np.testing.assert_array_equal(np.load(path), old)
    assert sorted(os.listdir(tmp_path)) == written  # no .tmp left


def test_teacher_cache_interrupted_while_writing(tmp_path, monkeypatch):
    from mmpartkd.apis import teacher_cache as tc
    arrays = {k: np.zeros((4, 2), np.float16) for k in tc.CACHE_KEYS}
    path = str(tmp_path / 'cache')
    tc.write_cache(path, arrays, dict(version=1))
    before = {n: open(os.path.join(path, n), 'rb').read()
              for n in os.listdir(path)}
    calls = []

    def save_twice_then_fail(file, arr, *args, **kwargs):
        calls.append(file)
        if len(calls) == 2:
            with open(file, 'wb') as f:
                f.write(b'\x93NUMPY half')
            raise Interrupted
        return real_save(file, arr, *args, **kwargs)

    real_save = np.save
    monkeypatch.setattr(np, 'save', save_twice_then_fail)
    with pytest.raises(Interrupted):
        tc.write_cache(path, {k: v + 1 for k, v in arrays.items()},
                       dict(version=2))
    monkeypatch.undo()
    after = {n: open(os.path.join(path, n), 'rb').read()
             for n in os.listdir(path)}
    assert after == before
    assert sorted(os.listdir(tmp_path)) == ['cache']
