from .base import TeacherStudentBase, build_model_cfg
from .part_kd_distiller import PartKDDistiller, paired_mask
from .relational_cmkd import RelationalCMKD
from .teacher_cache import CACHE_KEYS, TeacherCache

__all__ = [
    'TeacherStudentBase', 'build_model_cfg', 'PartKDDistiller', 'paired_mask',
    'RelationalCMKD', 'TeacherCache', 'CACHE_KEYS'
]
