"""Text from records and the protocol is drawn as plain text: a '$' never starts a formula."""

from __future__ import annotations

import io

import pandas as pd

from review_tools import synthesis_figures


def test_dollar_signs_in_labels_draw_as_text() -> None:
    """'$x$'-like labels from records or form choices once stopped reports 04-06 ('Unknown symbol')."""
    freq = pd.DataFrame({"choice": [r"$\foo$ market", "US$ 10", "$$"], "studies": [2, 1, 1],
                         "percent": [50.0, 25.0, 25.0]})
    fig = synthesis_figures.frequency_bar(freq, r"Themes $\alpha$")
    fig.savefig(io.BytesIO(), format="png")  # rendering would raise with mathtext on
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == [r"$\foo$ market", "US$ 10", "$$"]
