"""Figures of the synthesis: studies per year, and how often each theme (or other choice) occurs."""

from __future__ import annotations

import pandas as pd

from review_tools.i18n import tr
from review_tools.plotting import pyplot


def studies_per_year(dist: pd.DataFrame, column: str = "year"):
    """Vertical bars of included studies per publication year (every year in the range shown, so gaps
    are visible); ``dist`` is :func:`review_tools.synthesis.distribution` of the years."""
    plt = pyplot()
    years = dist[dist[column].map(lambda v: isinstance(v, int))]
    fig, ax = plt.subplots(figsize=(8, 3.2))
    if len(years):
        span = range(int(years[column].min()), int(years[column].max()) + 1)
        counts = dict(zip(years[column], years["studies"], strict=True))
        ax.bar(list(span), [counts.get(y, 0) for y in span], color="#4c72b0")
        ax.set_xticks(list(span)[:: max(1, len(span) // 12)])
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.set_xlabel(tr("publication year"))
    ax.set_ylabel(tr("studies"))
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return fig


def frequency_bar(freq: pd.DataFrame, title: str):
    """Horizontal bars of studies per choice (``freq`` from :func:`review_tools.synthesis.frequencies`),
    most frequent on top, each labelled with its count and share."""
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(8, 0.8 + 0.4 * len(freq)))
    ax.barh(range(len(freq)), freq["studies"], color="#55a868")
    for i, (n, pct) in enumerate(zip(freq["studies"], freq["percent"], strict=True)):
        ax.text(n, i, f"  {n} ({pct:.0f}%)", va="center", fontsize=8)
    ax.set_yticks(range(len(freq)), freq["choice"], fontsize=9)
    ax.set_ylim(len(freq) - 0.5, -0.5)
    ax.set_xlim(0, max(1, int(freq["studies"].max() if len(freq) else 1)) * 1.3)
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.set_xlabel(tr("studies"))
    ax.set_title(title, fontsize=10)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return fig
