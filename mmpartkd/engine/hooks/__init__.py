from .ikem_phase_switch_hook import IKEMPhaseSwitchHook

__all__ = ['IKEMPhaseSwitchHook']
