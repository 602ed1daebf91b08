"""Migration matrix, movers, per-segment profile, yearly values."""

from __future__ import annotations

import pandas as pd

from review_tools.segmentation import migration


def test_matrix_counts_every_customer_once() -> None:
    before = pd.Series({"a": "A", "b": "B", "c": "B", "d": "C"})
    after = pd.Series({"a": "A", "b": "A", "c": "C", "e": "B"})
    m = migration.migration_matrix(before, after, order=["A", "B", "C"])
    assert m.loc["B", "A"] == 1 and m.loc["B", "C"] == 1 and m.loc["A", "A"] == 1
    assert m.loc["C", "(gone)"] == 1 and m.loc["(new)", "B"] == 1
    assert int(m.to_numpy().sum()) == 5
    assert migration.moved(before, after, "B", "A") == ["b"]


def test_segment_profile_shares() -> None:
    seg = pd.Series({"a": "x", "b": "x", "c": "y"})
    p = migration.segment_profile(seg, revenue=pd.Series({"a": 10.0, "b": 30.0, "c": 60.0}))
    assert p.loc["x", "customers"] == 2 and p.loc["x", "revenue"] == 40.0
    assert p.loc["x", "revenue_share"] == 0.4 and p.loc["y", "revenue_mean"] == 60.0
    assert p["revenue_share"].sum() == 1.0


def test_yearly_values(small_tx) -> None:
    extra = pd.DataFrame({"transaction_id": ["t9"], "customer_id": ["b"], "date": [pd.Timestamp("2025-06-01")],
                          "amount": [7.0]})
    y = migration.yearly_values(pd.concat([small_tx, extra]))
    assert y.loc["a", 2024] == 170.0 and y.loc["b", 2025] == 7.0 and y.loc["a", 2025] == 0.0
