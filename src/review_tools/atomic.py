"""Atomic file writes: every file people or reports rely on (decision logs, forms, record sets, the
manifest) is written to a temporary file beside it and renamed over it, so a crash or a killed process
never leaves half a file."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO


@contextmanager
def atomic_write(path: Path, *, newline: str | None = "", sync: bool = False) -> Iterator[TextIO]:
    """A UTF-8 text file to write ``path``'s new content into; it replaces ``path`` when the block ends
    without error.  ``newline`` is passed to ``open`` ('' for csv writers); ``sync`` flushes the data to
    disk before the rename (for records of people's decisions)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    with tmp.open("w", encoding="utf-8", newline=newline) as fh:
        yield fh
        if sync:
            fh.flush()
            os.fsync(fh.fileno())
    os.replace(tmp, path)
