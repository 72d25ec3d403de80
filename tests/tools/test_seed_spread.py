"""tools/analysis_tools/seed_spread.py reads an experiment's results.json
and each training run's mmengine scalars and relates the last-epoch
training loss to the test top-1."""
import json
import os.path as osp
import subprocess
import sys

import pytest

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
TOOL = osp.join(ROOT, 'tools', 'analysis_tools', 'seed_spread.py')
sys.path.insert(0, osp.dirname(TOOL))
import seed_spread  # noqa: E402


def _write_job(work, name, cls_by_epoch, part=None):
    run = work / name / '20260101_000000' / 'vis_data'
    run.mkdir(parents=True)
    with open(run / 'scalars.json', 'w') as f:
        for epoch, values in enumerate(cls_by_epoch, 1):
            for v in values:
                rec = dict(loss=v, loss_cls=v, epoch=epoch, iter=1)
                if part is not None:
                    rec['loss_part_contrast'] = part
                f.write(json.dumps(rec) + '\n')
    test = work / name / '20260101_000100' / 'vis_data'
    test.mkdir(parents=True)
    (test / 'scalars.json').write_text(json.dumps({'acc/top1': 0.5}) + '\n')


@pytest.fixture
def work_dir(tmp_path):
    work = tmp_path / 'exp'
    jobs = {
        'teacher': dict(row='teacher (clean val)', seed=0,
                        metrics={'acc/top1': 0.9}),
        'teacher_lq': dict(row='teacher (low-quality val)', seed=0,
                           metrics={'acc/top1': 0.1}),
    }
    _write_job(work, 'teacher', [[0.1]])
    for seed, (last, top1) in enumerate([(1.0, 0.5), (0.5, 0.7),
                                         (0.2, 0.8)]):
        name = f'partkd_seed{seed}'
        _write_job(work, name, [[3.0, 2.0], [last + 0.1, last - 0.1]],
                   part=1.5)
        jobs[name] = dict(row='PartKD', seed=seed,
                          metrics={'acc/top1': top1})
    (work / 'results.json').write_text(json.dumps(dict(jobs=jobs)))
    return str(work)


def test_last_epoch_losses_and_collect(work_dir):
    losses = seed_spread.last_epoch_losses(osp.join(work_dir,
                                                    'partkd_seed0'))
    assert losses == pytest.approx(dict(loss=1.0, loss_cls=1.0,
                                        loss_part_contrast=1.5, epoch=2))
    records = seed_spread.collect(work_dir)
    # the teacher and the test-only job are left out
    assert [r['job'] for r in records] == [f'partkd_seed{s}'
                                           for s in range(3)]
    assert [r['top1'] for r in records] == pytest.approx([50, 70, 80])
    assert [r['loss_cls'] for r in records] == pytest.approx([1., .5, .2])


def test_cli_prints_the_correlation(work_dir, tmp_path):
    out = subprocess.run(
        [sys.executable, TOOL, work_dir, '--out-csv',
         str(tmp_path / 'r.csv')], capture_output=True, text=True,
        check=True).stdout
    assert '| PartKD | 1 | 70.0 |' in out
    assert 'over 3 jobs: -1.00' in out  # corr((50, 70, 80), (1, .5, .2))
    assert (tmp_path / 'r.csv').read_text().count('\n') == 4
    bad = subprocess.run([sys.executable, TOOL, work_dir, '--loss', 'x'],
                         capture_output=True, text=True)
    assert bad.returncode and 'not logged' in bad.stderr
