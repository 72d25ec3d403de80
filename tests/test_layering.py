"""The layer rule of docs/architecture.md, checked on the source.

Every module under ``mmpartkd/`` is parsed with ``ast``; every import of an
mmpartkd module (absolute or relative, at module level or inside a
function) must go down the layers:

* rank 0: ``structures``, ``utils``, ``compat``, ``version`` -- import no
  other mmpartkd subpackage above them;
* rank 1: ``datasets``, ``models`` -- import rank 0 only (not each other);
* rank 2: ``apis``, ``engine``, ``evaluation``, ``visualization`` -- import
  ranks 0-1, and each other only along :data:`SIDEWAYS` (no cycles);
* rank 3: the package root (``import mmpartkd`` registers everything) and
  ``testing`` (builders for tests and benchmarks).
"""
import ast
import os.path as osp
from pathlib import Path
from typing import Iterator, List, Optional, Tuple

import pytest

PACKAGE = 'mmpartkd'
PACKAGE_DIR = Path(__file__).resolve().parents[1] / PACKAGE

RANKS = {
    'structures': 0, 'utils': 0, 'compat': 0, 'version': 0,
    'datasets': 1, 'models': 1,
    'apis': 2, 'engine': 2, 'evaluation': 2, 'visualization': 2,
    '': 3, 'testing': 3,
}
#: Rank-2 subpackages that may import another rank-2 subpackage, and why.
SIDEWAYS = {
    ('engine', 'apis'): 'TeacherCacheCheckHook fingerprints the run like '
    'tools/cache_teacher.py (apis.teacher_cache.cache_fingerprint)',
    ('visualization', 'evaluation'): 'the robustness plot draws the '
    'corruption families of evaluation.corruption_grid',
}


def layer_of(module: str) -> str:
    """``'mmpartkd.models.utils'`` -> ``'models'``; the root -> ``''``."""
    parts = module.split('.')
    return parts[1] if len(parts) > 1 else ''


def shown(layer: str) -> str:
    return layer or 'the package root (import mmpartkd)'


def module_name(path: Path, root: Path) -> Tuple[str, bool]:
    """Dotted name of a source file and whether it is a package
    ``__init__``."""
    rel = path.relative_to(root.parent).with_suffix('')
    parts = list(rel.parts)
    is_package = parts[-1] == '__init__'
    if is_package:
        parts = parts[:-1]
    return '.'.join(parts), is_package


def imported_modules(source: str, module: str, is_package: bool
                     ) -> Iterator[Tuple[int, str]]:
    """``(line, module)`` of every mmpartkd module ``source`` imports;
    relative imports are resolved against ``module``."""
    package = module if is_package else module.rpartition('.')[0]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split('.')
                base = base[:len(base) - node.level + 1]
                target = '.'.join(base + ([node.module]
                                          if node.module else []))
            else:
                target = node.module
            yield node.lineno, target
            # ``from mmpartkd import models`` imports a subpackage
            if layer_of(target) == '':
                for alias in node.names:
                    yield node.lineno, f'{target}.{alias.name}'


def violation(importer: str, target: str) -> Optional[str]:
    """Why ``importer`` may not import ``target`` (both dotted names), or
    None if it may."""
    if target != PACKAGE and not target.startswith(PACKAGE + '.'):
        return None
    src, dst = layer_of(importer), layer_of(target)
    if src == dst:
        return None
    for layer in (src, dst):
        if layer not in RANKS:
            return (f'"{layer}" has no rank: add it to RANKS in '
                    'tests/test_layering.py and to docs/architecture.md')
    if RANKS[dst] > RANKS[src]:
        return (f'{shown(src)} (rank {RANKS[src]}) imports {shown(dst)} '
                f'(rank {RANKS[dst]})')
    if RANKS[dst] == RANKS[src] == 1:
        return f'{src} and {dst} must not import each other'
    if RANKS[dst] == RANKS[src] == 2 and (src, dst) not in SIDEWAYS:
        return (f'{src} imports {dst} (both rank 2): import what both need '
                'from a lower layer, or add the edge to SIDEWAYS with a '
                'reason')
    return None


def package_modules() -> List[Tuple[Path, str, bool]]:
    return [(path, *module_name(path, PACKAGE_DIR))
            for path in sorted(PACKAGE_DIR.rglob('*.py'))]


def layer_edges() -> dict:
    """``{(src_layer, dst_layer): [file:line, ...]}`` across layers."""
    edges = {}
    for path, module, is_package in package_modules():
        for line, target in imported_modules(path.read_text(), module,
                                             is_package):
            if target == PACKAGE or target.startswith(PACKAGE + '.'):
                src, dst = layer_of(module), layer_of(target)
                if src != dst:
                    edges.setdefault((src, dst), []).append(
                        f'{osp.relpath(path, PACKAGE_DIR.parent)}:{line}')
    return edges


def test_every_subpackage_has_a_rank():
    layers = {layer_of(m) for _, m, _ in package_modules()}
    assert layers - set(RANKS) == set(), 'give each layer a rank'


def test_imports_go_down_the_layers():
    errors = []
    for path, module, is_package in package_modules():
        for line, target in imported_modules(path.read_text(), module,
                                             is_package):
            why = violation(module, target)
            if why:
                errors.append(f'{osp.relpath(path, PACKAGE_DIR.parent)}:'
                              f'{line}: imports {target}: {why}')
    assert not errors, 'layer rule broken:\n' + '\n'.join(errors)


def test_no_cycles_between_layers():
    edges = layer_edges()
    graph = {}
    for src, dst in edges:
        graph.setdefault(src, set()).add(dst)

    def visit(node, path):
        if node in path:
            cycle = path[path.index(node):] + [node]
            where = {f'{a}->{b}': edges[(a, b)][:2]
                     for a, b in zip(cycle, cycle[1:])}
            pytest.fail(f'import cycle {" -> ".join(cycle)}: {where}')
        for nxt in graph.get(node, ()):
            visit(nxt, path + [node])

    for node in list(graph):
        visit(node, [])


@pytest.mark.parametrize('module,is_package,source,bad', [
    ('mmpartkd.models.distillers.base', False,
     'from ...apis.teacher_cache import write_cache', 'mmpartkd.apis'),
    ('mmpartkd.models.ssl', True, 'from ...datasets import x',
     'mmpartkd.datasets'),
    ('mmpartkd.structures.layouts', False,
     'def f():\n    from mmpartkd.models import utils', 'mmpartkd.models'),
    ('mmpartkd.evaluation.robustness', False, 'import mmpartkd',
     'mmpartkd'),
    ('mmpartkd.apis.builders', False, 'from mmpartkd import engine',
     'mmpartkd.engine'),
])
def test_checker_catches_upward_imports(module, is_package, source, bad):
    found = [(target, violation(module, target))
             for _, target in imported_modules(source, module, is_package)]
    assert any(t.startswith(bad) and why for t, why in found), found


def test_checker_allows_downward_and_internal_imports():
    source = ('from ..utils import pool_gcn_feature\n'
              'from .base import TeacherStudentBase\n'
              'from mmpartkd.structures import IKEM_MODALITIES\n'
              'import numpy\n')
    module = 'mmpartkd.models.distillers.relational_cmkd'
    targets = [t for _, t in imported_modules(source, module, False)]
    assert targets == ['mmpartkd.models.utils',
                       'mmpartkd.models.distillers.base',
                       'mmpartkd.structures', 'numpy']
    assert not any(violation(module, t) for t in targets)
