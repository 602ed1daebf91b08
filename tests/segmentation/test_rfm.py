"""RFM scores and segments on a hand-checked case."""

from __future__ import annotations

import itertools

import pandas as pd
import pytest

from review_tools.segmentation import rfm
from review_tools.segmentation.errors import SegmentationDataError


def test_scores_by_percentile_rank_with_ties() -> None:
    values = pd.Series([1, 1, 1, 5])
    # ties share the average rank (0.5 -> score 1 of 2); the top value scores 2
    assert rfm.score(values, bins=2).tolist() == [1, 1, 1, 2]
    assert rfm.score(values, bins=2, ties="first").tolist() == [1, 1, 2, 2]
    assert rfm.score(pd.Series([10, 20, 30, 40, 50]), bins=5, higher_is_better=False).tolist() == [5, 4, 3, 2, 1]
    with pytest.raises(ValueError, match="ties must be"):
        rfm.score(values, ties="random")


def test_rfm_table_by_hand(small_tx) -> None:
    t = rfm.rfm_table(small_tx, as_of="2024-04-01", bins=3)
    assert list(t.index) == ["a", "b", "c"]  # d has only a return
    assert t.attrs["left_out"] == 1
    assert t.loc["a", ["recency", "frequency", "monetary"]].tolist() == [31, 2, 170.0]  # same-day orders merged
    assert t.loc["b", ["recency", "frequency", "monetary"]].tolist() == [51, 1, 1000.0]
    assert t.loc["c", ["recency", "frequency", "monetary"]].tolist() == [72, 2, 30.0]
    assert t["R"].tolist() == [3, 2, 1]
    assert t["F"].tolist() == [3, 1, 3]  # a and c tie on frequency
    assert t["M"].tolist() == [2, 3, 1]
    assert t.loc["a", "cell"] == "332"


def test_default_naming_table_covers_every_cell() -> None:
    cells = list(itertools.product(range(1, 6), range(1, 6)))
    r = pd.Series([c[0] for c in cells])
    fm = pd.Series([float(c[1]) for c in cells])
    names = rfm.name_segments(r, fm, rfm.DEFAULT_SEGMENTS)
    assert "other" not in set(names)
    assert names[cells.index((5, 5))] == "champions"
    assert names[cells.index((1, 5))] == "can't lose them"
    assert names[cells.index((1, 1))] == "lost"


def test_rfm_needs_orders(small_tx) -> None:
    with pytest.raises(SegmentationDataError, match="no customer has an order"):
        rfm.rfm_table(small_tx[small_tx["amount"] < 0])
