"""tools/robustness.py and mmpartkd.evaluation.robustness on a tiny,
untrained ST-GCN (checkpoint written by the test) and the synthetic data."""
import csv
import importlib.util
import os
import os.path as osp

import pytest

from mmpartkd.evaluation import Corruption, evaluate_robustness

PIPELINE = [
    dict(type='PreNormalize3D'),
    dict(type='GenSkeFeat', dataset='nturgb+d', feats=['j']),
    dict(type='UniformSampleFrames', clip_len=16, num_clips=1,
         test_mode=True),
    dict(type='PoseDecode'),
    dict(type='FormatGCNInput', num_person=1),
    dict(type='PackActionInputs'),
]


def tiny_config_text(ann_file: str) -> str:
    return f"""
default_scope = 'mmaction'
custom_imports = dict(imports=['mmpartkd'], allow_failed_imports=False)
model = dict(
    type='RecognizerGCN',
    backbone=dict(type='STGCN', base_channels=4, num_stages=2,
                  graph_cfg=dict(layout='nturgb+d', mode='stgcn_spatial')),
    cls_head=dict(type='GCNHead', num_classes=10, in_channels=4))
test_pipeline = {PIPELINE!r}
test_dataloader = dict(
    batch_size=32, num_workers=0, persistent_workers=False,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(type='PoseDataset', ann_file={ann_file!r},
                 pipeline=test_pipeline, split='xsub_val', test_mode=True))
test_evaluator = [dict(type='AccMetric')]
"""


@pytest.fixture(scope='module')
def tiny_model(tmp_path_factory, synthetic_ann_file):
    import torch
    from mmengine.config import Config
    from mmengine.registry import init_default_scope

    from mmaction.registry import MODELS
    root = tmp_path_factory.mktemp('robustness')
    cfg_path = str(root / 'tiny_stgcn.py')
    with open(cfg_path, 'w') as f:
        f.write(tiny_config_text(synthetic_ann_file))
    init_default_scope('mmaction')
    torch.manual_seed(0)
    cfg = Config.fromfile(cfg_path)
    model = MODELS.build(cfg.model)
    # untrained; amplify the input (a small input-BN running variance) so
    # that the predictions depend on it and corruptions change the scores
    model.backbone.data_bn.running_var.fill_(1e-3)
    ckpt = str(root / 'tiny_stgcn.pth')
    torch.save(dict(state_dict=model.state_dict(), meta=dict()), ckpt)
    return cfg_path, ckpt


def test_zero_severity_equals_clean(tiny_model):
    cfg, ckpt = tiny_model
    grid = [
        Corruption('joint_drop', 0.0, 'none'),
        Corruption('joint_drop', 0.0, 'explicit0', [
            dict(type='RandomJointDrop', drop_prob=0.0, test_mode=True)
        ]),
        Corruption('joint_drop', 1.0, '1', [
            dict(type='RandomJointDrop', drop_prob=1.0, test_mode=True)
        ]),
    ]
    rows = evaluate_robustness(cfg, ckpt, grid, name='tiny',
                               logger=lambda *a: None)
    assert len(rows) == 3
    assert rows[0]['top1'] == rows[1]['top1']
    assert all(0 <= r['top1'] <= 1 and 0 <= r['top5'] <= 1 for r in rows)
    assert all(r['num_samples'] == rows[0]['num_samples'] > 0 for r in rows)
    # every joint dropped: one input, one prediction for the whole balanced
    # validation split (2 subjects x 10 classes)
    assert rows[2]['num_samples'] == 20
    assert rows[2]['top1'] == pytest.approx(0.1)
    assert rows[2]['top5'] == pytest.approx(0.5)


def test_strip_low_quality(tiny_model):
    from mmengine.config import Config
    cfg_path, ckpt = tiny_model
    cfg = Config.fromfile(cfg_path)
    clean = evaluate_robustness(cfg, ckpt, [Corruption('x', 0., 'none')],
                                logger=lambda *a: None)[0]
    pipeline = list(PIPELINE)
    pipeline.insert(4, dict(type='RandomJointDrop', drop_prob=1.0,
                            test_mode=True))
    cfg.test_dataloader.dataset.pipeline = pipeline
    log = []
    kept = evaluate_robustness(cfg, ckpt, [Corruption('x', 0., 'none')],
                               logger=log.append)[0]
    assert any('already corrupts' in m for m in log)
    assert kept['top5'] == pytest.approx(0.5)  # every joint dropped
    stripped = evaluate_robustness(cfg, ckpt, [Corruption('x', 0., 'none')],
                                   strip_low_quality=True,
                                   logger=lambda *a: None)[0]
    assert stripped['top1'] == clean['top1']
    assert stripped['top5'] == clean['top5'] != kept['top5']


