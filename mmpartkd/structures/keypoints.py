"""Validation of skeleton keypoint arrays, shared by the annotation loader,
the transforms and the layouts.

A skeleton sequence is a ``keypoint`` array of shape ``(M, T, V, C)``
(persons, frames, joints, coordinates) with an optional ``keypoint_score``
of shape ``(M, T, V)``. Missing joints are zeros (and score 0), never NaN
(see docs/method.md#low-quality-protocols).
"""
from typing import Optional, Sequence, Type

import numpy as np

__all__ = ['check_keypoint_array']


def check_keypoint_array(keypoint: np.ndarray,
                         where: str,
                         num_joints: Optional[int] = None,
                         expected_by: str = 'the layout',
                         coords: Optional[Sequence[int]] = None,
                         score: Optional[np.ndarray] = None,
                         check_finite: bool = True,
                         error: Type[Exception] = ValueError) -> np.ndarray:
    """Return ``keypoint`` after checking it; raise ``error`` with a message
    that starts with ``where`` (which names the file / sample / transform).

    Args:
        keypoint (np.ndarray): ``(M, T, V, C)``.
        where (str): Prefix of the messages, e.g.
            ``'RandomJointDrop on sample "S001"'``.
        num_joints (int, optional): Required ``V``; None accepts any.
        expected_by (str): Who expects ``num_joints``, for the message
            (``'the layout'``, ``'the dataset'``, ``'layout "coco"'``).
        coords (Sequence[int], optional): Allowed ``C`` (e.g. ``(2, 3)``);
            None accepts any.
        score (np.ndarray, optional): ``keypoint_score``, which must then be
            ``(M, T, V)``.
        check_finite (bool): Refuse NaN/inf values (the one check that
            reads every value).
        error (type): Exception class raised (a ``ValueError`` subclass such
            as ``AnnotationError``).

    Raises:
        error: For a wrong number of axes or of coordinates, an empty
            sequence (no person, frame or joint), a joint count other than
            ``num_joints``, NaN/inf values (with ``check_finite``; the first
            one is located) or a score array of another shape.
    """
    shape = keypoint.shape
    if keypoint.ndim != 4 or (coords is not None and shape[-1] not in coords):
        allowed = 'C' if coords is None else ' or '.join(map(str, coords))
        raise error(f'{where}: keypoint must have shape (persons M, frames '
                    f'T, joints V, coordinates {allowed}), got {shape}')
    if 0 in shape[:3]:
        raise error(f'{where}: empty skeleton sequence, keypoint shape '
                    f'{shape} (persons, frames, joints, coordinates)')
    if num_joints is not None and shape[2] != num_joints:
        raise error(f'{where}: keypoint has {shape[2]} joints, {expected_by} '
                    f'expects {num_joints} (another skeleton layout? convert '
                    'it with the ConvertLayout transform)')
    if check_finite and not np.isfinite(keypoint).all():
        # located only on failure: the check itself stays one pass
        bad = np.argwhere(~np.isfinite(keypoint))[0].tolist()
        raise error(f'{where}: keypoint contains NaN or inf (first at '
                    f'[person, frame, joint, coord] = {bad}); mark missing '
                    'joints with zeros (and keypoint_score 0) instead')
    if score is not None and np.shape(score) != shape[:3]:
        raise error(f'{where}: keypoint_score has shape {np.shape(score)}, '
                    f'expected {shape[:3]}')
    return keypoint
