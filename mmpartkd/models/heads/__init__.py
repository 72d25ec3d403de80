from .part_contrast_head import (PartContrastHead, load_part_matrix,
                                 part_matrix_sidecar)

__all__ = ['PartContrastHead', 'load_part_matrix', 'part_matrix_sidecar']
