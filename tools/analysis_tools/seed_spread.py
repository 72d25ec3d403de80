"""Why do seeds of one method end apart? Final training losses against
test accuracy, per job of an experiment.

    python tools/analysis_tools/seed_spread.py WORK_DIR [--loss loss_cls] \
        [--rows ROW ...] [--out-csv F.csv] [--plot F.png]

``WORK_DIR`` is the work dir of an experiment (``tools/demo.py``,
``tools/benchmarks/*.py``): its ``results.json`` lists every job with its
test top-1, and each training job's mmengine log
(``<job>/<timestamp>/vis_data/scalars.json``) holds its training losses. For
every trained and tested job this prints the mean of each ``loss*`` over
the last training epoch next to the job's top-1, per row (method), and the
Pearson correlation of top-1 with the last-epoch ``--loss`` over all of
them (the teacher job is left out: it is tested on clean data). A strong
negative correlation says the spread comes from how far each
run fitted its training data (under-fitting), not from over-fitting.
"""
import argparse
import csv
import glob
import json
import os.path as osp
import sys
from typing import Dict, List, Optional

import numpy as np


def last_epoch_losses(job_dir: str) -> Optional[Dict[str, float]]:
    """Mean of each ``loss*`` scalar over the last training epoch of the
    newest training run in ``job_dir`` (None if it has none)."""
    for path in sorted(glob.glob(osp.join(job_dir, '*', 'vis_data',
                                          'scalars.json')), reverse=True):
        with open(path) as f:
            train = [r for r in map(json.loads, f) if 'loss' in r]
        if not train:
            continue  # a test run
        last = max(r['epoch'] for r in train)
        rows = [r for r in train if r['epoch'] == last]
        keys = sorted({k for r in rows for k in r if k.startswith('loss')})
        out = {k: float(np.mean([r[k] for r in rows if k in r]))
               for k in keys}
        out['epoch'] = last
        return out
    return None


def collect(work_dir: str, rows: Optional[List[str]] = None) -> List[dict]:
    """One record per trained and tested job: row, job, seed, top-1 and
    its last-epoch training losses."""
    results = osp.join(work_dir, 'results.json')
    if not osp.isfile(results):
        raise FileNotFoundError(f'{results} not found: WORK_DIR must be the '
                                'work dir of an experiment')
    with open(results) as f:
        jobs = json.load(f)['jobs']
    records = []
    for name, job in jobs.items():
        # the teacher (``teacher_jobs``) is tested on clean data
        if name == 'teacher' or 'metrics' not in job or \
                job.get('row') is None or (rows and job['row'] not in rows):
            continue
        losses = last_epoch_losses(osp.join(work_dir, name))
        if losses is None:
            continue  # a test-only job
        records.append(dict(row=job['row'], job=name, seed=job['seed'],
                            top1=100 * job['metrics']['acc/top1'],
                            **losses))
    return records


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('work_dir')
    parser.add_argument('--loss', default='loss_cls',
                        help='the loss to correlate with top-1')
    parser.add_argument('--rows', nargs='+', help='only these rows')
    parser.add_argument('--out-csv')
    parser.add_argument('--plot', help='scatter plot of top-1 vs --loss')
    args = parser.parse_args()
    records = collect(args.work_dir, args.rows)
    if not records:
        sys.exit(f'no trained and tested job in {args.work_dir}')
    keys = sorted({k for r in records for k in r if k.startswith('loss')})
    if args.loss not in keys:
        sys.exit(f'--loss {args.loss} not logged; logged: {keys}')
    print('| row | seed | top-1 | ' + ' | '.join(keys) + ' |')
    print('|---|---|---|' + '---|' * len(keys))
    for r in records:
        cells = ' | '.join(f'{r[k]:.3f}' if k in r else '' for k in keys)
        print(f'| {r["row"]} | {r["seed"]} | {r["top1"]:.1f} | {cells} |')
    top1 = np.array([r['top1'] for r in records])
    loss = np.array([r[args.loss] for r in records])
    if len(records) > 2 and loss.std() > 0 and top1.std() > 0:
        corr = np.corrcoef(top1, loss)[0, 1]
        print(f'\nPearson correlation of top-1 with the last-epoch '
              f'{args.loss} over {len(records)} jobs: {corr:.2f}')
    if args.out_csv:
        with open(args.out_csv, 'w', newline='') as f:
            writer = csv.DictWriter(f, ['row', 'job', 'seed', 'top1', 'epoch']
                                    + keys)
            writer.writeheader()
            writer.writerows(records)
    if args.plot:
        import matplotlib
        matplotlib.use('Agg')
        import matplotlib.pyplot as plt
        fig, ax = plt.subplots(figsize=(6, 4.5))
        for row in dict.fromkeys(r['row'] for r in records):
            mine = [r for r in records if r['row'] == row]
            ax.scatter([r[args.loss] for r in mine],
                       [r['top1'] for r in mine], label=row)
        ax.set_xlabel(f'{args.loss}, mean over the last training epoch')
        ax.set_ylabel('top-1 (%)')
        ax.legend(fontsize=7)
        fig.tight_layout()
        fig.savefig(args.plot, dpi=120)
        print(f'plot: {args.plot}')


if __name__ == '__main__':
    main()
