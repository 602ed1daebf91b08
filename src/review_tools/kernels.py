"""The kernels of the notebooks a run is executing, so that a stopped run ends them at once.

Jupyter starts each kernel in a session of its own, so Ctrl-C in the terminal never reaches it, and
nbclient's own signal handlers only work in the main thread, while the pipeline runs notebooks in worker
threads.  Without :func:`kill_all` a stopped run waited for every running notebook to finish (7-28 s).
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import threading
from typing import Any

from jupyter_client.manager import AsyncKernelManager

_live: set[TrackedKernelManager] = set()
_guard = threading.Lock()
_stopping = threading.Event()


def _expected(record: logging.LogRecord) -> bool:
    """Messages that are the expected end of a stopped or timed-out notebook, which the run reports in its
    own words: nbclient's "Kernel died while waiting for execute reply" (logged through papermill's logger)
    once the run is stopping, its "Timeout waiting for execute reply", and asyncio's note on the output
    poller nbclient leaves pending when a cell times out."""
    text = record.getMessage()
    return (_stopping.is_set() and record.name == "papermill") or text.startswith(
        "Timeout waiting for execute reply") or ("Task was destroyed" in text and "nbclient" in text)


logging.getLogger("papermill").addFilter(lambda record: not _expected(record))
logging.getLogger("asyncio").addFilter(lambda record: not _expected(record))


class TrackedKernelManager(AsyncKernelManager):
    """nbclient's kernel manager, registered while its kernel runs."""

    async def start_kernel(self, **kw: Any) -> None:
        with _guard:
            _live.add(self)
        await super().start_kernel(**kw)
        if _stopping.is_set():
            _kill(self)

    async def shutdown_kernel(self, now: bool = False, restart: bool = False) -> None:
        try:
            await super().shutdown_kernel(now=now, restart=restart)
        finally:
            with _guard:
                _live.discard(self)


def _kill(km: AsyncKernelManager) -> None:
    provisioner = km.provisioner
    process = getattr(provisioner, "process", None)
    if process is None or process.poll() is not None:
        return
    pgid = getattr(provisioner, "pgid", None)
    with contextlib.suppress(OSError):
        if pgid and hasattr(os, "killpg") and pgid != os.getpgrp():
            os.killpg(pgid, signal.SIGKILL)  # the kernel and whatever it started
        else:
            process.kill()


def kill_all() -> int:
    """Kill every running kernel (and any kernel that starts from now on); how many were running."""
    _stopping.set()
    with _guard:
        running = list(_live)
    for km in running:
        _kill(km)
    return len(running)


def stopping() -> bool:
    """True once :func:`kill_all` has been called: results of notebooks still finishing are not wanted."""
    return _stopping.is_set()


def reset() -> None:
    """Allow kernels again (a new run in the same process, such as a test)."""
    _stopping.clear()
