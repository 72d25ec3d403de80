"""IKEM's six skeleton modalities (SPEC §5), computed in numpy.

Modalities and their names (the ``modalities`` argument of
:class:`GenSkeModalities`, the models and the configs):

================  ========================================================
name              value at frame ``t``, joint ``v`` (shape ``(3,)`` each)
================  ========================================================
joint             ``x[t, v]``
motion            ``s * (x[t+1, v] - x[t, v])``; the last frame is 0
bone              ``b[t, v] = x[t, v] - x[t, parent(v)]``; at the layout's
                  torso-normal joint (joint 21, 1-based, for nturgb+d) the
                  unit torso normal ``normalize((x2 - x9) x (x5 - x9))``
acceleration      ``s * (m[t+1, v] - m[t, v])`` with ``m`` the motion; the
                  last two frames are 0 (as upstream)
rotation_axis     ``r[t, v] = b[t, v] x b[t, axis_parent(v)]`` (not unit)
angular_velocity  ``s * (theta[t+1, v] - theta[t, v]) * normalize(r[t, v])``
                  with ``theta`` the angle between ``b[v]`` and
                  ``b[axis_parent(v)]``; the last frame is 0
================  ========================================================

Missing joints (zero coordinates, e.g. after ``MaskInvisibleJoints`` or
``RandomJointDrop``) give finite values (docs/method.md#modalities): the
bone of a missing joint is ``-x[parent]`` (``x[v]`` when only the parent is
missing, 0 when both are), the motion into / out of a missing frame
``-s * x[t]`` / ``s * x[t+1]``, and the angle ``theta`` with a zero-length
bone 0; at a frame where a bone has zero length its rotation axis and
angular velocity are 0, and the frame before it gets
``-s * theta[t] * normalize(r[t])`` (at most ``s * pi`` long).

``s`` is the time scale, output frames per original frame (IKEM: ``50 / L``
for a clip of ``L`` frames resized to 50), read from ``results['time_scale']``.

Sign convention of ``angular_velocity`` (kept from upstream): the axis is
``child x parent``, so when the angle between a bone and its parent bone
grows, the vector points along ``b[v] x b[parent]``; for a forearm turning
counter-clockwise about ``+z`` away from a hanging upper arm it points along
``-z``. Every cross product names its axis (``np.cross(..., axis=-1)``).

2D inputs (coco, penn) are lifted to 3D with ``z = 0`` first, so every
modality has 3 channels (rotation axis and angular velocity then lie along
``z``: signed in-plane rotation); ``keypoint_score`` is dropped.
"""
from typing import Dict, List, Optional, Sequence, Tuple, Union

import numpy as np
from mmcv.transforms import BaseTransform

from mmaction.registry import TRANSFORMS
from mmpartkd.structures import (IKEM_MODALITIES, Layout, get_joint_mapping,
                                 get_layout)

__all__ = [
    'IKEM_MODALITIES', 'IKEMPairs', 'get_ikem_pairs', 'compute_modalities',
    'GenSkeModalities'
]

_EPS = 1e-12  # torch.nn.functional.normalize's eps


