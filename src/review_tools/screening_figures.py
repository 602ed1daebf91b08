"""The screening progress chart: relevant records found against records screened, with where each
stopping rule stands (report 03 and the screening app draw the same chart)."""

from __future__ import annotations

import io
from collections.abc import Sequence

import numpy as np

from review_tools.i18n import tr
from review_tools.plotting import figure
from review_tools.stopping import Progress, progress


def progress_chart(screened: Sequence[int], n_total: int, *, title: str = "", state: Progress | None = None):
    """The gain curve of ``screened`` (include = 1, exclude = 0, in the order decided) out of ``n_total``
    records, the diagonal a random order would follow, and in the legend the recall confirmed so far
    (buscar, 95 % confidence), the decay model's estimate of recall, and the four rules' verdicts
    (``state``, when already worked out)."""
    labels = np.asarray(screened, dtype=int)
    state = state or progress(labels, n_total)
    fig = figure((6.4, 3.4))
    ax = fig.subplots()
    x = np.arange(0, len(labels) + 1)
    ax.step(x, np.concatenate([[0], np.cumsum(labels)]), where="post", color="#4c72b0",
            label=tr("relevant found: {found} of {screened} screened", found=state.found, screened=state.screened))
    if state.screened:
        ax.plot([0, n_total], [0, state.found * n_total / state.screened], color="#999999", linestyle=":",
                label=tr("random order at the same rate"))
    ax.axvline(n_total, color="#999999", linewidth=0.8)
    ax.plot([], [], " ", label=tr("recall at least {bound} % (95 % confidence, buscar)",
                                  bound=round(100 * state.recall_bound)))
    ax.plot([], [], " ", label=tr("buscar: {verdict}; knee method: {knee}", verdict=verdict(state.buscar_stop),
                                  knee=verdict(state.knee_stop)))
    ax.plot([], [], " ", label=tr("decay model: {decay}; either rule: {either}", decay=verdict(state.decay_stop),
                                  either=verdict(state.either_stop)))
    if state.estimated_recall is not None:
        ax.plot([], [], " ", label=tr("decay model: recall about {estimate} %, at least {low} %",
                                      estimate=round(100 * state.estimated_recall),
                                      low=round(100 * state.estimated_recall_low)))
    ax.set_xlim(0, n_total * 1.02)
    ax.set_ylim(0, max(1, state.found) * 1.15)
    ax.set_xlabel(tr("records screened"))
    ax.set_ylabel(tr("relevant found"))
    if title:
        ax.set_title(title, fontsize=10)
    ax.legend(loc="lower right", fontsize=8, frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return fig


def verdict(stop: bool) -> str:
    """What a stopping rule says, in the report's language (the chart's legend and report 03's table)."""
    return tr("stop") if stop else tr("keep screening")


def png(fig) -> bytes:
    """A figure as PNG bytes (for a widget)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=90)
    return buffer.getvalue()
