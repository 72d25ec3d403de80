"""tools/robustness.py and mmpartkd.evaluation.robustness on a tiny,
untrained ST-GCN (checkpoint written by the test) and the synthetic data."""
import csv
import importlib.util
import os.path as osp

import pytest

from mmpartkd.evaluation.robustness import (FAMILIES, Corruption,
                                            default_grid, evaluate_robustness,
                                            find_layout, insert_corruption)

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


def test_insert_corruption_position():
    t = dict(type='RandomJointDrop', drop_prob=0.5, test_mode=True)
    out = insert_corruption(PIPELINE, [t])
    assert [s['type'] for s in out][:3] == [
        'PreNormalize3D', 'RandomJointDrop', 'GenSkeFeat'
    ]
    # no normaliser: before the first feature/sampling step
    out = insert_corruption(PIPELINE[1:], [t])
    assert out[0]['type'] == 'RandomJointDrop'
    out = insert_corruption(PIPELINE, [t], insert_after='PoseDecode')
    assert [s['type'] for s in out].index('RandomJointDrop') == 4
    assert PIPELINE[1]['type'] == 'GenSkeFeat'  # input left alone
    with pytest.raises(ValueError, match='NoSuch'):
        insert_corruption(PIPELINE, [t], insert_after='NoSuch')
    # the layout after a ConvertLayout is its target
    conv = [PIPELINE[0], dict(type='ConvertLayout', source='nturgb+d',
                              target='kinect_v1')] + PIPELINE[1:]
    assert find_layout({}, conv) == 'kinect_v1'
    assert find_layout(dict(model=dict(backbone=dict(
        graph_cfg=dict(layout='coco')))), PIPELINE) == 'coco'


def test_default_grid_is_complete():
    grid = default_grid('penn', seed=3)
    fams = [c.family for c in grid]
    assert list(dict.fromkeys(fams)) == list(FAMILIES)
    parts = [c.label for c in grid if c.family == 'part_occlusion']
    assert parts == ['none', 'head', 'torso', 'left_arm', 'right_arm',
                     'left_leg', 'right_leg']
    for fam in FAMILIES:
        cells = [c for c in grid if c.family == fam]
        assert cells[0].is_clean and cells[0].severity == 0
        assert all(not c.is_clean for c in cells[1:])
        assert all(t['test_mode'] and t['seed'] == 3 for c in cells
                   for t in c.transforms)
    with pytest.raises(ValueError, match='no part'):
        default_grid('penn', ['part_occlusion'],
                     dict(part_occlusion=['tail']))


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
