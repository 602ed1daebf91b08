"""Studies per year and frequency bars."""

from __future__ import annotations

import pandas as pd

from review_tools import synthesis, synthesis_figures


def test_years_without_studies_are_shown_as_gaps() -> None:
    dist = synthesis.distribution([2004, 2004, 2007, None], "year")
    fig = synthesis_figures.studies_per_year(dist)
    bars = fig.axes[0].patches
    assert [(round(b.get_x() + b.get_width() / 2), b.get_height()) for b in bars] == [
        (2004, 2), (2005, 0), (2006, 0), (2007, 1)]


def test_frequency_bar_labels() -> None:
    freq = pd.DataFrame({"choice": ["metrics", "care models"], "studies": [3, 1], "percent": [75.0, 25.0]})
    fig = synthesis_figures.frequency_bar(freq, "Themes")
    ax = fig.axes[0]
    assert [b.get_width() for b in ax.patches] == [3, 1]
    assert [t.get_text() for t in ax.texts] == ["  3 (75%)", "  1 (25%)"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["metrics", "care models"]
