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
            train_options={}, checkpoint=str(ckpt),
            metrics={'acc/top1': 0.25}),
        # an older record: no train_options, so an unknown schedule
        'old_seed0': dict(config='s.py', seed=0, row='old', cfg_options={},
                          checkpoint=str(ckpt), metrics={'acc/top1': 0.1}),
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
                exp.run([job])
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
    # results.json keeps the record this run did not list
    exp.write_results()
    written = json.loads((work / 'results.json').read_text())['jobs']
    assert list(written) == ['old_seed0', 'teacher', 'student_seed0']
    assert written['old_seed0'] == records['old_seed0']
    assert run([Job('old_seed0', 's.py', row='old')])[1] == \
        ['train_old_seed0']
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


def test_parallel_workers_keep_dependencies_and_order(tmp_path):
    """workers=2: students start after their teacher, at most two jobs run
    at once, the table keeps the jobs' order whatever order they finish
    in, and a failed job stops the experiment with its error."""
    import threading
    import time

    from mmpartkd.apis.experiment import JobFailed
    for config in ('t.py', 's.py'):
        (tmp_path / config).write_text("model = dict(type='Recognizer')\n")
    exp = Experiment(str(tmp_path / 'exp'), root=str(tmp_path))
    lock, running, events = threading.Lock(), [0], []
    # the later a student, the faster it trains: they finish out of order
    seconds = {'teacher': 0.1, 's0': 1.0, 's1': 0.2, 's2': 0.05, 's3': 0.01}

    def train(name, config, seed, options):
        with lock:
            running[0] += 1
            events.append(('start', name, running[0]))
        if name == 'bad':
            raise JobFailed('bad job failed')
        time.sleep(seconds[name])
        with lock:
            running[0] -= 1
            events.append(('end', name))
        return f'{name}.pth'

    exp.train = train
    exp.test = lambda name, config, ckpt, options: {
        'acc/top1': int(ckpt[1]) / 10 if ckpt[0] == 's' else 0.9}
    teacher_ckpt = {'model.teacher_ckpt': CheckpointOf('teacher')}
    jobs = [Job('teacher', 't.py', row='teacher'),
            Job('teacher_lq', 't.py', train=False,
                checkpoint=CheckpointOf('teacher'), row='teacher lq')]
    jobs += [Job(f's{i}', 's.py', cfg_options=teacher_ckpt, row='student')
             for i in range(4)]
    rows = exp.run(jobs, workers=2)
    assert rows == {'teacher': [90.0], 'teacher lq': [90.0],
                    'student': [0.0, 10.0, 20.0, 30.0]}  # job order
    ends = [e[1] for e in events if e[0] == 'end']
    assert ends[0] == 'teacher' and ends[1:] != ['s0', 's1', 's2', 's3']
    assert max(e[2] for e in events if e[0] == 'start') <= 2
    saved = json.load(open(osp.join(exp.work_dir, 'results.json')))
    assert saved['rows']['student'] == [0.0, 10.0, 20.0, 30.0]
    # a failing job: its error comes out of run()
    seconds['bad'] = 0
    with pytest.raises(JobFailed, match='bad job failed'):
        exp.run([Job('bad', 's.py')], workers=2)
    with pytest.raises(ValueError, match='unique'):
        exp.run([Job('s0', 's.py')], workers=2)


def test_parallel_workers_load_real_configs(repo_root):
    """Jobs started at once load their (mmaction:: inheriting) configs one
    at a time: mmengine's Config loading fails when two threads load at
    once ('Expected str, Requirement, or Distribution')."""
    import tempfile
    config = ('configs/baselines/'
              'stgcn-q_1xb32-joint-lq-u32-30e_synthetic-xsub-keypoint-3d.py')
    with tempfile.TemporaryDirectory() as work:
        exp = Experiment(work, root=repo_root)
        exp.train = lambda name, *args: f'{name}.pth'
        exp.test = lambda *args: {'acc/top1': 0.5}
        rows = exp.run([Job(f's{i}', config, i, row='student')
                        for i in range(8)], workers=4)
    assert rows == {'student': [50.0] * 8}
