"""Deterministic procedural 3D skeleton actions in the ``nturgb+d`` layout.

The embedded default dataset of mmpartkd: a small kinematic body model
(spine, head, two arms with hands, two legs with feet) is driven by per-class
joint-angle curves. Classes differ in *which body parts move and how*; left
and right variants of the same gesture exist, so a classifier must know which
part moved, not only that something moved. Every sample also carries
idle motion and a random distractor movement of a part that does not define
its class, plus subject variation (bone lengths, speed, phase, amplitude,
facing direction, camera tilt, sensor noise).

Coordinates are metres, ``y`` up, body facing ``+z`` before the camera
rotation. The output is an mmaction2 ``PoseDataset`` annotation dict.
"""
from typing import Callable, Dict, FrozenSet, List, Optional, Tuple

import numpy as np

__all__ = [
    'SYNTHETIC_CLASSES', 'SYNTHETIC_CLASS_PARTS', 'generate_synthetic_dataset'
]

#: Class names, in label order.
SYNTHETIC_CLASSES: Tuple[str, ...] = (
    'wave_left_hand', 'wave_right_hand', 'clap', 'kick_left_leg',
    'kick_right_leg', 'squat', 'jump', 'bow', 'punch_left', 'punch_right')

_DOWN = np.array([0., -1., 0.])
_UP = np.array([0., 1., 0.])
_FORWARD = np.array([0., 0., 1.])
_BACKWARD = -_FORWARD


def _rot_x(a: np.ndarray) -> np.ndarray:
    """Rotations about x, ``(T, 3, 3)``; positive angles turn -y towards +z
    (a limb hanging down swings forward)."""
    c, s = np.cos(a), np.sin(a)
    o, z = np.ones_like(a), np.zeros_like(a)
    return np.stack([o, z, z, z, c, s, z, -s, c], -1).reshape(-1, 3, 3)


def _rot_y(a: np.ndarray) -> np.ndarray:
    c, s = np.cos(a), np.sin(a)
    o, z = np.ones_like(a), np.zeros_like(a)
    return np.stack([c, z, s, z, o, z, -s, z, c], -1).reshape(-1, 3, 3)


def _rot_z(a: np.ndarray) -> np.ndarray:
    c, s = np.cos(a), np.sin(a)
    o, z = np.ones_like(a), np.zeros_like(a)
    return np.stack([c, -s, z, s, c, z, z, z, o], -1).reshape(-1, 3, 3)


def _apply(rot: np.ndarray, vec: np.ndarray) -> np.ndarray:
    """Rotate ``vec`` ``(3,)`` or ``(T, 3)`` by ``rot`` ``(T, 3, 3)``."""
    if vec.ndim == 1:
        vec = np.broadcast_to(vec, (rot.shape[0], 3))
    return np.einsum('tij,tj->ti', rot, vec)


def _unit(v: np.ndarray) -> np.ndarray:
    return v / np.maximum(np.linalg.norm(v, axis=-1, keepdims=True), 1e-8)


