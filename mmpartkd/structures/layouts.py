"""Skeleton layouts: joints, graph, bones, flip pairs, body parts, mappings.

A :class:`Layout` describes one joint order. The built-in layouts are
``nturgb+d`` (Kinect v2, 25 joints, 3D), ``kinect_v1`` (20 joints, 3D),
``penn`` (Penn Action, 13 joints, 2D) and ``coco`` (17 joints, 2D). Every
layout maps onto the same six body parts (docs/method.md#part-matching),
which is what lets a teacher on one layout and a student on another be
matched part to part.

Anywhere mmpartkd takes a layout it accepts a registered name, a
:class:`Layout` or a dict of :class:`Layout` fields, so configs can declare
new layouts inline::

    layout = dict(name='my_rig', num_node=5, inward=[(1, 0), ...], center=0,
                  parts=dict(head=[0], ...))

After ``import mmpartkd`` the stock :class:`mmaction.models.utils.Graph` (and
so ``STGCN``/``AAGCN``/``CTRGCN`` ``graph_cfg=dict(layout=...)``) accepts
every registered layout name as well.
"""
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Set, Tuple, Union

import numpy as np

from .keypoints import check_keypoint_array

__all__ = [
    'Layout', 'LAYOUTS', 'PART_NAMES', 'register_layout', 'get_layout',
    'register_joint_mapping', 'get_joint_mapping', 'patch_stock_graph'
]

#: The six default body parts, in the order used by part maps and matrices.
PART_NAMES: Tuple[str, ...] = ('head', 'torso', 'left_arm', 'right_arm',
                               'left_leg', 'right_leg')


@dataclass
class Layout:
    """A skeleton joint layout.

    Args:
        name (str): Registered name.
        num_node (int): Number of joints V.
        inward (list[tuple[int, int]]): Graph edges ``(child, parent)``,
            0-based, pointing towards ``center`` (mmaction2's convention).
        center (int): Centre joint of the graph.
        dims (int): Coordinate dimensions of the source data (2 or 3).
        bones (list[tuple[int, int]]): ``(joint, parent)`` pairs that define
            one bone per joint (a self pair marks the root). Defaults to
            ``inward`` plus the root.
        flip_pairs (list[tuple[int, int]]): Left/right joint pairs.
        parts (dict[str, list[int]]): Body part name -> joint indices. Parts
            may share joints.
        joint_names (list[str], optional): Human readable joint names.
    """
    name: str
    num_node: int
    inward: List[Tuple[int, int]]
    center: int
    dims: int = 3
    bones: Optional[List[Tuple[int, int]]] = None
    flip_pairs: List[Tuple[int, int]] = field(default_factory=list)
    parts: Dict[str, List[int]] = field(default_factory=dict)
    joint_names: Optional[List[str]] = None

    def __post_init__(self) -> None:
        self.inward = [tuple(int(i) for i in e) for e in self.inward]
        if self.bones is None:
            self.bones = [(self.center, self.center)] + list(self.inward)
        self.bones = [tuple(int(i) for i in e) for e in self.bones]
        self.flip_pairs = [tuple(int(i) for i in e) for e in self.flip_pairs]
        self.parts = {k: [int(i) for i in v] for k, v in self.parts.items()}
        self.validate()

    def validate(self) -> None:
        """Raise ``ValueError`` if any index is out of range."""
        V = self.num_node
        if V <= 0:
            raise ValueError(f'layout "{self.name}": num_node must be > 0')
        if not 0 <= self.center < V:
            raise ValueError(
                f'layout "{self.name}": center {self.center} not in [0, {V})')
        for what, pairs in (('inward', self.inward), ('bones', self.bones),
                            ('flip_pairs', self.flip_pairs)):
            for pair in pairs:
                if len(pair) != 2 or not all(0 <= i < V for i in pair):
                    raise ValueError(f'layout "{self.name}": {what} pair '
                                     f'{pair} is not a pair of joints in '
                                     f'[0, {V})')
        self.check_parts(self.parts)
        if self.joint_names is not None and len(self.joint_names) != V:
            raise ValueError(f'layout "{self.name}": {len(self.joint_names)} '
                             f'joint names for {V} joints')

    def check_parts(self, parts: Dict[str, Sequence[int]]) -> None:
        """Raise ``ValueError`` if a part map does not fit this layout."""
        for part, joints in parts.items():
            if len(joints) == 0:
                raise ValueError(
                    f'layout "{self.name}": part "{part}" has no joints')
            bad = [j for j in joints if not 0 <= int(j) < self.num_node]
            if bad:
                raise ValueError(
                    f'layout "{self.name}" has {self.num_node} joints, but '
                    f'part "{part}" names joints {bad}')

    @property
    def part_names(self) -> List[str]:
        return list(self.parts)

    def part_mask(self, parts: Optional[Dict[str, Sequence[int]]] = None
                  ) -> np.ndarray:
        """Membership matrix ``(P, V)`` of a part map (default: ``parts``)."""
        parts = self.parts if parts is None else parts
        self.check_parts(parts)
        mask = np.zeros((len(parts), self.num_node), dtype=np.float32)
        for p, joints in enumerate(parts.values()):
            mask[p, list(joints)] = 1.
        return mask

    def graph_cfg_layout(self) -> dict:
        """The ``layout`` dict accepted by :class:`mmaction.models.utils.Graph`."""
        return dict(
            num_node=self.num_node,
            inward=list(self.inward),
            center=self.center)

    def check_keypoint(self, keypoint: np.ndarray, where: str = '') -> None:
        """Raise a clear ``ValueError`` for a keypoint array ``(M, T, V, C)``
        of another joint count, non-finite values or no frames (see
        :func:`~mmpartkd.structures.check_keypoint_array`)."""
        check_keypoint_array(keypoint, where or f'layout "{self.name}"',
                             self.num_node, f'layout "{self.name}"')


