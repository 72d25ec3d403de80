"""Helpers shared by the dataset converters."""
import argparse
import os
import os.path as osp
import sys
import time
from typing import Callable, Iterable, List, Optional, Sequence

__all__ = [
    'MalformedFileError', 'find_files', 'progress', 'converter_parser',
    'run_converter'
]


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


def converter_parser(description: str) -> argparse.ArgumentParser:
    """The argument parser of a converter tool, with ``--no-progress``
    (``show_progress``); destinations are named after the converter's
    keyword arguments so that ``run_converter(convert, **vars(args))``
    works."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument('--no-progress', dest='show_progress',
                        action='store_false', help='no progress bar')
    return parser


def run_converter(convert: Callable, *args, **kwargs) -> None:
    """Run a converter for a command-line tool: a malformed or missing file
    ends the process with its message (no traceback); the time is printed.
    """
    start = time.time()
    try:
        convert(*args, **kwargs)
    except (MalformedFileError, FileNotFoundError, ValueError) as e:
        sys.exit(f'error: {e}')
    print(f'done in {time.time() - start:.1f}s')
