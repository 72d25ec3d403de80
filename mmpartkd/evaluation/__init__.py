from .robustness import (FAMILIES, Corruption, default_grid,
                         evaluate_robustness, find_layout, insert_corruption,
                         plot_robustness, read_csv, write_csv)

__all__ = [
    'FAMILIES', 'Corruption', 'default_grid', 'evaluate_robustness',
    'find_layout', 'insert_corruption', 'plot_robustness', 'read_csv',
    'write_csv'
]
