"""matplotlib as every figure of the reports uses it: the file-only Agg backend, and every text drawn as
plain text (log-axis ticks too: :func:`plain_log_ticks`).  Titles, authors, database names, criteria and
form choices come from records and the protocol; with matplotlib's default mathtext a '$' in them ('$10
billion market', 'Smith$') starts a formula and can stop a report ('Unknown symbol'), so math parsing is
off."""

from __future__ import annotations

from typing import Any


def plain_log_ticks(ax: Any) -> None:
    """Tick labels of log axes as plain numbers in the report's language (100 000 / 100,000): the default
    labels are mathtext ('$10^{5}$'), shown raw once math parsing is off."""
    from matplotlib.ticker import FuncFormatter

    from review_tools import i18n

    for axis in (ax.xaxis, ax.yaxis):
        if axis.get_scale() == "log":
            axis.set_major_formatter(FuncFormatter(lambda v, _pos: i18n.number(v) if v >= 1 else f"{v:g}"))
            axis.set_minor_formatter(FuncFormatter(lambda _v, _pos: ""))


def pyplot() -> Any:
    """matplotlib.pyplot with the Agg backend and ``text.parse_math`` off."""
    import matplotlib

    matplotlib.use("Agg")
    matplotlib.rcParams["text.parse_math"] = False
    import matplotlib.pyplot as plt

    return plt


def figure(figsize: tuple[float, float]) -> Any:
    """A matplotlib Figure outside pyplot's registry, with the same plain-text settings: safe to draw in a
    background thread (the screening app redraws its progress chart while the reviewer goes on)."""
    pyplot()
    from matplotlib.figure import Figure

    return Figure(figsize=figsize)
