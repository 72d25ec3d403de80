"""The mmpartkd demo: PartKD on the embedded synthetic low-quality task.

    python tools/demo.py --work-dir work_dirs/demo      # make demo (15 epochs)
    python tools/demo.py --seeds 0 1 2 --methods all --epochs 30 \
        --work-dir work_dirs/synthetic_table

Generates the synthetic data, trains the teacher on clean skeletons, computes
the action-specific part matrix, trains the students on low-quality
skeletons (baseline, logit KD, PartKD, ...), tests every model with the real
``tools/test.py`` on the low-quality validation split (last checkpoint, not
the best), and writes a table (``results.md``/``results.json``) plus the part
matrix heatmap into the work dir. Every step is a real ``tools/*.py`` run
whose log is kept under ``WORK_DIR/logs``.
"""
import argparse
import json
import os
import os.path as osp
import re
import shutil
import subprocess
import sys
import time
from typing import Optional

import numpy as np

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
DATA = 'data/synthetic/synthetic_3d.pkl'
BASE = 'joint-u32-30e_synthetic-xsub-keypoint-3d.py'
LQ = 'joint-lq-u32-30e_synthetic-xsub-keypoint-3d.py'
TEACHER_CFG = f'configs/baselines/stgcn_1xb32-{BASE}'
BASELINE_CFG = f'configs/baselines/stgcn_1xb32-{LQ}'
# name -> (config, description)
STUDENTS = {
    'baseline': (BASELINE_CFG, 'student on low-quality data alone'),
    'logitkd': (f'configs/partkd/logitkd_stgcn_1xb32-{LQ}', 'logit KD'),
    'logitkd-w025': (f'configs/partkd/logitkd-w025_stgcn_1xb32-{LQ}',
                     'logit KD, weight 0.25'),
    'featkd': (f'configs/partkd/featkd_stgcn_1xb32-{LQ}',
               'feature KD (SKD-style)'),
    'partkd': (f'configs/partkd/partkd_stgcn_1xb32-{LQ}', 'PartKD'),
    'partkd-uniform': (f'configs/partkd/partkd-uniform_stgcn_1xb32-{LQ}',
                       'PartKD without the part matrix'),
    'partkd-learned': (f'configs/partkd/partkd-learned_stgcn_1xb32-{LQ}',
                       'PartKD with a learned part matrix'),
    'partkd-paired': (f'configs/partkd/partkd-paired_stgcn_1xb32-{LQ}',
                      'PartKD, paired positives only'),
    'partkd-pr50': (f'configs/partkd/partkd-pr50_stgcn_1xb32-{LQ}',
                    'PartKD, 50 % of samples paired'),
    'partkd-pr10': (f'configs/partkd/partkd-pr10_stgcn_1xb32-{LQ}',
                    'PartKD, 10 % of samples paired'),
}
DEFAULT_METHODS = ['baseline', 'logitkd', 'partkd']


def parse_args(description=__doc__, work_dir='work_dirs/demo', seeds=(0, ),
               methods=DEFAULT_METHODS, epochs=None):
    parser = argparse.ArgumentParser(description=description.split('\n')[0])
    parser.add_argument('--work-dir', default=work_dir)
    parser.add_argument('--seeds', type=int, nargs='+', default=list(seeds))
    parser.add_argument(
        '--methods', nargs='+', default=list(methods),
        help=f'students to train, or "all": {list(STUDENTS)}')
    parser.add_argument('--epochs', type=int, default=epochs,
                        help='override max_epochs of every config')
    parser.add_argument('--protocols', nargs='+',
                        help='low-quality protocols to run (default: all)')
    parser.add_argument('--teacher-seed', type=int, default=0)
    return parser.parse_args()