class IKEMPairs:
    """Bone pairs, rotation-axis pairs and the torso normal of a layout.

    Args:
        bones (Sequence[tuple[int, int]]): ``(joint, parent)`` per joint,
            0-based; a self pair gives a zero bone (the root).
        axes (Sequence[tuple[int, int]]): ``(joint, parent)`` pairs of the
            rotation axis; defaults to ``bones``.
        torso_normal (tuple[int, tuple[int, int, int]], optional):
            ``(joint, (a, b, c))``: the bone of ``joint`` is replaced by
            ``normalize((x_a - x_c) x (x_b - x_c))``.
    """

    def __init__(self,
                 bones: Sequence[Tuple[int, int]],
                 axes: Optional[Sequence[Tuple[int, int]]] = None,
                 torso_normal: Optional[Tuple[int, Tuple[int, int,
                                                         int]]] = None):
        self.bones = [(int(a), int(b)) for a, b in bones]
        self.axes = [(int(a), int(b)) for a, b in (axes or bones)]
        self.torso_normal = (None if torso_normal is None else
                             (int(torso_normal[0]),
                              tuple(int(i) for i in torso_normal[1])))

    def arrays(self, num_node: int) -> Tuple[np.ndarray, np.ndarray]:
        """Parent index per joint for bones and axes, ``(V,)`` each; joints
        without a pair get themselves (zero vector)."""
        out = []
        for pairs in (self.bones, self.axes):
            parent = np.arange(num_node)
            for v, p in pairs:
                if not (0 <= v < num_node and 0 <= p < num_node):
                    raise ValueError(f'pair {(v, p)} outside [0, {num_node})')
                parent[v] = p
            out.append(parent)
        return out[0], out[1]

    def __repr__(self) -> str:
        return (f'IKEMPairs(bones={self.bones}, axes={self.axes}, '
                f'torso_normal={self.torso_normal})')


# nturgb+d: the layout's bones are CrosSCLR's / IKEM's pairs; the thumbs'
# rotation axes pair them with the hand tips ((23, 22) and (25, 24) 1-based).
_NTU_BONES = get_layout('nturgb+d').bones
_NTU_AXES = [(v, p) if v not in (22, 24) else (v, v - 1)
             for v, p in _NTU_BONES]
# mmaction2's coco bone pairs (JointToBone), root 0 (nose).
_COCO_BONES = [(0, 0), (1, 0), (2, 0), (3, 1), (4, 2), (5, 0), (6, 0), (7, 5),
               (8, 6), (9, 7), (10, 8), (11, 0), (12, 0), (13, 11), (14, 12),
               (15, 13), (16, 14)]

_BASE_PAIRS: Dict[str, IKEMPairs] = {
    'nturgb+d':
    IKEMPairs(
        bones=_NTU_BONES,
        axes=_NTU_AXES,
        torso_normal=(20, (1, 4, 8))),
    'coco':
    IKEMPairs(bones=_COCO_BONES),
}
# Layouts whose pairs are derived from a base layout through the registered
# joint mapping (a missing parent is replaced by its own parent).
_DERIVED_FROM = {'kinect_v1': 'nturgb+d', 'penn': 'coco'}


def _map_pairs(pairs: Sequence[Tuple[int, int]], index: np.ndarray,
               num_src: int) -> List[Tuple[int, int]]:
    parent = dict(pairs)
    inverse = np.full(num_src, -1)
    for t, s in enumerate(index):
        if s >= 0:
            inverse[s] = t
    out = []
    for t, s in enumerate(index):
        p, seen = parent.get(int(s), int(s)), set()
        while inverse[p] < 0 and p not in seen:  # climb over missing joints
            seen.add(p)
            p = parent.get(p, p)
        out.append((t, int(inverse[p]) if inverse[p] >= 0 else t))
    return out


def get_ikem_pairs(layout: Union[str, dict, Layout]) -> IKEMPairs:
    """IKEM's pairs for a layout.

    ``nturgb+d`` uses SPEC §5's pairs; ``kinect_v1`` the same pairs carried
    over by the ``nturgb+d -> kinect_v1`` joint mapping (the head hangs from
    the shoulder centre since kinect_v1 has no neck; torso normal at the
    shoulder centre from spine, left and right shoulder); ``coco`` mmaction2's
    bone pairs; ``penn`` the coco pairs carried over by ``coco -> penn``.
    Any other layout uses its ``Layout.bones`` and no torso normal.
    """
    layout = get_layout(layout)
    if layout.name in _BASE_PAIRS:
        return _BASE_PAIRS[layout.name]
    if layout.name in _DERIVED_FROM:
        src_name = _DERIVED_FROM[layout.name]
        src, base = get_layout(src_name), _BASE_PAIRS[src_name]
        index = get_joint_mapping(src_name, layout.name)
        torso = None
        if base.torso_normal is not None:
            inverse = {int(s): t for t, s in enumerate(index) if s >= 0}
            j, abc = base.torso_normal
            if j in inverse and all(i in inverse for i in abc):
                torso = (inverse[j], tuple(inverse[i] for i in abc))
        return IKEMPairs(
            bones=_map_pairs(base.bones, index, src.num_node),
            axes=_map_pairs(base.axes, index, src.num_node),
            torso_normal=torso)
    return IKEMPairs(bones=layout.bones)


