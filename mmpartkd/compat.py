"""Compatibility fixes for the released mmaction2 1.2.0 / mmengine 0.10.7.

Everything mmpartkd changes in its dependencies lives in this module, and
``mmpartkd/__init__.py`` imports it before anything else. Each fix is listed
in SPEC §2 and in the README ("Compatibility layer"):

1. ``mmaction.models.localizers.drn`` is missing from the mmaction2 1.2.0
   wheel (upstream issue #2714), so ``import mmaction.models`` fails. A stub
   package is put into ``sys.modules``; building ``DRN`` raises a clear error.
2. torch >= 2.6 loads with ``weights_only=True`` by default, which refuses
   mmengine checkpoints (they pickle ``message_hub`` and numpy objects), so
   ``tools/test.py`` after ``tools/train.py``, ``--resume``, ``load_from`` and
   teacher loading all fail. Policy: local checkpoints are loaded with
   ``weights_only=False`` (the behaviour of torch < 2.6 that mmengine was
   written for) because checkpoints are files you trained or chose to trust.
   Set the environment variable ``MMPARTKD_WEIGHTS_ONLY=1`` to restore
   torch's restricted loader (plain ``state_dict`` files still load then).
"""
import os
import sys
import types
import warnings

__all__ = ['apply_compat', 'load_local_checkpoint']

_APPLIED = False


def _install_drn_stub() -> None:
    """Provide ``mmaction.models.localizers.drn(.drn)`` if the wheel lacks it."""
    import importlib.util
    name = 'mmaction.models.localizers.drn'
    if name in sys.modules:
        return
    spec = importlib.util.find_spec('mmaction')  # does not import mmaction
    if spec is None or not spec.submodule_search_locations:
        return
    for location in spec.submodule_search_locations:
        if os.path.isdir(os.path.join(location, 'models', 'localizers', 'drn')):
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


def load_local_checkpoint(filename: str, map_location=None) -> dict:
    """Load a local checkpoint file under mmpartkd's documented policy.

    Args:
        filename (str): Path to the checkpoint.
        map_location: Same as :func:`torch.load`.

    Returns:
        dict: The loaded checkpoint.
    """
    import torch
    filename = os.path.expanduser(filename)
    if not os.path.isfile(filename):
        raise FileNotFoundError(f'checkpoint file "{filename}" does not exist')
    weights_only = os.environ.get('MMPARTKD_WEIGHTS_ONLY', '0') == '1'
    return torch.load(
        filename, map_location=map_location, weights_only=weights_only)


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
    _APPLIED = True


apply_compat()
