import os.path as osp
import runpy
import sys

import matplotlib
import numpy as np
import pytest

matplotlib.use('Agg')
import matplotlib.pyplot as plt  # noqa: E402
from PIL import Image  # noqa: E402

from mmpartkd.apis import load_config  # noqa: E402
from mmpartkd.structures import PART_NAMES, get_layout  # noqa: E402
from mmpartkd.visualization import (SkeletonView,  # noqa: E402
                                    animate_skeleton, draw_skeleton_frame,
                                    load_part_matrix_row,
                                    load_skeleton_views, plot_skeleton_strip)
from mmpartkd.visualization.skeleton_plot import (  # noqa: E402
    CMAP, JOINTS_GID, MISSING_GID)

PARTKD = 'configs/partkd/partkd_stgcn-q_1xb32-joint-lq-u32-30e_synthetic-xsub-keypoint-3d.py'  # noqa: E501
TEACHER = 'configs/baselines/stgcn-q_1xb32-joint-u32-30e_synthetic-xsub-keypoint-3d.py'  # noqa: E501


def config(repo_root, rel, ann):
    cfg = load_config(osp.join(repo_root, rel))
    for key in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        cfg[key]['dataset']['ann_file'] = ann
    return cfg


def collection(ax, gid):
    found = [c for c in ax.collections if c.get_gid() == gid]
    assert len(found) == 1
    return found[0]


def test_png_and_gif_of_a_distillation_sample(tmp_path, repo_root,
                                              synthetic_ann_file):
    cfg = config(repo_root, PARTKD, synthetic_ann_file)
    views, meta = load_skeleton_views(cfg, 3, 'train', seed=0)
    teacher, student = views
    assert teacher.layout.name == student.layout.name == 'nturgb+d'
    assert meta['class_name'] != '' and meta['index'] == 3
    # the teacher's copy is clean (but for PreNormalize3D's centre joint of
    # the first frame, at the origin), the student's has dropped joints
    assert teacher.missing.sum() <= 1 and student.missing.mean() > 0.3
    np.testing.assert_array_equal(student.missing,
                                  ~student.keypoint.any(-1))
    png, gif = tmp_path / 's.png', tmp_path / 's.gif'
    plot_skeleton_strip(views, str(png), frames=4, title='t')
    assert png.read_bytes()[:8] == b'\x89PNG\r\n\x1a\n'
    assert animate_skeleton(views, str(gif), frames=5) == 5
    with Image.open(gif) as im:
        assert im.n_frames == 5


def test_tool_and_errors(tmp_path, repo_root, synthetic_ann_file):
    tool = osp.join(repo_root, 'tools', 'visualize_skeleton.py')

    def run(*args):
        argv = sys.argv
        sys.argv = [tool, *args]
        try:
            runpy.run_path(tool, run_name='__main__')
        finally:
            sys.argv = argv

    ann = f'train_dataloader.dataset.ann_file={synthetic_ann_file}'
    run(osp.join(repo_root, PARTKD), '--index', '0', '--frames', '3',
        '--gif-frames', '2', '--out-dir', str(tmp_path), '--name', 'x',
        '--cfg-options', ann)
    assert (tmp_path / 'x.png').exists() and (tmp_path / 'x.gif').exists()
    with pytest.raises(IndexError, match='index 10000 out of range.*'
                       'train_dataloader'):
        run(osp.join(repo_root, PARTKD), '--index', '10000',
            '--cfg-options', ann)
    # a teacher config packs no high-quality copy
    with pytest.raises(ValueError, match='train_dataloader.dataset.pipeline '
                       'has no CopyHighQuality'):
        load_skeleton_views(config(repo_root, TEACHER, synthetic_ann_file), 0)
    views, _ = load_skeleton_views(
        config(repo_root, TEACHER, synthetic_ann_file), 0,
        sides=['student'])
    assert len(views) == 1
    bad = tmp_path / 'bad.npy'
    np.save(bad, np.ones((10, 4)))
    with pytest.raises(ValueError, match='bad.npy" has shape'):
        load_part_matrix_row(str(bad), 0)
    np.save(bad, np.ones((3, 6)))
    with pytest.raises(ValueError, match='3 rows'):
        load_part_matrix_row(str(bad), 4, 'kick_right_leg')


def synthetic_view(missing):
    """A 3-frame nturgb+d skeleton whose joint j sits at (j, t, 0)."""
    layout = get_layout('nturgb+d')
    T, V = 3, layout.num_node
    kp = np.zeros((1, T, V, 3), np.float32)
    kp[0, :, :, 0] = np.arange(1, V + 1)[None]
    kp[0, :, :, 1] = np.arange(1, T + 1)[:, None]
    kp[0][missing] = 0
    return SkeletonView(kp, ~kp.any(-1), layout, 'student')


def test_missing_joints_are_drawn_as_missing():
    missing = np.zeros((3, 25), bool)
    missing[1, [5, 17]] = True  # last known: frame 0
    missing[0, 9] = True  # leading gap: next known, frame 1
    view = synthetic_view(missing)
    fig, ax = plt.subplots()
    drawn = draw_skeleton_frame(ax, view, 1)
    assert drawn['missing'] == [(0, 5), (0, 17)]
    np.testing.assert_allclose(
        collection(ax, MISSING_GID).get_offsets(), [[6, 1], [18, 1]])
    assert len(collection(ax, JOINTS_GID).get_offsets()) == 23
    drawn = draw_skeleton_frame(ax, view, 0)
    np.testing.assert_allclose(collection(ax, MISSING_GID).get_offsets(),
                               [[10, 2]])
    # no bone touches a missing joint: no line has x = 10 (joint 9)
    assert not any(10 in line.get_xdata() for line in ax.lines)
    plt.close(fig)


def test_part_colours_follow_the_matrix_row():
    view = synthetic_view(np.zeros((3, 25), bool))
    weights = dict(zip(PART_NAMES, [0.05, 0.1, 0.02, 0.03, 0.1, 0.7]))
    fig, ax = plt.subplots()
    draw_skeleton_frame(ax, view, 0, weights)
    colors = collection(ax, JOINTS_GID).get_facecolors()
    cmap = matplotlib.colormaps[CMAP]
    right_leg = get_layout('nturgb+d').parts['right_leg']
    # every right-leg joint (the hip too, though also in the torso) has the
    # colormap's top colour, and only those
    top = np.isclose(colors, cmap(1.0)).all(1)
    assert np.flatnonzero(top).tolist() == right_leg
    # the left arm (0.02) is darker than the torso (0.1)
    assert np.allclose(colors[5], cmap(0.02 / 0.7))
    plt.close(fig)