def _limb(side: float, flex: np.ndarray, abd: np.ndarray, horiz: np.ndarray,
          bend: np.ndarray, bend_ref: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
    """Directions of the two segments of a limb hanging down at rest.

    Args:
        side: +1 for the left limb (subject's left is +x), -1 for the right.
        flex: forward raise about x (rad), ``(T,)``.
        abd: sideways raise about z (rad), ``(T,)``.
        horiz: swing about the vertical axis towards the midline (rad).
        bend: elbow / knee flexion (rad), ``(T,)``.
        bend_ref: direction the distal segment bends towards, ``(3,)``.

    Returns:
        Unit directions of the proximal and distal segments, ``(T, 3)`` each.
    """
    rot = _rot_y(-side * horiz) @ _rot_z(side * abd) @ _rot_x(flex)
    d1 = _apply(rot, _DOWN)
    ref = np.broadcast_to(bend_ref, d1.shape)
    n = ref - (ref * d1).sum(-1, keepdims=True) * d1
    degenerate = np.linalg.norm(n, axis=-1, keepdims=True) < 1e-3
    n = np.where(degenerate, _UP - (_UP * d1).sum(-1, keepdims=True) * d1, n)
    n = _unit(n)
    d2 = _unit(np.cos(bend)[:, None] * d1 + np.sin(bend)[:, None] * n)
    return d1, d2


class _Motion:
    """Joint-angle curves (radians) of one sample, all ``(T,)``."""

    NAMES = ('l_flex', 'l_abd', 'l_horiz', 'l_elbow', 'r_flex', 'r_abd',
             'r_horiz', 'r_elbow', 'lh_flex', 'lh_abd', 'l_knee', 'rh_flex',
             'rh_abd', 'r_knee', 'spine', 'twist', 'lift')

    def __init__(self, T: int) -> None:
        for name in self.NAMES:
            setattr(self, name, np.zeros(T))
        self.l_bend_ref = _FORWARD + 0.3 * _UP
        self.r_bend_ref = _FORWARD + 0.3 * _UP


def _pulse(phi: np.ndarray, sharp: float = 2.) -> np.ndarray:
    """A 0..1 periodic pulse with flat rests between strokes."""
    return np.maximum(np.sin(phi), 0.)**sharp


def _wave(m: _Motion, phi, amp, side: str) -> None:
    setattr(m, f'{side}_abd', np.deg2rad(95 + 8 * amp) + 0 * phi)
    setattr(m, f'{side}_elbow', np.deg2rad(70 + 35 * amp * np.sin(phi)))
    setattr(m, f'{side}_bend_ref', _UP)


def _punch(m: _Motion, phi, amp, side: str) -> None:
    p = _pulse(phi, 3.)
    setattr(m, f'{side}_flex', np.deg2rad(35 + 55 * amp * p))
    setattr(m, f'{side}_elbow', np.deg2rad(125 - 115 * p))
    setattr(m, f'{side}_horiz', np.deg2rad(20 * p))
    setattr(m, f'{side}_bend_ref', _UP + 0.2 * _FORWARD)
    m.twist = np.deg2rad(12 * amp * p) * (1 if side == 'r' else -1)


def _kick(m: _Motion, phi, amp, side: str) -> None:
    p = _pulse(phi, 2.)
    setattr(m, f'{side}h_flex', np.deg2rad(70 * amp * p))
    setattr(m, f'{side}_knee', np.deg2rad(60 * (1 - p) * np.sqrt(p)))


def _clap(m: _Motion, phi, amp) -> None:
    closed = 0.5 * (1 + np.sin(phi))
    for side in 'lr':
        setattr(m, f'{side}_flex', np.deg2rad(75 + 0 * phi))
        setattr(m, f'{side}_horiz', np.deg2rad(-15 + 45 * amp * closed))
        setattr(m, f'{side}_elbow', np.deg2rad(35 + 20 * closed))


def _squat(m: _Motion, phi, amp) -> None:
    s = np.deg2rad(55 * amp) * 0.5 * (1 - np.cos(phi))
    m.lh_flex, m.rh_flex = s, s.copy()
    m.l_knee, m.r_knee = 2 * s, 2 * s
    m.spine = 0.4 * s
    m.l_flex, m.r_flex = 1.2 * s, 1.2 * s


def _jump(m: _Motion, phi, amp) -> None:
    crouch = np.deg2rad(35) * np.maximum(-np.sin(phi), 0)
    m.lh_flex, m.rh_flex = crouch, crouch.copy()
    m.l_knee, m.r_knee = 2 * crouch, 2 * crouch
    m.lift = 0.3 * amp * _pulse(phi, 1.)
    m.l_flex = m.r_flex = np.deg2rad(100) * _pulse(phi, 1.)


def _bow(m: _Motion, phi, amp) -> None:
    m.spine = np.deg2rad(55 * amp) * 0.5 * (1 - np.cos(phi))
    m.l_flex = m.r_flex = 0.3 * m.spine


_CLASS_MOTIONS: Dict[str, Callable] = {
    'wave_left_hand': lambda m, p, a: _wave(m, p, a, 'l'),
    'wave_right_hand': lambda m, p, a: _wave(m, p, a, 'r'),
    'clap': _clap,
    'kick_left_leg': lambda m, p, a: _kick(m, p, a, 'l'),
    'kick_right_leg': lambda m, p, a: _kick(m, p, a, 'r'),
    'squat': _squat,
    'jump': _jump,
    'bow': _bow,
    'punch_left': lambda m, p, a: _punch(m, p, a, 'l'),
    'punch_right': lambda m, p, a: _punch(m, p, a, 'r'),
}
#: Body parts (``structures.PART_NAMES``) each class moves: the ground
#: truth a part matrix is scored against (docs/method.md#part-matrix). The
#: limbs listed are the ones the class's motion drives on purpose; the
#: distractor movement of every sample is drawn from the other limbs. The
#: whole-body classes (squat, jump, bow) also list the head and the torso,
#: which move with the body.
SYNTHETIC_CLASS_PARTS: Dict[str, FrozenSet[str]] = {
    'wave_left_hand': frozenset({'left_arm'}),
    'wave_right_hand': frozenset({'right_arm'}),
    'clap': frozenset({'left_arm', 'right_arm'}),
    'kick_left_leg': frozenset({'left_leg'}),
    'kick_right_leg': frozenset({'right_leg'}),
    'squat': frozenset({'head', 'torso', 'left_arm', 'right_arm', 'left_leg',
                        'right_leg'}),
    'jump': frozenset({'head', 'torso', 'left_arm', 'right_arm', 'left_leg',
                       'right_leg'}),
    'bow': frozenset({'head', 'torso', 'left_arm', 'right_arm'}),
    'punch_left': frozenset({'left_arm'}),
    'punch_right': frozenset({'right_arm'}),
}
_LIMBS = ('left_arm', 'left_leg', 'right_arm', 'right_leg')


def _add_idle_and_distractor(m: _Motion, rng: np.random.Generator, t01,
                             label: str) -> None:
    """Small idle motion everywhere and one larger off-class movement."""
    T = t01.shape[0]

    def wobble(deg):
        f = rng.uniform(0.3, 1.5)
        return np.deg2rad(deg) * np.sin(2 * np.pi * f * t01 +
                                        rng.uniform(0, 2 * np.pi))

    for name in ('l_flex', 'r_flex', 'l_abd', 'r_abd', 'lh_flex', 'rh_flex'):
        setattr(m, name, getattr(m, name) + wobble(4))
    m.l_elbow = m.l_elbow + np.abs(wobble(8)) + np.deg2rad(10)
    m.r_elbow = m.r_elbow + np.abs(wobble(8)) + np.deg2rad(10)
    m.spine = m.spine + wobble(3)
    m.twist = m.twist + wobble(5)
    free = sorted(set(_LIMBS) - SYNTHETIC_CLASS_PARTS[label])
    if free and rng.random() < 0.8:
        part = free[rng.integers(len(free))]
        swing = np.abs(wobble(25)) if part.endswith('leg') else wobble(30)
        if part == 'left_arm':
            m.l_flex = m.l_flex + swing
        elif part == 'right_arm':
            m.r_flex = m.r_flex + swing
        elif part == 'left_leg':
            m.lh_flex = m.lh_flex + 0.5 * swing
            m.l_knee = m.l_knee + swing
        else:
            m.rh_flex = m.rh_flex + 0.5 * swing
            m.r_knee = m.r_knee + swing
    assert all(getattr(m, n).shape == (T, ) for n in m.NAMES)


def _pose(m: _Motion, bone: Dict[str, float]) -> np.ndarray:
    """Forward kinematics of one sample: ``(T, 25, 3)``."""
    T = m.spine.shape[0]
    X = np.zeros((T, 25, 3))
    # Upper body in the torso frame (origin at the spine base).
    sp = bone['spine']
    X[:, 1] = [0, sp, 0]
    X[:, 20] = [0, 2 * sp, 0]
    X[:, 2] = [0, 2 * sp + bone['neck'], 0]
    X[:, 3] = [0, 2 * sp + bone['neck'] + bone['head'], 0]
    for side, sign, (sh, el, wr, ha, tip, th) in (
            ('l', 1., (4, 5, 6, 7, 21, 22)), ('r', -1., (8, 9, 10, 11, 23, 24))):
        X[:, sh] = [sign * bone['shoulder'], 2 * sp - 0.03, 0]
        d1, d2 = _limb(sign, getattr(m, f'{side}_flex'),
                       getattr(m, f'{side}_abd'),
                       getattr(m, f'{side}_horiz'),
                       getattr(m, f'{side}_elbow'),
                       _unit(getattr(m, f'{side}_bend_ref')))
        X[:, el] = X[:, sh] + bone['upper_arm'] * d1
        X[:, wr] = X[:, el] + bone['forearm'] * d2
        X[:, ha] = X[:, wr] + bone['hand'] * d2
        X[:, tip] = X[:, ha] + 0.5 * bone['hand'] * d2
        thumb_dir = _unit(np.cross(d2, d1 + 1e-3 * _FORWARD, axis=-1))
        X[:, th] = X[:, wr] + 0.6 * bone['hand'] * _unit(
            d2 + sign * 0.8 * thumb_dir)
    upper = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 20, 21, 22, 23, 24]
    torso_rot = _rot_y(m.twist) @ _rot_x(m.spine)
    X[:, upper] = np.einsum('tij,tvj->tvi', torso_rot, X[:, upper])
    # Legs in the pelvis frame.
    for side, sign, (hip, knee, ankle, foot) in (
            ('l', 1., (12, 13, 14, 15)), ('r', -1., (16, 17, 18, 19))):
        X[:, hip] = [sign * bone['hip'], -0.05, 0]
        d1, d2 = _limb(sign, getattr(m, f'{side}h_flex'),
                       np.zeros(T), np.zeros(T), getattr(m, f'{side}_knee'),
                       _BACKWARD)
        X[:, knee] = X[:, hip] + bone['thigh'] * d1
        X[:, ankle] = X[:, knee] + bone['shin'] * d2
        X[:, foot] = X[:, ankle] + np.array([0, -0.04, bone['foot']])
    # Stand on the ground (lowest foot at y = 0), then jump lift.
    ground = X[:, [15, 19], 1].min(axis=1)
    X[..., 1] -= ground[:, None]
    X[..., 1] += m.lift[:, None]
    return X


