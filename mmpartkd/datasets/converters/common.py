"""Helpers shared by the dataset converters."""
import os
import os.path as osp
from typing import Iterable, List, Optional, Sequence

__all__ = ['MalformedFileError', 'find_files', 'progress']


class MalformedFileError(ValueError):
    """A raw annotation file that does not follow its format.

    The message always names the file and, for text formats, the 1-based
    line: ``path:line: message``.
    """

    def __init__(self, path: str, message: str,
                 line: Optional[int] = None) -> None:
        self.path = path
        self.line = line
        self.reason = message
        where = path if line is None else f'{path}:{line}'
        super().__init__(f'{where}: {message}')

    def __reduce__(self):  # picklable across worker processes
        return (type(self), (self.path, self.reason, self.line))


def find_files(roots: Sequence[str], suffixes: Sequence[str]) -> List[str]:
    """Every file under ``roots`` (recursively) whose name ends with one of
    ``suffixes`` (case-insensitive), sorted; raise if a root is missing."""
    if isinstance(roots, str):
        roots = [roots]
    suffixes = tuple(s.lower() for s in suffixes)
    found = []
    for root in roots:
        if not osp.isdir(root):
            raise FileNotFoundError(f'data directory "{root}" not found')
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames.sort()
            for name in filenames:
                if name.lower().endswith(suffixes) and not name.startswith(
                        '.'):
                    found.append(osp.join(dirpath, name))
    return sorted(found)


def progress(items: Iterable, enabled: bool = True,
             total: Optional[int] = None) -> Iterable:
    """Iterate over ``items`` with mmengine's progress bar (on stdout)."""
    total = len(items) if total is None else total
    if not enabled or total == 0:
        yield from items
        return
    from mmengine.utils import ProgressBar
    bar = ProgressBar(total)
    for item in items:
        yield item
        bar.update()
