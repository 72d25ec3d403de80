"""Compatibility fixes for the released mmaction2 1.2.0 / mmengine 0.10.7.

Everything mmpartkd changes in its dependencies lives in this module, and
``mmpartkd/__init__.py`` imports it before anything else. Each fix is listed
in the README ("Compatibility layer"):

1. ``mmaction.models.localizers.drn`` is missing from the mmaction2 1.2.0
   wheel (upstream issue #2714), so ``import mmaction.models`` fails. A stub
   package is put into ``sys.modules``; building ``DRN`` raises a clear error.
2. torch >= 2.6 loads with ``weights_only=True`` by default, which refuses
   mmengine checkpoints (they pickle the message hub's ``HistoryBuffer`` and
   numpy objects), so ``tools/test.py`` after ``tools/train.py``,
   ``--resume``, ``load_from`` and teacher loading all fail. mmengine's
   local-file loader is replaced by :func:`load_local_checkpoint`.
3. Mixed precision (``tools/train.py --amp``) on a machine without an
   accelerator: mmengine's ``AmpOptimWrapper`` refuses to be built there
   although its ``autocast`` runs on CPU (in bfloat16), and mmaction2's
   ``BaseHead.loss_by_feat`` converts the class scores to numpy for the
   top-k accuracy, which has no bfloat16. See :func:`_allow_amp_on_cpu` and
   :func:`_float_scores_for_accuracy`.

Checkpoint policy (every local checkpoint mmengine loads in the process:
``load_from``, ``--resume``, ``tools/test.py``, the distillers' teachers):

* **Default: safe.** ``torch.load(weights_only=True)`` plus a fixed
  allowlist, :func:`checkpoint_safe_globals`, of the globals an mmengine
  ``CheckpointHook`` checkpoint needs besides tensors: numpy's
  ``ndarray``, ``dtype``, ``multiarray._reconstruct`` (arrays) and
  ``multiarray.scalar`` (numpy scalars), under both their numpy 2
  (``numpy._core``) and numpy 1 (``numpy.core``) names, the dtype classes
  of ``numpy.dtypes`` (unpickling a dtype sets its state), and mmengine's
  ``HistoryBuffer`` (the message hub's logged scalars). A
  ``HistoryBuffer`` pickles its statistics methods as
  ``getattr(HistoryBuffer, 'min')``, so ``builtins.getattr`` is resolved to
  a restricted stand-in that returns only ``HistoryBuffer.min / max /
  current / mean`` and refuses any other ``getattr`` (the real one would let
  a file reach any attribute of an allowed class, e.g.
  ``numpy.ndarray.tofile``). Plain ``state_dict`` files
  (``tools/export_student.py``) need none of these. Such a load calls
  nothing but these constructors, so the file cannot run code.
* A file that needs any other global is refused with
  :class:`UntrustedCheckpointError`, which names the global(s), the file
  and the variable below.
* ``MMPARTKD_TRUST_CHECKPOINTS`` trusts files: ``1`` every local file,
  otherwise a list of files and directories separated by ``os.pathsep``
  (``:`` on Linux; a directory trusts every file below it). Trusted files
  load with ``weights_only=False`` (full pickle: the file can run code, as
  every file could under torch < 2.6).
* torch < 2.5 (no allowlist API): only plain ``state_dict`` files load by
  default; an mmengine checkpoint is refused unless trusted.
* ``MMPARTKD_WEIGHTS_ONLY=1``: torch's own restricted loader without the
  allowlist (only tensors and plain containers; the strictest, it wins over
  trust). ``MMPARTKD_WEIGHTS_ONLY=0`` is the old name of
  ``MMPARTKD_TRUST_CHECKPOINTS=1`` (it warns).

Remote checkpoints (``http://``, ``open-mmlab://``...) keep mmengine's own
loaders (torch's default, ``weights_only=True`` without this allowlist). A
teacher cache (``tools/cache_teacher.py``) is JSON plus ``.npy`` arrays read
with ``allow_pickle=False``: no pickle at all.
"""
import os
import pickle
import sys
import types
import warnings
from typing import Any, List, Tuple

__all__ = [
    'apply_compat', 'load_local_checkpoint', 'checkpoint_safe_globals',
    'UntrustedCheckpointError', 'TRUST_ENV', 'WEIGHTS_ONLY_ENV'
]

_APPLIED = False