def _sample(rng: np.random.Generator, label: int, subject: Dict,
            num_frames: int) -> np.ndarray:
    """One sample, keypoint ``(1, T, 25, 3)`` float32."""
    name = SYNTHETIC_CLASSES[label]
    T = int(rng.integers(num_frames[0], num_frames[1] + 1))
    t01 = np.linspace(0, 1, T)
    cycles = subject['tempo'] * rng.uniform(1.5, 2.5)
    if name in ('bow', 'squat', 'jump'):
        cycles *= 0.6
    phi = 2 * np.pi * cycles * t01 + rng.uniform(0, 2 * np.pi)
    amp = subject['amp'] * rng.uniform(0.85, 1.15)
    m = _Motion(T)
    _CLASS_MOTIONS[name](m, phi, amp)
    _add_idle_and_distractor(m, rng, t01, name)
    X = _pose(m, subject['bone'])
    # Subject placement: facing direction, camera tilt, position, noise.
    yaw = subject['yaw'] + rng.uniform(-0.2, 0.2)
    cam = _rot_x(np.full(T, subject['tilt'])) @ _rot_y(np.full(T, yaw))
    X = np.einsum('tij,tvj->tvi', cam, X)
    X += np.array([rng.uniform(-0.5, 0.5), -0.8, 3.0 + rng.uniform(-0.4, 0.4)])
    X += rng.normal(0, 0.008, X.shape)
    return X[None].astype(np.float32)