LAYOUTS: Dict[str, Layout] = {}
_JOINT_MAPPINGS: Dict[Tuple[str, str], np.ndarray] = {}
#: the mappings registered as such (the others are derived inverses)
_REGISTERED: Set[Tuple[str, str]] = set()


def register_layout(layout: Union[Layout, dict],
                    force: bool = False) -> Layout:
    """Register a layout (a :class:`Layout` or a dict of its fields)."""
    if isinstance(layout, dict):
        layout = Layout(**layout)
    if layout.name in LAYOUTS and not force:
        if LAYOUTS[layout.name] == layout:
            return LAYOUTS[layout.name]
        raise KeyError(f'layout "{layout.name}" is already registered; '
                       'pass force=True to replace it')
    LAYOUTS[layout.name] = layout
    return layout


def get_layout(layout: Union[str, dict, Layout]) -> Layout:
    """Return a :class:`Layout` from a registered name, a dict or a Layout.

    A dict with a ``name`` that is not registered yet is registered, so a
    config may declare a layout once and refer to it by name afterwards.
    """
    if isinstance(layout, Layout):
        return layout
    if isinstance(layout, dict):
        if set(layout) == {'name'}:
            layout = layout['name']
        else:
            return register_layout(dict(layout))
    if layout not in LAYOUTS:
        raise KeyError(f'unknown skeleton layout "{layout}"; registered: '
                       f'{sorted(LAYOUTS)}')
    return LAYOUTS[layout]


def register_joint_mapping(source: str, target: str,
                           index: Sequence[int]) -> None:
    """Register how ``target`` joints are read from ``source`` joints.

    Args:
        source (str): Source layout name.
        target (str): Target layout name.
        index (Sequence[int]): For each target joint, the source joint it is
            copied from, or -1 when the source has no such joint.

    The inverse mapping (``target`` -> ``source``) is registered as well,
    unless one is registered already. Registering the same mapping again
    does nothing; a different one for a registered pair raises
    ``ValueError`` (it replaces a derived inverse).
    """
    src, dst = get_layout(source), get_layout(target)
    index = np.asarray(index, dtype=np.int64)
    if index.shape != (dst.num_node, ):
        raise ValueError(f'mapping {source}->{target} needs {dst.num_node} '
                         f'entries, got {index.shape[0]}')
    if index.max() >= src.num_node or index.min() < -1:
        raise ValueError(f'mapping {source}->{target} names joints outside '
                         f'[0, {src.num_node})')
    key = (src.name, dst.name)
    if key in _REGISTERED and not np.array_equal(_JOINT_MAPPINGS[key],
                                                 index):
        raise ValueError(
            f'mapping {src.name}->{dst.name} {index.tolist()} contradicts '
            f'the registered one {_JOINT_MAPPINGS[key].tolist()}')
    _REGISTERED.add(key)
    _JOINT_MAPPINGS[key] = index
    inverse = np.full(src.num_node, -1, dtype=np.int64)
    for t, s in enumerate(index):
        if s >= 0 and inverse[s] < 0:
            inverse[s] = t
    _JOINT_MAPPINGS.setdefault((dst.name, src.name), inverse)


