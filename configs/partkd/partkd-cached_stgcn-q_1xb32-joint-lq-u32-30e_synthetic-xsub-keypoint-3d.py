# PartKD reading the teacher's outputs from a cache instead of running it:
#   python tools/cache_teacher.py configs/partkd/partkd_stgcn-q_1xb32-joint-lq-u32-30e_synthetic-xsub-keypoint-3d.py \  # noqa: E501
#       --out work_dirs/teacher_cache_synthetic --num-augs 4
# The high-quality pipeline samples frames at random, so the cache holds 4
# random views per sample (see mmpartkd/apis/teacher_cache.py).
_base_ = ['./partkd_stgcn-q_1xb32-joint-lq-u32-30e_synthetic-xsub-keypoint-3d.py']  # noqa: E501
# the cache directory, from any working directory
model = dict(
    teacher_cache='{{fileDirname}}/../../work_dirs/teacher_cache_synthetic')
custom_hooks = [dict(type='TeacherCacheCheckHook')]
