"""Publishing a report set: built in a staging folder beside ``reports/`` and swapped in whole.

Readers (a browser, a reviewer's file manager, the next run's cache) see the previous set or the new one,
never a mixture and never none:

* On Linux the swap is one ``renameat2(RENAME_EXCHANGE)`` system call, which exchanges the two folders
  atomically.  Python's ``os`` module has no such call, hence :mod:`ctypes`.
* Elsewhere (or on a file system without the call) it is two renames; a process killed between them
  leaves the previous set as ``.reports.old-<pid>``, which :func:`recover` puts back before anything else
  is removed.
* One run at a time writes a report folder (:func:`publishing` holds its lock); folders left by killed
  runs are removed under that lock, so a live run's staging folder is never taken for a leftover.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from review_tools.atomic import LockTimeout, locked
from review_tools.errors import ReviewToolsError

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


class ReportsBusy(ReviewToolsError):
    """Another run is writing the same report folder."""


def staging_dir(reports: Path) -> Path:
    return reports.with_name(f".{reports.name}.staging-{os.getpid()}")


def _old_dir(reports: Path) -> Path:
    return reports.with_name(f".{reports.name}.old-{os.getpid()}")


@contextmanager
def publishing(reports: Path) -> Iterator[None]:
    """Hold the report folder's lock for the block, after repairing what a killed run left."""
    hold = contextlib.ExitStack()
    try:
        hold.enter_context(locked(reports, timeout=1.0))
    except LockTimeout:
        raise ReportsBusy(f"{reports}: another review-tools run is writing these reports; wait for it to "
                          f"finish (or, if none is running, delete {reports.with_name('.' + reports.name)}"
                          ".lock)") from None
    with hold:
        recover(reports)
        yield


@contextmanager
def staging(reports: Path) -> Iterator[Path]:
    """A fresh staging folder for the new set (inside :func:`publishing`), removed if the block fails."""
    stage = staging_dir(reports)
    stage.mkdir(parents=True)
    try:
        yield stage
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise


def recover(reports: Path) -> None:
    """Put back the previous set if a killed swap left no ``reports/``, then remove what killed runs left
    (staging folders, old sets).  Call under the folder's lock."""
    olds = sorted(reports.parent.glob(f".{reports.name}.old-*"), key=lambda p: p.stat().st_mtime)
    if not reports.exists() and olds:
        os.replace(olds.pop(), reports)
    for leftover in [*olds, *reports.parent.glob(f".{reports.name}.staging-*")]:
        shutil.rmtree(leftover, ignore_errors=True)


def swap_in(stage: Path, reports: Path) -> None:
    """Make ``stage`` the new ``reports`` and delete the previous set."""
    if not reports.exists():
        os.replace(stage, reports)
        return
    if exchange(stage, reports):
        shutil.rmtree(stage, ignore_errors=True)
        return
    old = _old_dir(reports)
    os.replace(reports, old)
    os.replace(stage, reports)
    shutil.rmtree(old, ignore_errors=True)


def exchange(a: Path, b: Path) -> bool:
    """Exchange two folders in one system call; False where the system or file system has no such call."""
    if not sys.platform.startswith("linux"):
        return False
    libc = ctypes.CDLL(None, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False
    raise OSError(err, os.strerror(err), str(b))