def get_joint_mapping(source: str, target: str) -> np.ndarray:
    """For each joint of ``target``, its source joint index or -1."""
    if source == target:
        return np.arange(get_layout(source).num_node)
    key = (get_layout(source).name, get_layout(target).name)
    if key not in _JOINT_MAPPINGS:
        known = ', '.join(f'{a}->{b}' for a, b in sorted(_JOINT_MAPPINGS))
        raise KeyError(f'no joint mapping {key[0]}->{key[1]}; known: {known}')
    return _JOINT_MAPPINGS[key]


# --------------------------------------------------------------------------
# Built-in layouts (docs/method.md#part-matching). Graph edges of nturgb+d
# and coco are exactly mmaction2's, so stock configs that name them keep
# their behaviour.
# --------------------------------------------------------------------------
_NTU_EDGES_1BASED = [(1, 2), (2, 21), (3, 21), (4, 3), (5, 21), (6, 5),
                     (7, 6), (8, 7), (9, 21), (10, 9), (11, 10), (12, 11),
                     (13, 1), (14, 13), (15, 14), (16, 15), (17, 1),
                     (18, 17), (19, 18), (20, 19), (22, 23), (23, 8),
                     (24, 25), (25, 12)]
# Bone pairs (joint, parent), 1-based: CrosSCLR's / IKEM's, which
# GenSkeModalities reads from here (docs/method.md#modalities).
_NTU_BONES_1BASED = [(1, 2), (2, 21), (3, 21), (4, 3), (5, 21), (6, 5),
                     (7, 6), (8, 7), (9, 21), (10, 9), (11, 10), (12, 11),
                     (13, 1), (14, 13), (15, 14), (16, 15), (17, 1),
                     (18, 17), (19, 18), (20, 19), (21, 21), (22, 8),
                     (23, 8), (24, 12), (25, 12)]

register_layout(
    Layout(
        name='nturgb+d',
        num_node=25,
        inward=[(i - 1, j - 1) for i, j in _NTU_EDGES_1BASED],
        center=20,
        dims=3,
        bones=[(i - 1, j - 1) for i, j in _NTU_BONES_1BASED],
        flip_pairs=[(4, 8), (5, 9), (6, 10), (7, 11), (12, 16), (13, 17),
                    (14, 18), (15, 19), (21, 23), (22, 24)],
        parts=dict(
            head=[2, 3, 20],
            torso=[0, 1, 20, 4, 8, 12, 16],
            left_arm=[4, 5, 6, 7, 21, 22],
            right_arm=[8, 9, 10, 11, 23, 24],
            left_leg=[12, 13, 14, 15],
            right_leg=[16, 17, 18, 19]),
        joint_names=[
            'spine_base', 'spine_mid', 'neck', 'head', 'left_shoulder',
            'left_elbow', 'left_wrist', 'left_hand', 'right_shoulder',
            'right_elbow', 'right_wrist', 'right_hand', 'left_hip',
            'left_knee', 'left_ankle', 'left_foot', 'right_hip',
            'right_knee', 'right_ankle', 'right_foot', 'spine_shoulder',
            'left_hand_tip', 'left_thumb', 'right_hand_tip', 'right_thumb'
        ]))

register_layout(
    Layout(
        name='kinect_v1',
        num_node=20,
        inward=[(1, 0), (2, 1), (3, 2), (4, 2), (5, 4), (6, 5), (7, 6),
                (8, 2), (9, 8), (10, 9), (11, 10), (12, 0), (13, 12),
                (14, 13), (15, 14), (16, 0), (17, 16), (18, 17), (19, 18)],
        center=2,
        dims=3,
        flip_pairs=[(4, 8), (5, 9), (6, 10), (7, 11), (12, 16), (13, 17),
                    (14, 18), (15, 19)],
        parts=dict(
            head=[2, 3],
            torso=[0, 1, 2, 4, 8, 12, 16],
            left_arm=[4, 5, 6, 7],
            right_arm=[8, 9, 10, 11],
            left_leg=[12, 13, 14, 15],
            right_leg=[16, 17, 18, 19]),
        joint_names=[
            'hip_center', 'spine', 'shoulder_center', 'head',
            'left_shoulder', 'left_elbow', 'left_wrist', 'left_hand',
            'right_shoulder', 'right_elbow', 'right_wrist', 'right_hand',
            'left_hip', 'left_knee', 'left_ankle', 'left_foot', 'right_hip',
            'right_knee', 'right_ankle', 'right_foot'
        ]))

