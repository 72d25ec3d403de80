"""Refuse a stale teacher-feature cache before training starts."""
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper

from mmaction.registry import HOOKS
from mmpartkd.datasets.wrappers import innermost_dataset_cfg
from mmpartkd.apis.teacher_cache import cache_fingerprint
from mmpartkd.models.distillers import build_model_cfg

__all__ = ['TeacherCacheCheckHook']


@HOOKS.register_module()
class TeacherCacheCheckHook(Hook):
    """Check, before training, that the distiller's teacher cache was built
    from this run's teacher, annotation file, split and high-quality
    pipeline (a mismatch raises with the names of what changed)."""

    def before_train(self, runner) -> None:
        model = runner.model.module if is_model_wrapper(
            runner.model) else runner.model
        cache = getattr(model, 'teacher_cache', None)
        if cache is None:
            return
        dataset = innermost_dataset_cfg(runner.cfg.train_dataloader.dataset)
        cache.check(
            cache_fingerprint(model.teacher_ckpt, dataset,
                              build_model_cfg(runner.cfg.model.teacher,
                                              'teacher')),
            ' for this training run')
