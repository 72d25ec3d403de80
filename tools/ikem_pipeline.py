"""IKEM on the synthetic data, end to end, with the real training tools.

    python tools/ikem_pipeline.py [--work-dir work_dirs/ikem_demo]

Runs, each as ``python tools/train.py`` / ``python tools/test.py``:

1. six-modality IKEM teacher pretraining (MoCo, then cross-modal + IKEM);
2. relational cross-modality KD into a joint/motion/bone student;
3. the same student trained with MoCo alone (the baseline);
4. linear evaluation (frozen encoders, fc trained) of the teacher (6
   modalities), the KD student and the MoCo-only student (3 modalities),
   and of randomly initialised encoders as a floor; each tested on its
   LAST checkpoint with ``tools/test.py``;

then prints the table of linear-evaluation top-1 (xsub_val).
"""
import argparse
import os
import os.path as osp
import re
import subprocess
import sys
import time
from typing import Dict, List, Optional

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
CFG = osp.join(ROOT, 'configs', 'ikem')
PRETRAIN = 'ikem-pretrain_stgcn-tiny_1xb32-4e_synthetic-xsub-3d.py'
RELCMKD = 'relcmkd_stgcn-tiny_1xb32-4e_synthetic-xsub-3d.py'
MOCO3S = 'moco3s_stgcn-tiny_1xb32-4e_synthetic-xsub-3d.py'
LINEAR6 = 'linear-eval-6m_stgcn-tiny_1xb32-6e_synthetic-xsub-3d.py'
LINEAR3 = 'linear-eval-3m_stgcn-tiny_1xb32-6e_synthetic-xsub-3d.py'


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--work-dir', default='work_dirs/ikem_demo')
    parser.add_argument('--ann-file', default='data/synthetic/synthetic_3d.pkl')
    parser.add_argument('--ssl-epochs', type=int, default=None,
                        help='override the SSL epochs (teacher, KD, MoCo)')
    parser.add_argument('--cross-epoch', type=int, default=None,
                        help='override the teacher\'s last independent epoch')
    parser.add_argument('--linear-epochs', type=int, default=None)
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--skip-random', action='store_true',
                        help='skip the random-encoder reference row')
    parser.add_argument(
        '--cfg-options', nargs='+', default=[],
        help='extra key=value overrides applied to every stage')
    return parser.parse_args()


def run(cmd: List[str], log: str) -> str:
    """Run a command, tee its output to ``log``, return the output."""
    print('$', ' '.join(cmd), flush=True)
    start = time.time()
    with open(log, 'w') as f:
        proc = subprocess.run(
            cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            text=True)
        f.write(proc.stdout)
    if proc.returncode != 0:
        sys.stdout.write(proc.stdout[-4000:])
        raise SystemExit(f'command failed ({proc.returncode}), log: {log}')
    print(f'  done in {time.time() - start:.0f}s (log {log})', flush=True)
    return proc.stdout


def last_checkpoint(work_dir: str) -> str:
    with open(osp.join(work_dir, 'last_checkpoint')) as f:
        return f.read().strip()


def train(config: str, work_dir: str, options: List[str], seed: int) -> str:
    os.makedirs(work_dir, exist_ok=True)
    cmd = [sys.executable, 'tools/train.py', osp.join(CFG, config),
           '--work-dir', work_dir, '--seed', str(seed)]
    if options:
        cmd += ['--cfg-options'] + options
    run(cmd, osp.join(work_dir, 'train.log'))
    return last_checkpoint(work_dir)


def test(config: str, checkpoint: str, work_dir: str,
         options: List[str]) -> float:
    cmd = [sys.executable, 'tools/test.py', osp.join(CFG, config),
           checkpoint, '--work-dir', work_dir]
    if options:
        cmd += ['--cfg-options'] + options
    out = run(cmd, osp.join(work_dir, 'test.log'))
    found = re.findall(r'acc/top1: ([0-9.]+)', out)
    if not found:
        raise SystemExit(f'no acc/top1 in {work_dir}/test.log')
    return 100 * float(found[-1])


def linear_eval(config: str, pretrained: Optional[str], work_dir: str,
                options: List[str], seed: int) -> float:
    opts = list(options)
    if pretrained:
        opts.append(f'model.pretrained={pretrained}')
    ckpt = train(config, work_dir, opts, seed)  # the LAST epoch
    return test(config, ckpt, work_dir, options)


def main():
    args = parse_args()
    os.chdir(ROOT)
    wd = args.work_dir
    os.makedirs(wd, exist_ok=True)
    if not osp.isfile(args.ann_file):
        run([sys.executable, 'tools/data/generate_synthetic.py', '--out',
             args.ann_file], osp.join(wd, 'generate.log'))
    data = [f'train_dataloader.dataset.ann_file={args.ann_file}']
    common = data + list(args.cfg_options)
    ssl = list(common)
    if args.ssl_epochs is not None:
        ssl += [f'train_cfg.max_epochs={args.ssl_epochs}',
                f'default_hooks.checkpoint.interval={args.ssl_epochs}']
    lin = common + [f'val_dataloader.dataset.ann_file={args.ann_file}',
                    f'test_dataloader.dataset.ann_file={args.ann_file}']
    if args.linear_epochs is not None:
        e = args.linear_epochs
        lin += [f'train_cfg.max_epochs={e}', f'train_cfg.val_begin={e}',
                f'default_hooks.checkpoint.interval={e}']
    teacher_opts = list(ssl)
    if args.cross_epoch is not None:
        teacher_opts.append(f'custom_hooks.0.cross_epoch={args.cross_epoch}')

    start = time.time()
    teacher = train(PRETRAIN, osp.join(wd, 'teacher'), teacher_opts,
                    args.seed)
    student = train(RELCMKD, osp.join(wd, 'relcmkd'),
                    ssl + [f'model.teacher_ckpt={teacher}'], args.seed)
    moco = train(MOCO3S, osp.join(wd, 'moco3s'), ssl, args.seed)
    rows: Dict[str, float] = {}
    rows['IKEM teacher (6 modalities)'] = linear_eval(
        LINEAR6, teacher, osp.join(wd, 'linear_teacher'), lin, args.seed)
    rows['Relational-KD student (joint+motion+bone)'] = linear_eval(
        LINEAR3, student, osp.join(wd, 'linear_relcmkd'), lin, args.seed)
    rows['MoCo-only student (joint+motion+bone)'] = linear_eval(
        LINEAR3, moco, osp.join(wd, 'linear_moco3s'), lin, args.seed)
    if not args.skip_random:
        rows['Random encoders, no pretraining (joint+motion+bone)'] = \
            linear_eval(LINEAR3, None, osp.join(wd, 'linear_random'), lin,
                        args.seed)

    width = max(len(k) for k in rows)
    lines = [
        '', 'IKEM on synthetic data: linear evaluation, top-1 (%) on '
        'xsub_val, last epoch', f'| {"model".ljust(width)} | top-1 |',
        f'|{"-" * (width + 2)}|-------|'
    ]
    lines += [f'| {k.ljust(width)} | {v:5.1f} |' for k, v in rows.items()]
    lines.append(f'total time {time.time() - start:.0f}s, work dir {wd}')
    table = '\n'.join(lines)
    print(table)
    with open(osp.join(wd, 'results.md'), 'w') as f:
        f.write(table + '\n')


if __name__ == '__main__':
    main()
