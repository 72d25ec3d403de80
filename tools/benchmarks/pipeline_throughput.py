"""Data-pipeline throughput: the stock NTU skeleton pipeline against the same
pipeline plus the low-quality transforms, and mmaction2's PreNormalize3D
against FastPreNormalize3D, side by side.

    python tools/benchmarks/pipeline_throughput.py [--samples 300] [--repeats 7] [--profile]

Stock (mmaction2's NTU-60 joint recipe, train mode): PreNormalize3D,
GenSkeFeat(j), UniformSampleFrames(100), PoseDecode, FormatGCNInput(2),
PackActionInputs. Low quality: the same with RandomJointDrop(0.6, SKD
imputation over +-3 frames), JointJitter(0.02), PartOcclusion(one limb,
p=0.5) and TemporalOcclusion(10..50 frames, p=0.5) after PoseDecode.

Samples are NTU-like (2 persons, 100-300 frames, 25 joints, 3D). Each
repeat runs every pipeline over every sample (each sample copied first, as
``BaseDataset`` does), in alternating order so machine noise hits all
alike; medians of samples/s and the overhead of the transforms are printed.
Goal: the transforms add <= 10 %. The ``*_fast`` pipelines are the same with
FastPreNormalize3D in place of PreNormalize3D.

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
                stock_fast=fast + tail, low_quality_fast=fast + LQ + tail)


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
    t = time.perf_counter()
    for s in samples:
        pipeline(copy.deepcopy(s))
    return len(samples) / (time.perf_counter() - t)


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
    rates = {k: [] for k in pipes}
    names = list(pipes)
    for r in range(args.repeats):
        for name in (names if r % 2 == 0 else names[::-1]):
            rates[name].append(run(pipes[name], samples))
    med = {k: statistics.median(v) for k, v in rates.items()}
    print(f'{args.samples} NTU-like samples (2 persons, 100-300 frames, 25 '
          f'joints), {args.repeats} interleaved repeats')
    print(f'{"pipeline":16s} {"median samples/s":>17s}  all repeats')
    for k in names:
        print(f'{k:16s} {med[k]:17.1f}  '
              + ' '.join(f'{v:.0f}' for v in rates[k]))
    for suffix in ('', '_fast'):
        ratio = med['stock' + suffix] / med['low_quality' + suffix]
        print(f'time ratio low_quality{suffix} / stock{suffix} = {ratio:.3f} '
              f'(the transforms add {100 * (ratio - 1):+.1f} %; '
              'goal <= +10 %)')
    print(f'time ratio stock / stock_fast = '
          f'{med["stock_fast"] / med["stock"]:.2f} (FastPreNormalize3D)')
    compare_pre_normalize(samples, args.repeats)
    if args.profile:
        profile(pipes['low_quality'], samples)


if __name__ == '__main__':
    main()
