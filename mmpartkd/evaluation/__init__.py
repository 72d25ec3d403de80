from .corruption_grid import (CORRUPTION_POINT_AFTER, CORRUPTION_POINT_BEFORE,
                              FAMILIES, LOW_QUALITY_TRANSFORMS, Corruption,
                              config_test_pipeline, default_grid, find_layout,
                              insert_corruption, strip_corruptions)
from .robustness import (build_test_runner, evaluate_robustness, read_csv,
                         write_csv)

__all__ = [
    'FAMILIES', 'Corruption', 'default_grid', 'find_layout',
    'insert_corruption', 'config_test_pipeline', 'strip_corruptions',
    'CORRUPTION_POINT_AFTER', 'CORRUPTION_POINT_BEFORE',
    'LOW_QUALITY_TRANSFORMS', 'evaluate_robustness', 'build_test_runner',
    'read_csv', 'write_csv'
]
