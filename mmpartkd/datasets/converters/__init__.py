"""Converters from raw dataset releases to mmaction2 ``PoseDataset``
pickles (used by ``tools/data/*.py``; see ``tools/data/README.md``)."""
from .common import (MalformedFileError, converter_parser, find_files,
                     run_converter)
from .ntu_rgbd import (convert_ntu_rgbd, ntu_skeleton_to_annotation,
                       ntu_split, parse_ntu_name, read_ntu_skeleton,
                       select_bodies)
from .ntu_missing_skeletons import (NTU60_MISSING_SKELETONS,
                                    NTU120_MISSING_SKELETONS)
from .penn_action import (PENN_ACTION_CLASSES, convert_penn_action,
                          read_penn_label)
from .sysu_3d_hoi import (SYSU_3D_HOI_CLASSES, convert_sysu_3d_hoi,
                          parse_sysu_path, read_sysu_skeleton, sysu_splits)

__all__ = [
    'MalformedFileError', 'find_files', 'converter_parser', 'run_converter', 'convert_ntu_rgbd',
    'ntu_skeleton_to_annotation', 'ntu_split', 'parse_ntu_name',
    'read_ntu_skeleton', 'select_bodies', 'NTU60_MISSING_SKELETONS',
    'NTU120_MISSING_SKELETONS', 'PENN_ACTION_CLASSES', 'convert_penn_action',
    'read_penn_label', 'SYSU_3D_HOI_CLASSES', 'convert_sysu_3d_hoi',
    'parse_sysu_path', 'read_sysu_skeleton', 'sysu_splits'
]
