"""Base of the distillers: one frozen, loaded teacher beside the trained
student side."""
import copy
import os.path as osp
from collections import OrderedDict
from typing import List, Optional, Union

from mmengine.config import Config
from mmengine.logging import print_log
from mmengine.model import BaseModel
from mmengine.runner.checkpoint import _load_checkpoint
from torch import nn

from mmaction.registry import MODELS
from mmaction.utils import OptConfigType
from ..utils import build_data_preprocessor, use_batched_graph_aggregation

__all__ = ['ModelSpec', 'build_model_cfg', 'TeacherStudentBase']

#: A model config dict, or the path of a config file whose ``model`` to use.
ModelSpec = Union[dict, str]


def build_model_cfg(spec: ModelSpec, what: str) -> dict:
    """A model config from a dict or from the ``model`` of a config file."""
    if isinstance(spec, str):
        if not osp.isfile(spec):
            raise FileNotFoundError(f'{what} config file "{spec}" not found')
        return Config.fromfile(spec)['model']
    if not isinstance(spec, dict) or 'type' not in spec:
        raise TypeError(f'{what} must be a model config dict or a config '
                        f'file path, got {type(spec).__name__}')
    return spec


def _mismatch_hints(mismatched: List[tuple]) -> List[str]:
    """What shape mismatches of a GCN checkpoint usually mean."""
    hints = []
    for key, got, want in mismatched:
        if key.endswith('cls_head.fc.weight'):
            hints.append(f'the checkpoint has {got[0]} classes, the teacher '
                         f'config {want[0]}')
        elif 'data_bn' in key or key.endswith('.A'):
            hints.append('the checkpoint was trained on another layout / '
                         'joint count / channel count')
    return list(dict.fromkeys(hints))


class TeacherStudentBase(BaseModel):
    """A distiller: a frozen teacher and a trained student side.

    The base owns the teacher (compare mmrazor's ``SingleTeacherDistill``);
    subclasses build the student side and the losses. In ``__init__`` a
    subclass calls :meth:`build_teacher` where the teacher belongs among its
    modules (the build order fixes the random initialisation of the other
    modules and the order of the checkpoint keys), which

    - builds the teacher from a config dict or a config file's ``model``;
    - loads ``teacher_ckpt`` (required) strictly: a missing or unexpected
      key or a shape mismatch raises ``ValueError`` naming them, with hints
      (class count, layout); a ``module.`` prefix (DDP) is stripped;
    - freezes it: no gradients, ``eval()`` mode whatever the distiller's
      mode (BN statistics and dropout fixed), never re-initialised by
      :meth:`init_weights`; its ST-GCN blocks aggregate over the graph
      with batched matrix products (:class:`BatchedUnitGCN`, same state
      dict, float rounding apart the same outputs, faster).

    Subclasses run the teacher under ``torch.no_grad``.

    Args:
        data_preprocessor (dict, optional): Defaults to
            ``ActionDataPreprocessor``.
        init_cfg (dict, optional): Must be None: a distiller-level
            initialisation would reach the loaded teacher; initialise the
            student through its own config.
    """

    #: The config the teacher is trained with, for the missing-checkpoint
    #: error.
    teacher_config_hint = 'TEACHER_CONFIG'
    #: An example teacher checkpoint path, for the same error.
    teacher_ckpt_example = 'work_dirs/<teacher>/best_acc_top1_epoch_N.pth'

    def __init__(self,
                 data_preprocessor: OptConfigType = None,
                 init_cfg: OptConfigType = None) -> None:
        if init_cfg:
            raise ValueError(
                f'{type(self).__name__} takes no init_cfg: it would '
                're-initialise the loaded teacher; give the student (or its '
                'backbone) an init_cfg instead')
        super().__init__(
            data_preprocessor=build_data_preprocessor(data_preprocessor),
            init_cfg=init_cfg)

    # ------------------------------------------------------------- teacher
    def build_teacher(self, teacher: ModelSpec, teacher_ckpt: Optional[str],
                      **overrides) -> nn.Module:
        """Build ``self.teacher`` (config ``teacher`` updated with
        ``overrides``), load ``teacher_ckpt`` strictly and freeze it."""
        name = type(self).__name__
        if not teacher_ckpt:
            raise ValueError(
                f'{name} needs teacher_ckpt (model.teacher_ckpt in the '
                f'config): train the teacher first (python tools/train.py '
                f'{self.teacher_config_hint}) and pass its checkpoint, e.g. '
                '--cfg-options model.teacher_ckpt='
                f'{self.teacher_ckpt_example}')
        if not osp.isfile(teacher_ckpt):
            raise FileNotFoundError(
                f'teacher checkpoint "{teacher_ckpt}" not found')
        cfg = build_model_cfg(teacher, 'teacher')
        if overrides:
            cfg = copy.deepcopy(cfg)
            cfg.update(overrides)
        self.teacher = MODELS.build(cfg)
        self.teacher_ckpt = teacher_ckpt
        self.load_teacher(teacher_ckpt)
        self.freeze_teacher()
        print_log(f'{name}: teacher loaded from {teacher_ckpt}',
                  logger='current')
        return self.teacher

    def load_teacher(self, ckpt: str) -> None:
        """Load a checkpoint into the teacher; every key must match."""
        checkpoint = _load_checkpoint(ckpt, map_location='cpu')
        state = checkpoint.get('state_dict', checkpoint)
        metadata = getattr(state, '_metadata', None)
        state = OrderedDict((k[7:] if k.startswith('module.') else k, v)
                            for k, v in state.items())
        if metadata is not None:  # per-module versions (BN) stay readable
            state._metadata = metadata
        own = self.teacher.state_dict()
        missing = sorted(set(own) - set(state))
        unexpected = sorted(set(state) - set(own))
        mismatched = [(k, tuple(state[k].shape), tuple(v.shape))
                      for k, v in own.items()
                      if k in state and state[k].shape != v.shape]
        if missing or unexpected or mismatched:
            detail = '; '.join(
                [f'{len(missing)} missing keys (e.g. {missing[:3]})'] *
                bool(missing) +
                [f'{len(unexpected)} unexpected keys (e.g. {unexpected[:3]})']
                * bool(unexpected) + [
                    f'{len(mismatched)} shape mismatches (e.g. '
                    f'{mismatched[:2]})'
                ] * bool(mismatched))
            raise ValueError(
                f'teacher checkpoint "{ckpt}" does not fit the teacher '
                f'config: {detail}. ' + ' '.join(_mismatch_hints(mismatched)))
        self.teacher.load_state_dict(state)

    def freeze_teacher(self) -> None:
        """No gradients, eval mode (kept by :meth:`train`), and the faster
        graph aggregation of :class:`BatchedUnitGCN` in its ST-GCN blocks
        (same weights; float rounding apart, the same outputs)."""
        self.teacher.eval()
        for param in self.teacher.parameters():
            param.requires_grad_(False)
        use_batched_graph_aggregation(self.teacher)

    # -------------------------------------------------------------- runner
    def init_weights(self) -> None:
        """Initialise every module but the (loaded, frozen) teacher."""
        for name, module in self.named_children():
            if name != 'teacher' and hasattr(module, 'init_weights'):
                module.init_weights()
        self._is_init = True

    def train(self, mode: bool = True) -> 'TeacherStudentBase':
        """Set the student side's mode; the teacher always stays in eval."""
        super().train(mode)
        self.teacher.eval()
        return self
