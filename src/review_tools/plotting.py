"""matplotlib as every figure of the reports uses it: the file-only Agg backend, and every text drawn as
plain text.  Titles, authors, database names, criteria and form choices come from records and the
protocol; with matplotlib's default mathtext a '$' in them ('$10 billion market', 'Smith$') starts a
formula and can stop a report ('Unknown symbol'), so math parsing is off."""

from __future__ import annotations

from typing import Any


def pyplot() -> Any:
    """matplotlib.pyplot with the Agg backend and ``text.parse_math`` off."""
    import matplotlib

    matplotlib.use("Agg")
    matplotlib.rcParams["text.parse_math"] = False
    import matplotlib.pyplot as plt

    return plt
