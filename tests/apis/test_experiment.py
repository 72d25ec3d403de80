"""The experiment runner drives the real tools: a teacher is trained, its
part matrix is measured because the PartKD config reads a matrix file, the
student learns from that teacher, and the metrics come from mmengine's JSON
output into results.json / results.md."""
import json
import os.path as osp

import numpy as np
import pytest

from mmpartkd.apis.experiment import (CheckpointOf, Experiment, Job,
                                      Method, paired_variants,
                                      part_matrix_source, student_jobs)

LOADER = """
train_dataloader = dict(batch_size=8, num_workers=0, persistent_workers=False,
                        dataset=dict(ann_file='{ann}'))
val_dataloader = dict(batch_size=8, num_workers=0, persistent_workers=False,
                      dataset=dict(ann_file='{ann}'))
test_dataloader = val_dataloader
train_cfg = dict(max_epochs=1, val_interval=1)
default_hooks = dict(logger=dict(interval=1))
"""


@pytest.fixture
def configs(tmp_path, partkd_config, synthetic_ann_file):
    """A trainable tiny teacher config and a tiny PartKD config that reads
    its part matrix from a file the experiment must measure."""
    partkd = partkd_config(
        "\nmodel.update(teacher='{teacher}')\n"
        "model['part_head']['part_matrix'] = 'missing/part_matrix.npy'\n"
        .format(teacher=tmp_path / 'teacher_train.py'))
    teacher = tmp_path / 'teacher_train.py'
    teacher.write_text("_base_ = './teacher.py'\n" +
                       LOADER.format(ann=synthetic_ann_file))
    return str(teacher), partkd


def test_part_matrix_source(configs):
    teacher, partkd = configs
    assert part_matrix_source(teacher, {}) is None  # no distiller
    source = part_matrix_source(partkd, {'model.teacher_ckpt': 'a.pth'})
    assert source == (teacher, 'a.pth', None)
    assert part_matrix_source(
        partkd, {'model.part_head.part_matrix': 'uniform'}) is None
    assert part_matrix_source(
        partkd, {'model.part_block': 1})[2] == 1


def test_experiment_runs_real_tools(tmp_path, configs, repo_root):
    teacher, partkd = configs
    exp = Experiment(str(tmp_path / 'exp'), 'tiny experiment',
                     root=repo_root)
    jobs = [
        Job('teacher', teacher, row='teacher'),
        Job('teacher_again', teacher, train=False,
            checkpoint=CheckpointOf('teacher'), row='teacher, tested again'),
    ] + student_jobs({'partkd': Method(partkd, 'PartKD')}, ['partkd'],
                     [0, 1], {'train_cfg.max_epochs': 1})
    rows = exp.run(jobs)

    record = json.load(open(osp.join(exp.work_dir, 'results.json')))
    teacher_ckpt = record['jobs']['teacher']['checkpoint']
    assert osp.isfile(teacher_ckpt) and teacher_ckpt.endswith('epoch_1.pth')
    # the test-only job tested the teacher's checkpoint: same metrics
    assert record['jobs']['teacher_again']['checkpoint'] == teacher_ckpt
    assert rows['teacher'] == rows['teacher, tested again']
    # metrics read from mmengine's JSON, in percent
    top1 = record['jobs']['partkd_seed1']['metrics']['acc/top1']
    assert rows['PartKD'][1] == pytest.approx(100 * top1)
    assert len(rows['PartKD']) == 2 and 0 <= top1 <= 1
    # the matrix was measured once from the student's own teacher
    matrix = osp.join(exp.work_dir, 'part_matrix', 'part_matrix.npy')
    for seed in (0, 1):
        options = record['jobs'][f'partkd_seed{seed}']['cfg_options']
        assert options['model.part_head.part_matrix'] == matrix
        assert options['model.teacher_ckpt'] == teacher_ckpt
    assert np.load(matrix).shape == (10, 6)
    assert len(exp.part_matrices) == 1
    table = open(osp.join(exp.work_dir, 'results.md')).read()
    assert '| PartKD |' in table and 'tiny experiment' in table


def test_job_errors(tmp_path):
    with pytest.raises(ValueError, match='names a checkpoint'):
        Job('a', 'x.py', train=False)
    exp = Experiment(str(tmp_path))
    with pytest.raises(KeyError, match='no checkpoint of job "teacher"'):
        exp.resolve(CheckpointOf('teacher'))


