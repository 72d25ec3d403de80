from .builders import (build_eval_dataloader, init_recognizer,
                       innermost_dataset_cfg, load_config)
from .part_matrix import (DEFAULT_PART_MATRIX_METHOD, PART_MATRIX_METHODS,
                          extract_part_features, measure_part_matrix,
                          moving_part_mask, normalize_part_matrix,
                          plot_part_matrix, probe_part_accuracy,
                          save_part_matrix, score_part_matrix)
from .teacher_cache import (CACHE_KEYS, TeacherCache, cache_fingerprint,
                            file_sha256, write_cache)

__all__ = [
    'load_config', 'init_recognizer', 'build_eval_dataloader',
    'innermost_dataset_cfg', 'extract_part_features', 'probe_part_accuracy',
    'normalize_part_matrix', 'plot_part_matrix', 'save_part_matrix',
    'PART_MATRIX_METHODS', 'DEFAULT_PART_MATRIX_METHOD',
    'measure_part_matrix', 'moving_part_mask', 'score_part_matrix',
    'TeacherCache', 'cache_fingerprint', 'file_sha256', 'write_cache',
    'CACHE_KEYS'
]