def _install_drn_stub() -> None:
    """Provide ``mmaction.models.localizers.drn(.drn)`` if the wheel lacks
    it."""
    import importlib.util
    name = 'mmaction.models.localizers.drn'
    if name in sys.modules:
        return
    spec = importlib.util.find_spec('mmaction')  # does not import mmaction
    if spec is None or not spec.submodule_search_locations:
        return
    for location in spec.submodule_search_locations:
        if os.path.isdir(
                os.path.join(location, 'models', 'localizers', 'drn')):
            return  # a fixed mmaction2 ships the real module

    class DRN:  # noqa: D401 - stub
        """Stand-in for the DRN localizer missing from mmaction2 1.2.0."""

        def __init__(self, *args, **kwargs):
            raise ImportError(
                'DRN is not available: the mmaction2 1.2.0 release lacks '
                '`mmaction/models/localizers/drn` (upstream issue #2714). '
                'mmpartkd installed a stub so the rest of mmaction2 imports. '
                'Install mmaction2 from source to use DRN.')

    package = types.ModuleType(name)
    package.__path__ = []  # mark as a package
    module = types.ModuleType(name + '.drn')
    module.DRN = DRN
    package.drn = module
    package.DRN = DRN
    sys.modules[name] = package
    sys.modules[name + '.drn'] = module


TRUST_ENV = 'MMPARTKD_TRUST_CHECKPOINTS'
WEIGHTS_ONLY_ENV = 'MMPARTKD_WEIGHTS_ONLY'

# The statistics methods ``HistoryBuffer.__init__`` registers; a pickled
# buffer refers to them as ``getattr(HistoryBuffer, name)``.
_HISTORY_BUFFER_METHODS = frozenset(('min', 'max', 'current', 'mean'))


class UntrustedCheckpointError(pickle.UnpicklingError):
    """A checkpoint needs globals outside mmpartkd's allowlist."""


def _history_buffer_getattr(obj: Any, name: str) -> Any:
    """``builtins.getattr`` as the safe loader resolves it: only
    ``getattr(HistoryBuffer, 'min' | 'max' | 'current' | 'mean')``."""
    from mmengine.logging import HistoryBuffer
    if obj is HistoryBuffer and name in _HISTORY_BUFFER_METHODS:
        return getattr(HistoryBuffer, name)
    raise pickle.UnpicklingError(
        f'the checkpoint calls builtins.getattr({obj!r}, {name!r}); the safe '
        'loader allows getattr only for the statistics methods of '
        "mmengine's HistoryBuffer "
        f'({", ".join(sorted(_HISTORY_BUFFER_METHODS))})')


def checkpoint_safe_globals() -> List[Tuple[Any, str]]:
    """The allowlist of the safe loader as ``(object, pickled name)`` pairs
    for :func:`torch.serialization.safe_globals`.

    Why each is needed (an mmengine ``CheckpointHook`` checkpoint):
    ``numpy.ndarray`` / ``numpy.dtype`` (and the dtype classes of
    ``numpy.dtypes``) / ``multiarray._reconstruct``: numpy arrays
    (``HistoryBuffer`` histories, the numpy random state of
    :class:`ResumableEpochBasedTrainLoop`); ``multiarray.scalar``: numpy
    scalars (``eta`` and ``best_score`` of the message hub's runtime
    info); ``HistoryBuffer``: the message hub's ``log_scalars``;
    ``builtins.getattr``: the buffer's statistics methods (restricted, see
    :func:`_history_buffer_getattr`).
    """
    import numpy as np
    from mmengine.logging import HistoryBuffer
    try:
        multiarray = np._core.multiarray  # numpy >= 2
    except AttributeError:  # numpy 1.x
        multiarray = np.core.multiarray
    pairs = [(np.ndarray, 'numpy.ndarray'), (np.dtype, 'numpy.dtype'),
             (HistoryBuffer, 'mmengine.logging.history_buffer.HistoryBuffer'),
             (_history_buffer_getattr, 'builtins.getattr')]
    # numpy >= 1.25 gives every dtype its own class (``Float64DType``...);
    # unpickling a dtype calls its ``__setstate__``, which torch allows only
    # for allowlisted types. They are never named in the pickle itself.
    dtypes = getattr(np, 'dtypes', None)
    for name in getattr(dtypes, '__all__', ()):
        cls = getattr(dtypes, name)
        if isinstance(cls, type) and issubclass(cls, np.dtype):
            pairs.append((cls, f'numpy.dtypes.{name}'))
    # numpy 2 pickles these as numpy._core.multiarray.*, numpy 1 as
    # numpy.core.multiarray.*: accept files written with either.
    for module in ('numpy._core.multiarray', 'numpy.core.multiarray'):
        pairs += [(multiarray._reconstruct, f'{module}._reconstruct'),
                  (multiarray.scalar, f'{module}.scalar')]
    return pairs


