"""Distillation samples: a clean copy of the sample for the teacher, and the
packing of the student's low-quality input with that copy
(docs/method.md#partkd)."""
from typing import Dict, Sequence

from mmaction.datasets.transforms import FormatGCNInput, PackActionInputs
from mmaction.registry import TRANSFORMS
from mmcv.transforms import BaseTransform, to_tensor

from .utils import check_keypoint

__all__ = ['CopyHighQuality', 'PackDistillInputs']


@TRANSFORMS.register_module()
class CopyHighQuality(BaseTransform):
    """Keep a clean copy of the sample for the teacher.

    Put it right before the low-quality transforms; ``PackDistillInputs``
    later formats the copy like the student's input and packs both, so one
    annotation file serves teacher and student.

    Required Keys:
        - keypoint
        - keypoint_score (optional)

    Added Keys:
        - hq_keypoint
        - hq_keypoint_score (optional)
    """

    def transform(self, results: Dict) -> Dict:
        results['hq_keypoint'] = check_keypoint(results,
                                                type(self).__name__).copy()
        if 'keypoint_score' in results:
            results['hq_keypoint_score'] = results['keypoint_score'].copy()
        return results

    def __repr__(self) -> str:
        return f'{type(self).__name__}()'


@TRANSFORMS.register_module()
class PackDistillInputs(PackActionInputs):
    """Pack the low-quality input as ``inputs`` and the high-quality copy
    (made by ``CopyHighQuality``) as ``data_sample.hq_inputs``.

    The high-quality copy is formatted exactly like the student's input by
    ``FormatGCNInput(num_person, mode)`` (use the same values as the
    pipeline's ``FormatGCNInput``). Samples without a copy (a pipeline
    without ``CopyHighQuality``) are packed like ``PackActionInputs`` does.

    Required Keys:
        - keypoint (formatted by ``FormatGCNInput``)
        - hq_keypoint (optional), hq_keypoint_score (optional)
        - label

    Added Keys (in the data sample):
        - hq_inputs: tensor ``(num_clips, M, T, V', C')``
        - metainfo: ``frame_dir``, ``sample_idx`` and ``meta_keys``

    Args:
        num_person (int): Persons of the formatted copy. Defaults to 2.
        mode (str): Person padding mode of ``FormatGCNInput``.
        meta_keys (Sequence[str]): Meta keys of the data sample.
    """

    def __init__(self,
                 num_person: int = 2,
                 mode: str = 'zero',
                 meta_keys: Sequence[str] = ('frame_dir', 'sample_idx'),
                 **kwargs) -> None:
        super().__init__(meta_keys=meta_keys, **kwargs)
        self.format_hq = FormatGCNInput(num_person=num_person, mode=mode)

    def transform(self, results: Dict) -> Dict:
        packed = super().transform(results)
        if 'hq_keypoint' in results:
            hq = dict(keypoint=results['hq_keypoint'],
                      num_clips=results.get('num_clips', 1))
            if 'hq_keypoint_score' in results:
                hq['keypoint_score'] = results['hq_keypoint_score']
            hq = self.format_hq.transform(hq)
            packed['data_samples'].set_field(
                to_tensor(hq['keypoint']), 'hq_inputs')
        return packed

    def __repr__(self) -> str:
        return (f'{type(self).__name__}(format_hq={self.format_hq}, '
                f'meta_keys={self.meta_keys})')