_COCO = Layout(
    name='coco',
    num_node=17,
    inward=[(15, 13), (13, 11), (16, 14), (14, 12), (11, 5), (12, 6), (9, 7),
            (7, 5), (10, 8), (8, 6), (5, 0), (6, 0), (1, 0), (3, 1), (2, 0),
            (4, 2)],
    center=0,
    dims=2,
    flip_pairs=[(1, 2), (3, 4), (5, 6), (7, 8), (9, 10), (11, 12), (13, 14),
                (15, 16)],
    parts=dict(
        head=[0, 1, 2, 3, 4],
        torso=[5, 6, 11, 12],
        left_arm=[5, 7, 9],
        right_arm=[6, 8, 10],
        left_leg=[11, 13, 15],
        right_leg=[12, 14, 16]),
    joint_names=[
        'nose', 'left_eye', 'right_eye', 'left_ear', 'right_ear',
        'left_shoulder', 'right_shoulder', 'left_elbow', 'right_elbow',
        'left_wrist', 'right_wrist', 'left_hip', 'right_hip', 'left_knee',
        'right_knee', 'left_ankle', 'right_ankle'
    ])
# Penn Action's joints are coco's without eyes and ears: penn joint i is coco
# joint _PENN_FROM_COCO[i] (the nose stands for the head). Its flip pairs and
# parts are coco's, carried over; its graph is its own.
_PENN_FROM_COCO = [0] + list(range(5, 17))
_COCO_TO_PENN = {c: p for p, c in enumerate(_PENN_FROM_COCO)}

register_layout(
    Layout(
        name='penn',
        num_node=len(_PENN_FROM_COCO),
        inward=[(1, 0), (2, 0), (3, 1), (4, 2), (5, 3), (6, 4), (7, 1),
                (8, 2), (9, 7), (10, 8), (11, 9), (12, 10)],
        center=0,
        dims=2,
        flip_pairs=[(_COCO_TO_PENN[a], _COCO_TO_PENN[b])
                    for a, b in _COCO.flip_pairs if a in _COCO_TO_PENN],
        parts={
            part: [_COCO_TO_PENN[j] for j in joints if j in _COCO_TO_PENN]
            for part, joints in _COCO.parts.items()
        },
        joint_names=['head'] + _COCO.joint_names[5:]))
register_layout(_COCO)

# kinect_v1 joint i is nturgb+d joint [0, 1, 20, 3, 4..19][i]; nturgb+d
# joints 2 (neck) and 21-24 (hand tips, thumbs) have no kinect_v1 source.
register_joint_mapping('nturgb+d', 'kinect_v1', [0, 1, 20, 3] +
                       list(range(4, 20)))
register_joint_mapping('coco', 'penn', _PENN_FROM_COCO)

_GRAPH_PATCHED = False


def patch_stock_graph() -> None:
    """Let mmaction2's ``Graph`` accept every registered layout name.

    The stock ``Graph`` only knows ``openpose``, ``nturgb+d`` and ``coco`` by
    name (other layouts must be given as dicts). Names it knows keep their
    stock definition; other registered names are expanded to the dict form.
    """
    global _GRAPH_PATCHED
    if _GRAPH_PATCHED:
        return
    from mmaction.models.utils import graph as graph_module
    stock_init = graph_module.Graph.__init__
    stock_names = ('openpose', 'nturgb+d', 'coco')

    def __init__(self, layout='coco', *args, **kwargs):
        if isinstance(layout, str) and layout not in stock_names:
            layout = get_layout(layout).graph_cfg_layout()
        stock_init(self, layout, *args, **kwargs)

    __init__.__doc__ = stock_init.__doc__
    graph_module.Graph.__init__ = __init__
    _GRAPH_PATCHED = True
