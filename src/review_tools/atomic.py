"""Safe writes of the files people and reports rely on (decision logs, forms, record sets, the manifest).

* :func:`atomic_write`: the new content goes to a temporary file beside the target, renamed over it
  only when it is complete, so a crash or a killed process never leaves half a file; a failed write
  removes its temporary file (a full disk gets its space back).
* :func:`locked`: an exclusive lock on a file across processes (filelock: fcntl/msvcrt), for
  read-modify-write cycles -- two notebook kernels or two terminals writing the same decision log wait
  for each other instead of overwriting each other's rows.
* :func:`append_lines`: whole lines appended under the lock with one ``O_APPEND`` write and fsync; a
  line cut off by a killed writer is removed before the next append.

Temporary files left by a killed writer (``.<name>.tmp-<pid>``) are removed the next time the file is
written under its lock.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from filelock import FileLock, Timeout

from review_tools.errors import ReviewToolsError

LOCK_TIMEOUT = 60.0


class LockTimeout(ReviewToolsError):
    """Another process has held a file's lock for longer than the timeout."""


def _lock_path(path: Path) -> Path:
    return path.with_name(f".{path.name}.lock")


@contextmanager
def locked(path: Path, timeout: float = LOCK_TIMEOUT) -> Iterator[None]:
    """Hold the exclusive lock of ``path`` (a ``.<name>.lock`` file beside it) for the block."""
    path.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(_lock_path(path)), timeout=timeout)
    try:
        lock.acquire()
    except Timeout:
        raise LockTimeout(f"{path}: another process has been writing it for over {timeout:.0f} s; "
                          f"if none is, delete {_lock_path(path)}") from None
    try:
        _remove_leftovers(path)
        yield
    finally:
        lock.release()


def _remove_leftovers(path: Path) -> None:
    """Temporary files of writers that were killed (called under the file's lock, so none is live)."""
    for tmp in path.parent.glob(f".{path.name}.tmp-*"):
        with contextlib.suppress(OSError):
            tmp.unlink()


@contextmanager
def atomic_write(path: Path, *, newline: str | None = "", sync: bool = False) -> Iterator[TextIO]:
    """A UTF-8 text file to write ``path``'s new content into; it replaces ``path`` when the block ends
    without error (and is deleted when it fails).  ``newline`` is passed to ``open`` ('' for csv
    writers); ``sync`` flushes the data to disk before the rename (for records of people's decisions)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        with tmp.open("w", encoding="utf-8", newline=newline) as fh:
            yield fh
            if sync:
                fh.flush()
                os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        if isinstance(exc, OSError) and exc.filename in (str(tmp), None):  # name the file the user asked for
            raise OSError(exc.errno, exc.strerror, str(path)) from exc
        raise


def append_lines(path: Path, lines: list[str], header: str = "") -> None:
    """Append whole lines (each ending in '\\n') to ``path`` under its lock: a new file gets ``header``
    first (written atomically); an existing file is appended to with one write and fsync.  A last line
    without its newline -- a writer killed mid-write -- is cut off first, so rows never run together."""
    data = "".join(lines).encode("utf-8")
    with locked(path):
        if not path.exists():
            with atomic_write(path, newline="", sync=True) as fh:
                fh.write(header)
                fh.write("".join(lines))
            return
        fd = os.open(path, os.O_RDWR | os.O_APPEND)
        try:
            _cut_partial_line(fd)
            view = memoryview(data)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            os.fsync(fd)
        finally:
            os.close(fd)


def _cut_partial_line(fd: int) -> None:
    size = os.lseek(fd, 0, os.SEEK_END)
    if size == 0:
        return
    os.lseek(fd, max(0, size - 1), os.SEEK_SET)
    if os.read(fd, 1) == b"\n":
        return
    step, end = 4096, size
    while end > 0:  # look back for the last newline
        start = max(0, end - step)
        os.lseek(fd, start, os.SEEK_SET)
        chunk = os.read(fd, end - start)
        i = chunk.rfind(b"\n")
        if i >= 0:
            os.ftruncate(fd, start + i + 1)
            return
        end = start
    os.ftruncate(fd, 0)