def _trusted(filename: str) -> bool:
    """Whether ``MMPARTKD_TRUST_CHECKPOINTS`` (or the legacy
    ``MMPARTKD_WEIGHTS_ONLY=0``) trusts ``filename``."""
    if os.environ.get(WEIGHTS_ONLY_ENV) == '0':
        warnings.warn(
            f'{WEIGHTS_ONLY_ENV}=0 is deprecated: it trusts every checkpoint '
            f'(full pickle); set {TRUST_ENV}=1 (or a list of trusted paths) '
            'instead', FutureWarning, stacklevel=3)
        return True
    value = os.environ.get(TRUST_ENV, '').strip()
    if value in ('', '0'):
        return False
    if value == '1':
        return True
    path = os.path.realpath(filename)
    for entry in value.split(os.pathsep):
        if not entry:
            continue
        entry = os.path.realpath(os.path.expanduser(entry))
        if path == entry or (os.path.isdir(entry) and os.path.commonpath(
                [path, entry]) == entry):
            return True
    return False


def _refusal(filename: str, error: Exception,
             allowed: List[str]) -> UntrustedCheckpointError:
    """The error for a file the safe loader refused, naming what it needs."""
    import torch
    try:
        needed = set(
            torch.serialization.get_unsafe_globals_in_checkpoint(filename))
    except Exception:  # noqa: BLE001 - e.g. a legacy (non-zip) file
        needed = set()
    offending = sorted(needed - set(allowed))
    if offending:
        what = (f'it needs the global(s) {", ".join(offending)}, which are '
                "not in mmpartkd's allowlist of checkpoint globals")
    else:  # allowed globals used in a refused way (e.g. getattr)
        reason = str(error).split('WeightsUnpickler error:')[-1]
        what = ('torch\'s weights-only unpickler refused it: '
                + reason.split('Check the documentation')[0].strip())
    return UntrustedCheckpointError(
        f'refusing to load checkpoint "{filename}": {what}. Unpickling it '
        'fully could run arbitrary code from the file. If you trust it, set '
        f'{TRUST_ENV}={os.path.abspath(filename)} (a list of files or '
        f'directories separated by "{os.pathsep}", or 1 to trust every '
        'checkpoint); see mmpartkd/compat.py.')


def load_local_checkpoint(filename: str, map_location=None) -> dict:
    """Load a local checkpoint file under mmpartkd's policy (module
    docstring): safe by default, full pickle only for trusted files.

    Args:
        filename (str): Path to the checkpoint.
        map_location: Same as :func:`torch.load`.

    Returns:
        dict: The loaded checkpoint.

    Raises:
        FileNotFoundError: ``filename`` does not exist.
        UntrustedCheckpointError: the file needs globals outside the
            allowlist and is not trusted.
    """
    import torch
    filename = os.path.expanduser(filename)
    if not os.path.isfile(filename):
        raise FileNotFoundError(f'checkpoint file "{filename}" does not exist')
    if os.environ.get(WEIGHTS_ONLY_ENV) == '1':
        return torch.load(filename, map_location=map_location,
                          weights_only=True)
    if _trusted(filename):
        return torch.load(filename, map_location=map_location,
                          weights_only=False)
    if not hasattr(torch.serialization, 'get_unsafe_globals_in_checkpoint'):
        # torch < 2.5 has no allowlist: plain state dicts load, mmengine
        # checkpoints need trust (or a newer torch)
        try:
            return torch.load(filename, map_location=map_location,
                              weights_only=True)
        except pickle.UnpicklingError as error:
            raise UntrustedCheckpointError(
                f'refusing to load checkpoint "{filename}": torch '
                f'{torch.__version__} cannot allowlist the numpy and '
                'mmengine objects of an mmengine checkpoint (torch >= 2.5 '
                'can). If you trust the file, set '
                f'{TRUST_ENV}={os.path.abspath(filename)} (or 1 to trust '
                'every checkpoint); see mmpartkd/compat.py.') from error
    # Add only what is missing: leaving the context removes what it added,
    # which must not drop entries the user allowlisted themselves.
    present = torch.serialization.get_safe_globals()
    pairs = [p for p in checkpoint_safe_globals() if p not in present]
    try:
        with torch.serialization.safe_globals(pairs):
            return torch.load(filename, map_location=map_location,
                              weights_only=True)
    except pickle.UnpicklingError as error:
        raise _refusal(filename, error,
                       [name for _, name in checkpoint_safe_globals()]
                       ) from error


