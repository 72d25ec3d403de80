"""Data-pipeline throughput: the stock NTU skeleton pipeline against the same
pipeline plus the low-quality transforms, and mmaction2's PreNormalize3D
against FastPreNormalize3D, side by side.

    python tools/benchmarks/pipeline_throughput.py [--samples 300] [--repeats 7] [--profile]

Stock (mmaction2's NTU-60 joint recipe, train mode): PreNormalize3D,
GenSkeFeat(j), UniformSampleFrames(100), PoseDecode, FormatGCNInput(2),
PackActionInputs. Low quality: the same with RandomJointDrop(0.6, SKD
imputation over +-3 frames), JointJitter(0.02), PartOcclusion(one limb,
p=0.5) and TemporalOcclusion(10..50 frames, p=0.5) after PoseDecode. The
``*_fast`` pipelines are the same with FastPreNormalize3D (what the NTU
configs use) in place of PreNormalize3D.

Samples are NTU-like (2 persons, 100-300 frames, 25 joints, 3D). Each
repeat runs every pipeline over every sample (each sample copied first, as
``BaseDataset`` does), in alternating order so machine noise hits all
alike; medians of samples/s (wall clock) and the time ratios against the
stock pipeline are printed, from the medians and per repeat (each repeat's
pipelines ran side by side), by wall clock and by CPU time of this process
(less sensitive to other jobs on a busy machine). Goal: the low-quality
transforms add <= 5 % to the stock pipeline (ratio <= 1.05).

Then the two pre-normalisations alone, on the same samples (outputs checked
equal within 1e-5 first), interleaved: median ms per sample and the ratio
(goal: FastPreNormalize3D >= 3x faster). ``--profile`` prints where the time
of the low-quality pipeline goes (cProfile, per transform and top
functions).
"""
import argparse
import copy
import cProfile
import pstats
import statistics
import time

import numpy as np

import mmpartkd  # noqa: F401
from mmaction.utils import register_all_modules
from mmengine.dataset import Compose

LQ = [
    dict(type='RandomJointDrop', drop_prob=0.6, impute_window=3),
    dict(type='JointJitter', sigma=0.02),
    dict(type='PartOcclusion', num_parts=1, p=0.5,
         parts=['left_arm', 'right_arm', 'left_leg', 'right_leg']),
    dict(type='TemporalOcclusion', length=(10, 50), p=0.5),
]


def pipelines(clip_len=100, num_person=2):
    def head(pre_normalize):
        return [
            dict(type=pre_normalize),
            dict(type='GenSkeFeat', dataset='nturgb+d', feats=['j']),
            dict(type='UniformSampleFrames', clip_len=clip_len),
            dict(type='PoseDecode'),
        ]

    tail = [dict(type='FormatGCNInput', num_person=num_person),
            dict(type='PackActionInputs')]
    stock, fast = head('PreNormalize3D'), head('FastPreNormalize3D')
    return dict(stock=stock + tail, low_quality=stock + LQ + tail,
                low_quality_fast=fast + LQ + tail, stock_fast=fast + tail)


def ntu_like_samples(n, seed=0, frames=(100, 300)):
    """Smooth random-walk skeletons around a rest pose, 2 persons."""
    rng = np.random.default_rng(seed)
    rest = rng.normal(0, 0.3, size=(25, 3)).astype(np.float32)
    samples = []
    for i in range(n):
        T = int(rng.integers(frames[0], frames[1] + 1))
        walk = np.cumsum(rng.normal(0, 0.01, size=(2, T, 25, 3)), axis=1)
        kp = (rest[None, None] + walk + np.array([[[[0., 0., 3.]]],
                                                  [[[0.8, 0., 3.2]]]]))
        samples.append(dict(frame_dir=f'S001C001P001R001A{i:03d}',
                            label=i % 60, keypoint=kp.astype(np.float32),
                            total_frames=T, start_index=0,
                            modality='Pose'))
    return samples


def run(pipeline, samples):
    """Samples/s by wall clock and by CPU time of this process."""
    wall, cpu = time.perf_counter(), time.process_time()
    for s in samples:
        pipeline(copy.deepcopy(s))
    return (len(samples) / (time.perf_counter() - wall),
            len(samples) / (time.process_time() - cpu))


def transform_ms(transform, samples):
    """Median ms of ``transform`` per sample (copies made outside the
    timer)."""
    times = []
    for s in samples:
        s = copy.deepcopy(s)
        t = time.perf_counter()
        transform(s)
        times.append(time.perf_counter() - t)
    return 1e3 * statistics.median(times)


