from .robustness_plot import plot_robustness
from .skeleton_plot import (SkeletonView, animate_skeleton, draw_skeleton_frame,
                            joint_parts, load_part_matrix_row,
                            load_skeleton_views, plot_skeleton_strip)

__all__ = [
    'plot_robustness', 'SkeletonView', 'load_skeleton_views',
    'load_part_matrix_row', 'joint_parts', 'draw_skeleton_frame',
    'plot_skeleton_strip', 'animate_skeleton'
]
