from .part_kd_distiller import PartKDDistiller, build_model_cfg, paired_mask

__all__ = ['PartKDDistiller', 'build_model_cfg', 'paired_mask']