def _subject(rng: np.random.Generator) -> Dict:
    scale = rng.uniform(0.85, 1.15)
    base = dict(spine=0.25, neck=0.08, head=0.14, shoulder=0.18,
                upper_arm=0.29, forearm=0.26, hand=0.09, hip=0.1,
                thigh=0.44, shin=0.42, foot=0.13)
    bone = {k: v * scale * rng.uniform(0.94, 1.06) for k, v in base.items()}
    return dict(
        bone=bone,
        tempo=rng.uniform(0.75, 1.3),
        amp=rng.uniform(0.85, 1.15),
        yaw=rng.uniform(-0.6, 0.6),
        tilt=rng.uniform(-0.15, 0.15))


def generate_synthetic_dataset(num_subjects: int = 40,
                               samples_per_class: int = 2,
                               num_frames: Tuple[int, int] = (48, 80),
                               val_subjects: Optional[List[int]] = None,
                               seed: int = 0) -> Dict:
    """Generate the embedded default dataset.

    Args:
        num_subjects (int): Number of simulated subjects.
        samples_per_class (int): Repetitions of every class per subject.
        num_frames (tuple[int, int]): Inclusive range of sequence lengths.
        val_subjects (list[int], optional): Subjects of the ``xsub_val``
            split. Defaults to every fourth subject (a quarter of them).
        seed (int): Seed; the same arguments always give the same arrays.

    Returns:
        dict: ``dict(split=dict(xsub_train=[...], xsub_val=[...]),
        annotations=[...], classes=[...])`` where each annotation has
        ``frame_dir``, ``label``, ``keypoint (1, T, 25, 3)`` float32,
        ``total_frames`` and ``subject``.
    """
    if num_subjects < 2:
        raise ValueError('num_subjects must be >= 2 for a train/val split')
    if samples_per_class < 1:
        raise ValueError('samples_per_class must be >= 1')
    if not 2 <= num_frames[0] <= num_frames[1]:
        raise ValueError(f'bad num_frames range {num_frames}')
    if val_subjects is None:
        val_subjects = list(range(3, num_subjects, 4)) or [num_subjects - 1]
    root = np.random.SeedSequence(seed)
    subject_seeds, sample_seeds = root.spawn(2)
    subjects = [
        _subject(np.random.default_rng(s))
        for s in subject_seeds.spawn(num_subjects)
    ]
    annotations, split = [], dict(xsub_train=[], xsub_val=[])
    seeds = iter(
        sample_seeds.spawn(num_subjects * len(SYNTHETIC_CLASSES) *
                           samples_per_class))
    for s, subject in enumerate(subjects):
        for label in range(len(SYNTHETIC_CLASSES)):
            for rep in range(samples_per_class):
                rng = np.random.default_rng(next(seeds))
                keypoint = _sample(rng, label, subject, num_frames)
                frame_dir = f'P{s:03d}R{rep:02d}A{label:03d}'
                annotations.append(
                    dict(
                        frame_dir=frame_dir,
                        label=label,
                        keypoint=keypoint,
                        total_frames=keypoint.shape[1],
                        subject=s))
                key = 'xsub_val' if s in val_subjects else 'xsub_train'
                split[key].append(frame_dir)
    return dict(
        split=split, annotations=annotations, classes=list(SYNTHETIC_CLASSES))