def _normalize(x: np.ndarray) -> np.ndarray:
    return x / np.maximum(np.linalg.norm(x, axis=-1, keepdims=True), _EPS)


def compute_modalities(keypoint: np.ndarray,
                       pairs: IKEMPairs,
                       modalities: Sequence[str] = IKEM_MODALITIES,
                       time_scale: float = 1.) -> Dict[str, np.ndarray]:
    """Compute IKEM modalities of a skeleton sequence.

    Args:
        keypoint (np.ndarray): ``(M, T, V, C)``, ``C`` 2 or 3.
        pairs (IKEMPairs): Bone / axis pairs and torso normal.
        modalities (Sequence[str]): Names from :data:`IKEM_MODALITIES`.
        time_scale (float): ``s``, output frames per original frame.

    Returns:
        dict[str, np.ndarray]: name -> ``(M, T, V, 3)`` float32.
    """
    unknown = set(modalities) - set(IKEM_MODALITIES)
    if unknown:
        raise ValueError(f'unknown modalities {sorted(unknown)}; choose from '
                         f'{IKEM_MODALITIES}')
    x = np.asarray(keypoint, dtype=np.float64)
    if x.ndim != 4 or x.shape[-1] not in (2, 3):
        raise ValueError(f'keypoint must be (M, T, V, 2 or 3), got {x.shape}')
    if x.shape[-1] == 2:
        x = np.concatenate([x, np.zeros_like(x[..., :1])], axis=-1)
    V = x.shape[2]
    bone_parent, axis_parent = pairs.arrays(V)
    s = float(time_scale)
    out, cache = {}, {}

    def motion():
        if 'motion' not in cache:
            m = np.zeros_like(x)
            m[:, :-1] = s * (x[:, 1:] - x[:, :-1])
            cache['motion'] = m
        return cache['motion']

    def bone():
        if 'bone' not in cache:
            b = x - x[:, :, bone_parent]
            if pairs.torso_normal is not None:
                j, (a, b_, c) = pairs.torso_normal
                b[:, :, j] = _normalize(
                    np.cross(x[:, :, a] - x[:, :, c], x[:, :, b_] - x[:, :, c],
                             axis=-1))
            cache['bone'] = b
        return cache['bone']

    def rotation_axis():
        if 'rotation_axis' not in cache:
            b = bone()
            cache['rotation_axis'] = np.cross(b, b[:, :, axis_parent], axis=-1)
        return cache['rotation_axis']

    for name in modalities:
        if name == 'joint':
            value = x
        elif name == 'motion':
            value = motion()
        elif name == 'bone':
            value = bone()
        elif name == 'acceleration':
            m = motion()
            value = np.zeros_like(x)
            value[:, :-2] = s * (m[:, 1:-1] - m[:, :-2])
        elif name == 'rotation_axis':
            value = rotation_axis()
        else:  # angular_velocity
            nb = _normalize(bone())
            np_ = nb[:, :, axis_parent]
            # a zero-length bone gives arctan2(0, +0.) = 0 (np.sum starts
            # from +0., so no -0. dot product; #modalities)
            theta = np.arctan2(
                np.linalg.norm(np.cross(nb, np_, axis=-1), axis=-1),
                np.sum(nb * np_, axis=-1))  # (M, T, V)
            value = np.zeros_like(x)
            value[:, :-1] = (s * (theta[:, 1:] - theta[:, :-1]))[..., None] * \
                _normalize(rotation_axis())[:, :-1]
        out[name] = value.astype(np.float32)
    return out