def _load_tool(repo_root):
    spec = importlib.util.spec_from_file_location(
        'robustness_tool', osp.join(repo_root, 'tools', 'robustness.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_robustness_tool(tiny_model, tmp_path, repo_root, capsys):
    cfg, ckpt = tiny_model
    out = tmp_path / 'out'
    tool = _load_tool(repo_root)
    tool.main([
        '--models', cfg, ckpt, '--models', cfg, ckpt, '--names', 'a', 'b',
        '--joint-drop', '0.3', '0.6', '--temporal', '8', '--jitter', '0.05',
        '--frame-rate', '2', '--parts', 'left_arm', 'torso', '--out-dir',
        str(out)
    ])
    assert '[a] [1/8] clean none' in capsys.readouterr().out  # progress lines
    with open(out / 'robustness.csv') as f:
        rows = list(csv.DictReader(f))
    expected = {
        'joint_drop': ['0', '0.3', '0.6'],
        'part_occlusion': ['0', '1', '2'],
        'temporal_occlusion': ['0', '8'],
        'jitter': ['0', '0.05'],
        'frame_rate': ['0', '2'],
    }
    for model in ('a', 'b'):
        mine = [r for r in rows if r['model'] == model]
        assert len(mine) == sum(len(v) for v in expected.values())
        clean = None
        for fam, sevs in expected.items():
            cells = [r for r in mine if r['corruption'] == fam]
            assert [f'{float(r["severity"]):g}' for r in cells] == sevs
            for r in cells:
                assert 0.0 <= float(r['top1']) <= 1.0
            clean = clean or cells[0]['top1']
            assert cells[0]['top1'] == clean  # severity 0 = clean accuracy
        labels = [r['label'] for r in mine
                  if r['corruption'] == 'part_occlusion']
        assert labels == ['none', 'left_arm', 'torso']
    # the corruptions do change the scores of this model
    clean5 = [r['top5'] for r in rows if r['model'] == 'a'][0]
    assert any(r['top5'] != clean5 for r in rows if r['model'] == 'a')
    # same weights under two names: identical numbers
    key = lambda r: (r['corruption'], r['label'])  # noqa: E731
    a = {key(r): r['top1'] for r in rows if r['model'] == 'a'}
    b = {key(r): r['top1'] for r in rows if r['model'] == 'b'}
    assert a == b
    png = out / 'robustness.png'
    assert png.read_bytes()[:8] == b'\x89PNG\r\n\x1a\n'
    # --plot-only re-draws from the CSV
    png.unlink()
    tool.main(['--plot-only', str(out / 'robustness.csv'), '--out-dir',
               str(out)])
    assert png.exists()


def test_robustness_tool_cli_errors(repo_root, tiny_model, tmp_path, capsys):
    tool = _load_tool(repo_root)
    with pytest.raises(SystemExit) as exc:
        tool.main(['--models', 'a.py', 'a.pth', '--names', 'x', 'y'])
    assert exc.value.code == 2
    assert '2 --names for 1 --models' in capsys.readouterr().err
    with pytest.raises(SystemExit, match='checkpoint .* not found'):
        tool.main(['--models', tiny_model[0], str(tmp_path / 'no.pth'),
                   '--out-dir', str(tmp_path)])
    assert not (tmp_path / 'robustness.csv').exists()


def test_robustness_tool_two_processes(tiny_model, tmp_path, repo_root):
    """``--launcher pytorch`` under torchrun (2 CPU processes, gloo): each
    rank tests half of the split, the runner collects the results, rank 0
    alone prints and writes the same CSV as one process."""
    import socket
    import subprocess
    import sys
    cfg, ckpt = tiny_model
    args = ['--models', cfg, ckpt, '--joint-drop', '0.5', '--parts',
            'left_arm', '--temporal', '8']
    _load_tool(repo_root).main(args + ['--out-dir', str(tmp_path / 'one')])
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        port = s.getsockname()[1]
    out = subprocess.run(
        [sys.executable, '-m', 'torch.distributed.run', '--nproc_per_node=2',
         f'--master_port={port}', 'tools/robustness.py', *args, '--out-dir',
         str(tmp_path / 'two'), '--launcher', 'pytorch'],
        cwd=repo_root, capture_output=True, text=True, timeout=600,
        env=dict(os.environ, OMP_NUM_THREADS='1'))
    assert out.returncode == 0, (out.stdout + out.stderr)[-4000:]
    assert out.stdout.count('clean none') == 1  # rank 0 prints, alone
    assert (tmp_path / 'two' / 'robustness.csv').read_text() == \
        (tmp_path / 'one' / 'robustness.csv').read_text()
