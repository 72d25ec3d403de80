"""mmpartkd: skeleton action recognition on low-quality skeletons for
mmaction2 1.x (part-level knowledge distillation and IKEM).

``import mmpartkd`` (or ``custom_imports=dict(imports=['mmpartkd'])`` in a
config) applies the compatibility fixes of :mod:`mmpartkd.compat` first, then
registers every mmpartkd component in mmaction2's registries.
"""
from . import compat  # noqa: F401  (must come first)
from .structures import patch_stock_graph
from .version import __version__

patch_stock_graph()

from . import datasets  # noqa: E402,F401
from . import engine  # noqa: E402,F401
from . import models  # noqa: E402,F401

__all__ = ['__version__']
