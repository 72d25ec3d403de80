from .part_contrast_head import PartContrastHead, load_part_matrix

__all__ = ['PartContrastHead', 'load_part_matrix']