@TRANSFORMS.register_module()
class GenSkeModalities(BaseTransform):
    """Generate IKEM's skeleton modalities, stacked along the channel axis.

    Packing: the output ``keypoint`` is ``(M, T, V, 3 * K)`` for ``K``
    modalities; channels ``3k:3k+3`` hold ``modalities[k]``. After
    ``FormatGCNInput`` and ``PackActionInputs`` a batch is
    ``(N, num_clips, M, T, V, 3K)``; :class:`MultiModalMoCo`,
    :class:`RelationalCMKD` and :class:`MultiModalRecognizerGCN` split it
    by their ``input_modalities`` (which must equal this ``modalities``).
    One tensor keeps the stock collate function, data preprocessor and
    ``num_clips`` handling.

    Required Keys:
        - keypoint ``(M, T, V, C)``, C 2 or 3
        - time_scale (optional, default 1.0)

    Modified Keys:
        - keypoint ``(M, T, V, 3 * len(modalities))`` float32

    Added Keys:
        - modalities (tuple[str]): the channel groups, in order

    Removed Keys:
        - keypoint_score (not meaningful for derived modalities)

    Args:
        layout (str | dict): Skeleton layout; gives the default pairs
            (:func:`get_ikem_pairs`).
        modalities (Sequence[str]): Modalities in output order. Defaults to
            all six (:data:`IKEM_MODALITIES`).
        bone_pairs (Sequence[tuple[int, int]], optional): Override the
            ``(joint, parent)`` bone pairs (0-based).
        axis_pairs (Sequence[tuple[int, int]], optional): Override the
            rotation-axis pairs (0-based).
        torso_normal (tuple, optional): Override the torso normal
            ``(joint, (a, b, c))``; ``False`` disables it.
    """

    def __init__(self,
                 layout: Union[str, dict] = 'nturgb+d',
                 modalities: Sequence[str] = IKEM_MODALITIES,
                 bone_pairs: Optional[Sequence[Tuple[int, int]]] = None,
                 axis_pairs: Optional[Sequence[Tuple[int, int]]] = None,
                 torso_normal: Optional[Union[bool, tuple]] = None) -> None:
        self.layout = get_layout(layout)
        self.modalities = tuple(modalities)
        unknown = set(self.modalities) - set(IKEM_MODALITIES)
        if unknown or not self.modalities:
            raise ValueError(f'modalities must be a non-empty subset of '
                             f'{IKEM_MODALITIES}, got {modalities}')
        base = get_ikem_pairs(self.layout)
        torso = base.torso_normal if torso_normal is None else (
            None if torso_normal is False else torso_normal)
        self.pairs = IKEMPairs(
            bones=bone_pairs if bone_pairs is not None else base.bones,
            axes=axis_pairs if axis_pairs is not None else (
                base.axes if bone_pairs is None else bone_pairs),
            torso_normal=torso)
        self.pairs.arrays(self.layout.num_node)  # validate

    def transform(self, results: Dict) -> Dict:
        keypoint = results['keypoint']
        if keypoint.shape[2] != self.layout.num_node:
            raise ValueError(
                f'GenSkeModalities: keypoint has {keypoint.shape[2]} joints '
                f'but layout "{self.layout.name}" has '
                f'{self.layout.num_node}')
        feats = compute_modalities(keypoint, self.pairs, self.modalities,
                                   results.get('time_scale', 1.))
        results['keypoint'] = np.concatenate(
            [feats[m] for m in self.modalities], axis=-1)
        results.pop('keypoint_score', None)
        results['modalities'] = self.modalities
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(layout={self.layout.name}, '
                f'modalities={self.modalities}, pairs={self.pairs})')
