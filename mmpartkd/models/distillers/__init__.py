from .part_kd_distiller import PartKDDistiller, build_model_cfg, paired_mask
from .relational_cmkd import RelationalCMKD

__all__ = [
    'PartKDDistiller', 'build_model_cfg', 'paired_mask', 'RelationalCMKD'
]
