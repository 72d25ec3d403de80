"""Plot of the robustness benchmark (``tools/robustness.py``,
docs/robustness.md): accuracy vs corruption severity, one panel per
corruption family, one line (bars for parts) per model."""
import io
from typing import Dict, Optional, Sequence

import numpy as np

from mmpartkd.evaluation.corruption_grid import FAMILIES
from mmpartkd.utils import atomic_write

__all__ = ['plot_robustness']


def plot_robustness(rows: Sequence[Dict], path: str, metric: str = 'top1',
                    title: Optional[str] = None) -> None:
    """One panel per corruption family, one line (bars for parts) per
    model: ``metric`` (an accuracy in [0, 1], shown in %) vs severity."""
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt

    families = list(dict.fromkeys(r['corruption'] for r in rows))
    models = list(dict.fromkeys(r['model'] for r in rows))
    if not families:
        raise ValueError('no rows to plot')
    if any(metric not in r for r in rows):
        raise ValueError(f'metric "{metric}" missing from some rows')
    ncols = min(3, len(families))
    nrows = (len(families) + ncols - 1) // ncols
    fig, axes = plt.subplots(nrows, ncols, figsize=(5 * ncols, 3.8 * nrows),
                             squeeze=False)
    colors = plt.rcParams['axes.prop_cycle'].by_key()['color']
    for ax, family in zip(axes.ravel(), families):
        sub = [r for r in rows if r['corruption'] == family]
        if family == 'part_occlusion':
            labels = list(dict.fromkeys(r['label'] for r in sub))
            x = np.arange(len(labels))
            width = 0.8 / len(models)
            for m, model in enumerate(models):
                acc = {r['label']: r[metric] for r in sub
                       if r['model'] == model}
                ax.bar(x + (m - (len(models) - 1) / 2) * width,
                       [100 * acc.get(lab, np.nan) for lab in labels],
                       width, label=model, color=colors[m % len(colors)])
            ax.set_xticks(x)
            ax.set_xticklabels(labels, rotation=30, ha='right')
        else:
            for m, model in enumerate(models):
                # the clean row (severity 0) of frame_rate is factor 1
                pts = sorted((float(r['severity']) or
                              (1.0 if family == 'frame_rate' else 0.0),
                              r[metric]) for r in sub if r['model'] == model)
                ax.plot([p[0] for p in pts], [100 * p[1] for p in pts],
                        marker='o', label=model,
                        color=colors[m % len(colors)])
        ax.set_title(family.replace('_', ' '))
        ax.set_xlabel(FAMILIES.get(family, (family, ))[0])
        ax.set_ylabel(f'{metric} accuracy (%)')
        ax.set_ylim(0, 100)
        ax.grid(alpha=0.3)
    for ax in axes.ravel()[len(families):]:
        ax.axis('off')
    handles, labels = axes.ravel()[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc='lower center', ncol=min(len(models), 4),
               frameon=False)
    if title:
        fig.suptitle(title)
    fig.tight_layout(rect=(0, 0.06, 1, 1))
    buf = io.BytesIO()
    fig.savefig(buf, format='png', dpi=110)
    plt.close(fig)
    with atomic_write(path, 'wb') as f:
        f.write(buf.getvalue())
