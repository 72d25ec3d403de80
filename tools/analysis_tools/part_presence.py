"""How often does each part of a config's input have a joint at all?

    python tools/analysis_tools/part_presence.py CONFIG [CONFIG ...] \
        [--split train|test] [--samples 300] [--cfg-options K=V ...]

Runs the dataset pipeline of each config (the training or the test
dataloader's, up to its formatting step) on the first ``--samples``
samples and reports, per part of the input's layout, the share of samples
in which the part has at least one present joint in some frame (a part
without one is an *empty* part: ``PartPoolNeck`` zeroes it and the part
contrast skips it, docs/method.md#part-matching), the share of frames in
which it has one, and the mean number of non-empty parts per sample. Use it
to see how much of the part-level signal a corruption protocol or a
smaller layout leaves.
"""
import argparse
import copy
import os.path as osp
import sys
from typing import Dict, List, Optional

import numpy as np
from mmengine.config import Config, DictAction

# running as a script from anywhere: the repository root on the path
sys.path.insert(0, osp.dirname(osp.dirname(osp.dirname(osp.abspath(
    __file__)))))

from mmaction.registry import DATASETS  # noqa: E402
from mmaction.utils import register_all_modules  # noqa: E402
from mmpartkd.datasets.transforms.utils import present_joints  # noqa: E402
from mmpartkd.structures import get_layout  # noqa: E402

#: pipeline steps from which on the sample is no longer a keypoint dict
FORMATTING = ('FormatGCNInput', 'PackActionInputs', 'PackDistillInputs')


def _layout_name(cfg: Config) -> str:
    """The layout of the config's model input (the student's backbone)."""
    model = cfg.model.get('student', cfg.model)
    layout = model['backbone']['graph_cfg']['layout']
    return get_layout(layout).name


def part_presence(cfg: Config, split: str = 'train',
                  samples: int = 300) -> Dict[str, object]:
    """Part presence in the inputs of ``cfg``'s ``split`` dataloader.

    Returns:
        dict: ``layout`` (name), ``samples`` (count), ``parts``
        (``{part: dict(joints, sample_share, frame_share)}``, shares in
        [0, 1]) and ``mean_parts`` (non-empty parts per sample).
    """
    loader = copy.deepcopy(cfg[f'{split}_dataloader'])
    dataset_cfg = loader['dataset']
    while 'pipeline' not in dataset_cfg:  # wrappers (RepeatDataset, ...)
        dataset_cfg = dataset_cfg['dataset']
    pipeline = list(dataset_cfg['pipeline'])
    stop = next((i for i, t in enumerate(pipeline)
                 if t['type'] in FORMATTING), len(pipeline))
    dataset_cfg['pipeline'] = pipeline[:stop]
    register_all_modules()
    dataset = DATASETS.build(loader['dataset'])
    default = _layout_name(cfg)
    counts: Dict[str, List[float]] = {}
    frames: Dict[str, List[float]] = {}
    per_sample: List[int] = []
    layout = None
    for i in range(min(samples, len(dataset))):
        results = dataset[i]
        layout = get_layout(results.get('layout', default))
        present = present_joints(results).any(0)  # (T, V), any person
        usable = 0
        for part, joints in layout.parts.items():
            in_frame = present[:, list(joints)].any(1)  # (T, )
            counts.setdefault(part, []).append(float(in_frame.any()))
            frames.setdefault(part, []).append(float(in_frame.mean()))
            usable += int(in_frame.any())
        per_sample.append(usable)
    if layout is None:
        raise ValueError(f'the {split} split of the config has no samples')
    return dict(
        layout=layout.name, samples=len(per_sample),
        parts={p: dict(joints=len(layout.parts[p]),
                       sample_share=float(np.mean(counts[p])),
                       frame_share=float(np.mean(frames[p])))
               for p in layout.parts},
        mean_parts=float(np.mean(per_sample)))


def format_report(name: str, report: Dict[str, object]) -> str:
    lines = [f'{name}: layout {report["layout"]}, {report["samples"]} '
             f'samples, {report["mean_parts"]:.2f} of '
             f'{len(report["parts"])} parts non-empty per sample',
             f'  {"part":<10} {"joints":>6} {"samples":>8} {"frames":>7}']
    for part, r in report['parts'].items():
        lines.append(f'  {part:<10} {r["joints"]:>6} '
                     f'{100 * r["sample_share"]:>7.1f}% '
                     f'{100 * r["frame_share"]:>6.1f}%')
    return '\n'.join(lines)


def main(argv: Optional[List[str]] = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('configs', nargs='+')
    parser.add_argument('--split', choices=('train', 'test'),
                        default='train')
    parser.add_argument('--samples', type=int, default=300)
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        default={})
    args = parser.parse_args(argv)
    if args.samples < 1:
        parser.error('--samples must be >= 1')
    for path in args.configs:
        cfg = Config.fromfile(path)
        cfg.merge_from_dict(args.cfg_options)
        print(format_report(osp.basename(path),
                            part_presence(cfg, args.split, args.samples)))


if __name__ == '__main__':
    main()