class Demo:
    """Teacher once, part matrix once, then students per protocol.

    Subclasses (``tools/benchmarks/penn_action.py``) change the class
    attributes: data command, teacher config, and for each protocol the
    config that tests the teacher on low-quality data and the students.
    """
    data_file = DATA
    data_cmd = ['tools/data/generate_synthetic.py', '--out', DATA]
    teacher_cfg = TEACHER_CFG
    protocols = {'': (BASELINE_CFG, STUDENTS)}
    title = ('Synthetic low-quality task (60 % joint drop, jitter 0.05, one '
             'limb occluded in half the samples)')

    def __init__(self, args):
        self.args = args
        self.work_dir = args.work_dir
        self.logs = osp.join(self.work_dir, 'logs')
        os.makedirs(self.logs, exist_ok=True)
        self.start = time.time()
        self.measured = set()  # part matrices of this run's teacher

    def say(self, msg: str) -> None:
        print(f'[{time.time() - self.start:6.0f}s] {msg}', flush=True)

    def run(self, name: str, cmd: list) -> str:
        """Run a tool, log its output, fail loudly with the log's tail."""
        log = osp.join(self.logs, f'{name}.log')
        t = time.time()
        with open(log, 'w') as f:
            proc = subprocess.run([sys.executable] + cmd, cwd=ROOT, stdout=f,
                                  stderr=subprocess.STDOUT)
        with open(log) as f:
            out = f.read()
        if proc.returncode:
            sys.exit(f'{" ".join(cmd)} failed ({log}):\n{out[-3000:]}')
        self.say(f'{name} done in {time.time() - t:.0f}s')
        return out

    def cfg_options(self, extra=()) -> list:
        opts = list(extra)
        if self.args.epochs:
            e = self.args.epochs
            opts += [f'train_cfg.max_epochs={e}',
                     f'param_scheduler.0.T_max={e}']
        return ['--cfg-options'] + opts if opts else []

    def train(self, name: str, config: str, seed: int, extra=()) -> str:
        work = osp.join(self.work_dir, name)
        self.run(f'train_{name}',
                 ['tools/train.py', config, '--work-dir', work, '--seed',
                  str(seed)] + self.cfg_options(extra))
        with open(osp.join(work, 'last_checkpoint')) as f:
            return f.read().strip()

    def test(self, name: str, config: str, ckpt: str, extra=()) -> float:
        out = self.run(f'test_{name}', ['tools/test.py', config, ckpt,
                                        '--work-dir',
                                        osp.join(self.work_dir, name)] +
                       (['--cfg-options'] + list(extra) if extra else []))
        found = re.findall(r'acc/top1: ([0-9.]+)', out)
        if not found:
            sys.exit(f'no acc/top1 in the output of testing {name}')
        return float(found[-1])

    def main(self):
        args = self.args
        students = next(iter(self.protocols.values()))[1]
        methods = list(students) if args.methods == ['all'] else args.methods
        unknown = set(methods) - set(students)
        if unknown:
            sys.exit(f'unknown methods {sorted(unknown)}; '
                     f'known: {list(students)}')
        if not osp.isfile(osp.join(ROOT, self.data_file)):
            self.run('generate_data', self.data_cmd)
        results = {}
        self.say('teacher: ST-GCN on clean skeletons')
        teacher = self.train('teacher', self.teacher_cfg, args.teacher_seed)
        results['teacher (clean val)'] = [
            self.test('teacher_clean', self.teacher_cfg, teacher)]
        self.teacher_ckpt = teacher
        self.part_matrix()
        shutil.copy(osp.join(self.work_dir, 'part_matrix', 'part_matrix.png'),
                    osp.join(self.work_dir, 'part_matrix.png'))
        kd_opts = [f'model.teacher_ckpt={teacher}']
        for protocol, (lq_cfg, students) in self.protocols.items():
            if args.protocols and protocol not in args.protocols:
                continue
            tag = f'{protocol}: ' if protocol else ''
            pre = f'{protocol}_' if protocol else ''
            # the students' architecture: test the teacher on their data
            results[f'{tag}teacher (low-quality val)'] = [
                self.test(f'{pre}teacher_lq', lq_cfg, teacher)]
            for method in methods:
                # (config, description[, extra --cfg-options])
                config, desc, *variant = students[method]
                variant = [o.format(teacher=teacher)
                           for o in (variant[0] if variant else ())]
                extra = [] if config == lq_cfg else list(kd_opts)
                if method.startswith('partkd') and method not in (
                        'partkd-uniform', 'partkd-learned'):
                    block = [o.split('=')[1] for o in variant
                             if o.startswith('model.part_block=')]
                    matrix = self.part_matrix(*block)
                    extra.append(f'model.part_head.part_matrix={matrix}')
                extra += variant
                for seed in args.seeds:
                    self.say(f'{tag}{method} ({desc}), seed {seed}')
                    name = f'{pre}{method}_seed{seed}'
                    ckpt = self.train(name, config, seed, extra)
                    acc = self.test(name, config, ckpt, extra)
                    results.setdefault(f'{tag}{desc}', []).append(acc)
                    if method == 'partkd' and seed == args.seeds[0]:
                        self.check_export(config, lq_cfg, ckpt, acc, pre)
        self.report(results, methods)

    def part_matrix(self, part_block: Optional[str] = None) -> str:
        """The teacher's part matrix, measured on the backbone output or on
        the block the parts are pooled from (computed once each)."""
        name = 'part_matrix' + (f'_block{part_block}' if part_block else '')
        matrix = osp.join(self.work_dir, name, 'part_matrix.npy')
        if name not in self.measured:
            self.measured.add(name)
            self.run(name, ['tools/compute_part_matrix.py', self.teacher_cfg,
                            self.teacher_ckpt, '--out', matrix] +
                     (['--part-block', part_block] if part_block else []))
        return matrix

    def check_export(self, config: str, student_cfg: str, ckpt: str,
                     acc: float, prefix: str = '') -> None:
        """The exported student alone scores what the distiller scored."""
        out = osp.join(self.work_dir, f'{prefix}partkd_student.pth')
        self.run(f'{prefix}export_student', ['tools/export_student.py',
                                             config, ckpt, '--out', out])
        plain = self.test(f'{prefix}partkd_exported', student_cfg, out)
        if abs(plain - acc) > 1e-9:
            sys.exit(f'exported student scores {plain}, distiller {acc}')
        self.say(f'exported student: {out} (same top-1 {plain:.4f} with the '
                 'plain student config)')

    def report(self, results: dict, methods: list) -> None:
        args = self.args
        rows = ['| model | top-1 (%) | runs |', '|---|---|---|']
        for name, accs in results.items():
            accs = 100 * np.asarray(accs)
            std = f' ± {accs.std(ddof=1):.1f}' if len(accs) > 1 else ''
            rows.append(f'| {name} | {accs.mean():.1f}{std} | '
                        f'{", ".join(f"{a:.1f}" for a in accs)} |')
        cmd = ' '.join(['python', sys.argv[0].replace(ROOT + '/', '')] +
                       sys.argv[1:])
        table = '\n'.join(rows)
        text = (f'{self.title}, top-1 on the low-quality validation split at '
                f'the last epoch; students seeds {args.seeds}, teacher seed '
                f'{args.teacher_seed}.\n\n'
                f'{table}\n\nCommand: `{cmd}` '
                f'({time.time() - self.start:.0f}s)\n')
        with open(osp.join(self.work_dir, 'results.md'), 'w') as f:
            f.write(text)
        with open(osp.join(self.work_dir, 'results.json'), 'w') as f:
            json.dump(dict(results=results, seeds=args.seeds,
                           methods=methods, command=cmd), f, indent=1)
        print('\n' + text)
        print(f'written: {self.work_dir}/results.md, results.json, '
              'part_matrix.png')


if __name__ == '__main__':
    # 15 epochs instead of the configs' 30 keep `make demo` under 10 minutes
    # on 2 CPU cores; pass --epochs 30 for the configs' schedule.
    Demo(parse_args(epochs=15)).main()
