from .ikem_phase_switch_hook import IKEMPhaseSwitchHook
from .teacher_cache_check_hook import TeacherCacheCheckHook

__all__ = ['IKEMPhaseSwitchHook', 'TeacherCacheCheckHook']
