"""``PoseDataset`` that checks its annotation file when it loads it.

mmaction2's ``PoseDataset`` reports a truncated pickle as
``UnpicklingError: pickle data was truncated`` (no file name), a missing
split as a bare ``KeyError``, and lets NaN coordinates, empty sequences or
a wrong joint count through to the pipeline or the model, where they fail
far from their cause (or, for NaN, train on garbage). :class:`SafePoseDataset`
is a drop-in replacement that raises :class:`AnnotationError` naming the
file, the sample and the problem.
"""
import os.path as osp
import pickle
from typing import Callable, Dict, List, Optional, Union

import numpy as np
from mmaction.datasets import PoseDataset
from mmaction.registry import DATASETS
from mmpartkd.structures import check_keypoint_array

from .subset import stratified_subset

__all__ = ['SafePoseDataset', 'AnnotationError', 'check_annotations',
           'load_annotation_file']


class AnnotationError(ValueError):
    """A bad annotation file or sample; the message names both."""


def load_annotation_file(path: str) -> Union[dict, list]:
    """Unpickle ``path``; any failure becomes an :class:`AnnotationError`
    naming the file."""
    if not osp.isfile(path):
        raise FileNotFoundError(f'annotation file "{path}" not found')
    if not path.endswith(('.pkl', '.pickle')):
        raise AnnotationError(
            f'annotation file "{path}" must be a .pkl pickle')
    try:
        with open(path, 'rb') as f:
            return pickle.load(f)
    except Exception as e:  # truncated, corrupted, not a pickle, ...
        size = osp.getsize(path)
        raise AnnotationError(
            f'annotation file "{path}" ({size} bytes) cannot be read: '
            f'{type(e).__name__}: {e}. The file is truncated or corrupted '
            '(an interrupted copy or download?): regenerate it with the '
            'converter that wrote it') from e


def check_annotations(annotations: List[Dict], path: str,
                      num_joints: Optional[int] = None,
                      check_finite: bool = True) -> None:
    """Check every sample's ``keypoint`` (and ``keypoint_score``).

    Raises:
        AnnotationError: For a sample without ``keypoint``, a keypoint that
            is not ``(M, T, V, C)`` with ``C`` 2 or 3, an empty sequence
            (no person, frame or joint), a joint count other than
            ``num_joints``, NaN/inf values, or a score array of another
            shape. The message names the file and the sample.
    """
    for i, ann in enumerate(annotations):
        if not isinstance(ann, dict):
            raise AnnotationError(
                f'annotation file "{path}": sample {i} is a '
                f'{type(ann).__name__}, not a dict')
        name = ann.get('frame_dir', ann.get('filename', f'#{i}'))
        where = f'annotation file "{path}", sample "{name}" (index {i})'
        kp = ann.get('keypoint')
        if kp is None:
            raise AnnotationError(f'{where}: no "keypoint"')
        check_keypoint_array(
            np.asarray(kp), where, num_joints, 'the dataset', coords=(2, 3),
            score=ann.get('keypoint_score'), check_finite=check_finite,
            error=AnnotationError)


@DATASETS.register_module()
class SafePoseDataset(PoseDataset):
    """``PoseDataset`` with clear errors for bad annotation files.

    Same arguments as ``PoseDataset``, plus:

    Args:
        num_joints (int, optional): Joints every sample must have (e.g. 25
            for ``nturgb+d``); None accepts any count.
        check_finite (bool): Refuse NaN/inf coordinates (one pass over the
            data at load time). Defaults to True.
        subset (dict, optional): Keep a class-stratified part of the split:
            ``dict(fraction=0.8, seed=0, rest=False)``
            (:func:`stratified_subset`); ``rest=True`` keeps the other
            samples, e.g. a held-out part of the training split to choose
            loss weights on: train on ``dict(fraction=0.8)``, validate on
            ``split='train', subset=dict(fraction=0.8, rest=True)``.
    """

    def __init__(self,
                 ann_file: str,
                 pipeline: List[Union[Dict, Callable]],
                 num_joints: Optional[int] = None,
                 check_finite: bool = True,
                 subset: Optional[dict] = None,
                 **kwargs) -> None:
        self.num_joints = num_joints
        self.check_finite = check_finite
        if subset is not None:
            unknown = set(subset) - {'fraction', 'seed', 'rest'}
            if 'fraction' not in subset or unknown:
                raise ValueError(
                    f'SafePoseDataset subset={subset}: expected '
                    'dict(fraction=..., seed=0, rest=False)')
        self.subset = subset
        super().__init__(ann_file, pipeline=pipeline, **kwargs)

    def load_data_list(self) -> List[Dict]:
        path = self.ann_file
        data = load_annotation_file(path)
        if self.split is not None:
            if not isinstance(data, dict) or 'split' not in data or \
                    'annotations' not in data:
                raise AnnotationError(
                    f'annotation file "{path}" must be a dict with "split" '
                    f'and "annotations" to select split "{self.split}", got '
                    + (f'a dict with keys {sorted(data)}' if isinstance(
                        data, dict) else f'a {type(data).__name__}'))
            if self.split not in data['split']:
                raise AnnotationError(
                    f'annotation file "{path}" has no split "{self.split}";'
                    f' its splits: {sorted(data["split"])}')
            annos = data['annotations']
            split = set(data['split'][self.split])
            identifier = 'filename' if annos and 'filename' in annos[0] \
                else 'frame_dir'
            data_list = [x for x in annos if x.get(identifier) in split]
            if not data_list:
                raise AnnotationError(
                    f'annotation file "{path}": split "{self.split}" '
                    'selects no sample')
        else:
            data_list = data['annotations'] if isinstance(
                data, dict) and 'annotations' in data else data
            if not isinstance(data_list, list):
                raise AnnotationError(
                    f'annotation file "{path}" must hold a list of samples '
                    'or a dict with "annotations"')
        check_annotations(data_list, path, self.num_joints,
                          self.check_finite)
        if self.subset is not None:
            unlabelled = [i for i, x in enumerate(data_list)
                          if 'label' not in x]
            if unlabelled:
                raise AnnotationError(
                    f'annotation file "{path}": subset={self.subset} '
                    f'stratifies by label, but sample index {unlabelled[0]} '
                    'has no "label"')
            keep = stratified_subset([x['label'] for x in data_list],
                                     **self.subset)
            data_list = [data_list[i] for i in keep]
        if 'video' in self.data_prefix:
            for item in data_list:
                for key in ('filename', 'frame_dir'):
                    if key in item:
                        item[key] = osp.join(self.data_prefix['video'],
                                             item[key])
        return data_list
