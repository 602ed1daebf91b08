"""ABC classes with AAA/AA sub-classes and the Pareto curve on a hand-checked case."""

from __future__ import annotations

import pandas as pd
import pytest

from review_tools.segmentation import abc
from review_tools.segmentation.errors import SegmentationDataError


def test_classes_by_hand() -> None:
    values = pd.Series({"v": 5.0, "w": 10.0, "x": 50.0, "y": 30.0, "z": 5.0})
    t = abc.abc_classes(values, classes={"A": 0.8, "B": 0.95}, subclasses={"AAA": 0.5, "AA": 0.7})
    # shares .5 .3 .1 .05 .05; a customer's class is where its cumulative share starts
    assert list(t.index) == ["x", "y", "w", "v", "z"]
    assert t["abc"].tolist() == ["A", "A", "B", "B", "C"]
    assert t["subclass"].tolist() == ["AAA", "AA", "B", "B", "C"]
    assert t["cum_share"].round(2).tolist() == [0.5, 0.8, 0.9, 0.95, 1.0]
    summary = abc.class_summary(t)
    assert summary.loc["A", "customers"] == 2 and summary.loc["A", "value_share"] == 0.8


def test_non_positive_values_are_class_c_and_flagged() -> None:
    t = abc.abc_classes(pd.Series({"a": 100.0, "b": -10.0, "c": 0.0}))
    assert t.loc["a", "abc"] == "A"
    assert t.loc[["b", "c"], "abc"].tolist() == ["C", "C"]
    assert t.loc[["b", "c"], "no_value"].all() and not t.loc["a", "no_value"]


def test_pareto_curve_runs_from_origin_to_one() -> None:
    c = abc.pareto_curve(pd.Series([1.0, 3.0, 6.0]))
    assert c.iloc[0].tolist() == [0.0, 0.0]
    assert c["value_share"].round(2).tolist() == [0.0, 0.6, 0.9, 1.0]
    assert c["customer_share"].iloc[-1] == 1.0


def test_bad_cuts_and_values() -> None:
    with pytest.raises(ValueError, match="must be in"):
        abc.abc_classes(pd.Series([1.0]), classes={"A": 1.5})
    with pytest.raises(ValueError, match="inside the first class"):
        abc.abc_classes(pd.Series([1.0]), classes={"A": 0.5}, subclasses={"AA": 0.7})
    with pytest.raises(SegmentationDataError, match="missing"):
        abc.abc_classes(pd.Series([1.0, None]))
    with pytest.raises(SegmentationDataError, match="no customer has a positive value"):
        abc.abc_classes(pd.Series([0.0, -1.0]))