def compare_pre_normalize(samples, repeats):
    """PreNormalize3D vs FastPreNormalize3D alone, interleaved."""
    from mmaction.registry import TRANSFORMS
    stock = TRANSFORMS.build(dict(type='PreNormalize3D'))
    fast = TRANSFORMS.build(dict(type='FastPreNormalize3D'))
    for s in samples:  # same outputs first
        a, b = stock(copy.deepcopy(s)), fast(copy.deepcopy(s))
        assert a['keypoint'].shape == b['keypoint'].shape
        assert np.abs(a['keypoint'] - b['keypoint']).max() <= 1e-5
    ms = dict(PreNormalize3D=[], FastPreNormalize3D=[])
    pair = [('PreNormalize3D', stock), ('FastPreNormalize3D', fast)]
    for r in range(repeats):
        for name, t in (pair if r % 2 == 0 else pair[::-1]):
            ms[name].append(transform_ms(t, samples))
    med = {k: statistics.median(v) for k, v in ms.items()}
    print(f'\npre-normalisation alone, {repeats} interleaved repeats '
          '(outputs equal within 1e-5)')
    print(f'{"transform":20s} {"median ms/sample":>17s}  all repeats')
    for k, v in ms.items():
        print(f'{k:20s} {med[k]:17.3f}  ' + ' '.join(f'{x:.3f}' for x in v))
    paired = [a / b for a, b in zip(ms['PreNormalize3D'],
                                    ms['FastPreNormalize3D'])]
    print(f'time ratio PreNormalize3D / FastPreNormalize3D = '
          f'{med["PreNormalize3D"] / med["FastPreNormalize3D"]:.1f} '
          f'(per repeat {min(paired):.1f}-{max(paired):.1f}; goal >= 3)')


def profile(pipeline, samples, top=12):
    prof = cProfile.Profile()
    prof.enable()
    for s in samples:
        pipeline(copy.deepcopy(s))
    prof.disable()
    stats = pstats.Stats(prof)
    total = stats.total_tt
    print(f'\ncProfile of the low-quality pipeline ({len(samples)} samples, '
          f'{total:.2f} s):')
    print('  cumulative time per transform:')
    # transforms that inherit one ``transform`` method share its entry
    names = {}
    for t in pipeline.transforms:
        code = type(t).transform.__code__
        names.setdefault((code.co_filename, code.co_firstlineno, 'transform'),
                         []).append(type(t).__name__)
    for key, group in names.items():
        if key in stats.stats:
            ct = stats.stats[key][3]
            print(f'    {" + ".join(group):28s} {ct:7.3f} s  '
                  f'{100 * ct / total:5.1f} %')
    stats.sort_stats('tottime')
    print(f'  top {top} functions by own time:')
    stats.print_stats(top)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--samples', type=int, default=300)
    parser.add_argument('--repeats', type=int, default=7)
    parser.add_argument('--profile', action='store_true')
    args = parser.parse_args()
    register_all_modules(init_default_scope=True)
    pipes = {k: Compose(v) for k, v in pipelines().items()}
    samples = ntu_like_samples(args.samples)
    np.random.seed(0)
    for p in pipes.values():  # warm up
        run(p, samples[:10])
    names = list(pipes)
    rates = {k: [] for k in names}  # (wall, cpu) samples/s per repeat
    for r in range(args.repeats):
        for name in (names if r % 2 == 0 else names[::-1]):
            rates[name].append(run(pipes[name], samples))
    print(f'{args.samples} NTU-like samples (2 persons, 100-300 frames, 25 '
          f'joints), {args.repeats} interleaved repeats')
    print(f'{"pipeline":16s} {"median samples/s":>17s} {"(CPU time)":>11s}'
          '  all repeats (wall clock)')
    for k in names:
        wall, cpu = zip(*rates[k])
        print(f'{k:16s} {statistics.median(wall):17.1f} '
              f'{statistics.median(cpu):11.1f}  '
              + ' '.join(f'{v:.0f}' for v in wall))
    print('time ratios against stock: median rates, per repeat (min-max), '
          'by wall clock | by CPU time')
    for k, note in (('low_quality', 'the transforms; goal <= 1.05'),
                    ('low_quality_fast', 'FastPreNormalize3D + the '
                     'transforms, for information'),
                    ('stock_fast', 'FastPreNormalize3D alone')):
        cols = []
        for i in (0, 1):  # wall, cpu
            base = [x[i] for x in rates['stock']]
            other = [x[i] for x in rates[k]]
            paired = [b / o for b, o in zip(base, other)]
            ratio = statistics.median(base) / statistics.median(other)
            cols.append(f'{ratio:.3f} ({min(paired):.3f}-{max(paired):.3f})')
        print(f'  {k:16s} / stock = {cols[0]} | {cols[1]}  ({note})')
    lq = [w for w, _ in rates['low_quality_fast']]
    st = [w for w, _ in rates['stock_fast']]
    print(f'  low_quality_fast / stock_fast = '
          f'{statistics.median(st) / statistics.median(lq):.3f} (the '
          'transforms on the FastPreNormalize3D pipeline)')
    compare_pre_normalize(samples, args.repeats)
    if args.profile:
        profile(pipes['low_quality'], samples)


if __name__ == '__main__':
    main()
