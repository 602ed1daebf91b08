"""Pausing Python's cyclic garbage collector around bulk work that creates no reference cycles.

Importing tens of thousands of records or querying a million creates many objects at once, which makes
the collector walk every live object again and again (a quarter of an import's time, more than a whole
query at a million records).  The objects made there (records, lists, strings, arrays) hold no cycles,
so reference counting frees them without the collector; it is switched back on afterwards.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc() -> Iterator[None]:
    """Disable the cyclic collector inside the block; restore its previous state after, even on error."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