def test_teacher_jobs_and_kd_methods(repo_root):
    from mmpartkd.apis.experiment import kd_methods, teacher_jobs
    jobs = teacher_jobs('t.py', 3, {'train_cfg.max_epochs': 2},
                        {'': 'lq.py', 'harsh': 'harsh.py'})
    assert [(j.name, j.train, j.row) for j in jobs] == [
        ('teacher', True, 'teacher (clean val)'),
        ('teacher_lq', False, 'teacher (low-quality val)'),
        ('harsh_teacher_lq', False, 'harsh: teacher (low-quality val)')]
    assert jobs[0].seed == 3 and jobs[1].checkpoint == CheckpointOf('teacher')
    methods = kd_methods('x.py', {'partkd-uniform': 'no matrix'})
    assert methods['baseline'] == Method('configs/baselines/x.py',
                                         'student on low-quality data alone',
                                         distill=False)
    assert methods['partkd-uniform'].config == \
        'configs/partkd/partkd-uniform_x.py'
    assert list(methods) == ['baseline', 'logitkd', 'featkd', 'partkd',
                             'partkd-uniform']


def test_paired_variants():
    methods = {'partkd': Method('p.py', 'PartKD', {'model.x': 1})}
    variants = paired_variants(methods, ['partkd'], 0.1)
    assert list(variants) == ['partkd-pr10']
    m = variants['partkd-pr10']
    assert m.config == 'p.py' and m.distill
    assert m.cfg_options == {'model.x': 1, 'model.paired_ratio': 0.1}
    assert m.description == 'PartKD, 10 % of the samples paired'
    assert methods['partkd'].cfg_options == {'model.x': 1}  # not mutated


def test_reuse_previous_records(tmp_path):
    """--reuse takes a job from results.json only when its config, seed and
    (resolved) options are unchanged and its checkpoint exists; any other
    job runs its tool."""
    work = tmp_path / 'exp'
    ckpt = tmp_path / 'teacher.pth'
    ckpt.write_text('')
    for config in ('t.py', 's.py'):  # no part head: no matrix to measure
        (tmp_path / config).write_text("model = dict(type='Recognizer')\n")
    matrix = tmp_path / 'm.npy'
    np.save(matrix, np.ones((2, 6)))
    records = {
        'teacher': dict(config='t.py', seed=0, row='teacher', cfg_options={},
                        train_options={'train_cfg.max_epochs': 2},
                        checkpoint=str(ckpt),
                        metrics={'acc/top1': 0.5}),
        'student_seed0': dict(
            config='s.py', seed=0, row='student',
            cfg_options={'model.teacher_ckpt': str(ckpt),
                         'model.part_head.part_matrix': 'uniform'},
            checkpoint=str(ckpt), metrics={'acc/top1': 0.25}),
    }
    work.mkdir()
    (work / 'results.json').write_text(json.dumps({'jobs': records}))

    class ToolRan(Exception):
        pass

    def run(jobs, reuse=True):
        exp = Experiment(str(work), reuse=reuse, root=str(tmp_path))
        ran = []

        def tool(name, *args):
            ran.append(name)
            raise ToolRan

        exp.tool = tool
        for job in jobs:
            try:
                exp.run_job(job)
            except ToolRan:
                pass
        return exp, ran

    teacher = Job('teacher', 't.py', train_options={
        'train_cfg.max_epochs': 2}, row='teacher')
    student = Job('student_seed0', 's.py', cfg_options={
        'model.teacher_ckpt': CheckpointOf('teacher'),
        'model.part_head.part_matrix': 'uniform'}, row='student')
    exp, ran = run([teacher, student])
    assert ran == []
    assert exp.rows == {'teacher': [50.0], 'student': [25.0]}
    assert exp.checkpoints['teacher'] == str(ckpt)
    # other epochs, another seed, other options, no reuse: the tool runs
    for job in (Job('teacher', 't.py', train_options={
                    'train_cfg.max_epochs': 3}),
                Job('teacher', 't.py', seed=1,
                    train_options={'train_cfg.max_epochs': 2})):
        assert run([job])[1] == ['train_teacher']
    changed = Job('student_seed0', 's.py', cfg_options={
        'model.teacher_ckpt': str(ckpt),
        'model.part_head.part_matrix': str(matrix)})
    assert run([changed])[1] == ['train_student_seed0']
    assert run([teacher], reuse=False)[1] == ['train_teacher']
    ckpt.unlink()
    assert run([teacher])[1] == ['train_teacher']