def _register_checkpoint_loader() -> None:
    from mmengine.runner.checkpoint import CheckpointLoader
    CheckpointLoader.register_scheme(
        prefixes='', loader=load_local_checkpoint, force=True)


def _silence_unactionable_warnings() -> None:
    # mmengine re-imports (importlib.reload) the deprecated pkg_resources each
    # time it resolves a `mmaction::` config; mmcv-lite warns that the CUDA
    # ops of full mmcv are absent. Neither is actionable for a user.
    warnings.filterwarnings(
        'ignore', message='pkg_resources is deprecated', category=UserWarning)
    warnings.filterwarnings(
        'ignore', message='Fail to import ``MultiScaleDeformableAttention``')


def _allow_amp_on_cpu() -> None:
    """Build ``AmpOptimWrapper`` without an accelerator (fix 3).

    Without CUDA (or NPU, MLU, MUSA) it autocasts to bfloat16, mmengine's
    CPU autocast dtype (any other ``dtype`` raises), with loss scaling off:
    bfloat16 has float32's exponent range, so gradients do not underflow
    (the reason to scale float16 losses). With an accelerator mmengine's
    own ``__init__`` runs unchanged.
    """
    import functools

    import torch
    from mmengine.device import (is_cuda_available, is_mlu_available,
                                 is_musa_available, is_npu_available)
    from mmengine.optim import AmpOptimWrapper, OptimWrapper
    original = AmpOptimWrapper.__init__
    if getattr(original, '_mmpartkd_cpu_amp', False):
        return

    @functools.wraps(original)
    def __init__(self, loss_scale='dynamic', dtype=None, use_fsdp=False,
                 **kwargs):
        if (is_cuda_available() or is_npu_available() or is_mlu_available()
                or is_musa_available()):
            return original(self, loss_scale, dtype, use_fsdp, **kwargs)
        if isinstance(dtype, str):
            dtype = getattr(torch, dtype, dtype)
        if dtype not in (None, torch.bfloat16):
            raise ValueError(
                f'AmpOptimWrapper without a GPU autocasts to bfloat16 (CPU '
                f'autocast), got dtype={dtype}')
        OptimWrapper.__init__(self, **kwargs)
        self._scale_update_param = None
        self.loss_scaler = torch.amp.GradScaler('cpu', enabled=False)
        self.cast_dtype = torch.bfloat16

    __init__._mmpartkd_cpu_amp = True
    AmpOptimWrapper.__init__ = __init__


def _float_scores_for_accuracy() -> None:
    """``BaseHead.loss_by_feat`` on bfloat16 class scores (fix 3): they are
    cast to float32 first, as numpy (the top-k accuracy) has no bfloat16.
    The classification loss is the same: autocast computes cross-entropy
    in float32 anyway."""
    import functools

    import torch
    from mmaction.models.heads.base import BaseHead
    original = BaseHead.loss_by_feat
    if getattr(original, '_mmpartkd_float_scores', False):
        return

    @functools.wraps(original)
    def loss_by_feat(self, cls_scores, data_samples):
        if cls_scores.dtype == torch.bfloat16:
            cls_scores = cls_scores.float()
        return original(self, cls_scores, data_samples)

    loss_by_feat._mmpartkd_float_scores = True
    BaseHead.loss_by_feat = loss_by_feat


def apply_compat() -> None:
    """Apply every fix once (idempotent)."""
    global _APPLIED
    if _APPLIED:
        return
    _install_drn_stub()
    _silence_unactionable_warnings()
    with warnings.catch_warnings():
        # mmengine imports the deprecated ``pkg_resources`` and mmaction2
        # imports modules that warn about optional packages; neither is
        # actionable for a user of mmpartkd.
        warnings.filterwarnings('ignore', category=DeprecationWarning)
        # mmengine imports pkg_resources lazily when a config inherits a
        # `mmaction::` base; importing it here, silenced, keeps that quiet.
        try:
            import pkg_resources  # noqa: F401
        except ImportError:  # setuptools >= 82: `mmaction::` bases fail
            pass
        import mmaction.models  # noqa: F401  (registers stock models)
        import mmaction.datasets  # noqa: F401
        import mmaction.evaluation  # noqa: F401
        import mmaction.engine  # noqa: F401
        _register_checkpoint_loader()
        _allow_amp_on_cpu()
        _float_scores_for_accuracy()
    _APPLIED = True


apply_compat()
