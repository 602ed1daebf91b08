"""ABC (Pareto) classes by customer value, with AAA and AA sub-classes inside class A.

Customers are ranked by value (revenue or margin).  A customer belongs to the class in which its
cumulative share *starts*: with ``classes={'A': 0.8, 'B': 0.95}`` the customers that together make the
first 80 % of value are A (the one that crosses 80 % included), up to 95 % B, the rest C.  Inside A the
sub-classes of Rubanovitsch & Valorinta (2009) are cut the same way, e.g. ``subclasses={'AAA': 0.5,
'AA': 0.7}``.  Customers whose net value is not positive are class C and flagged ``no_value``.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from review_tools.segmentation.errors import SegmentationDataError


def _check_cuts(cuts: Mapping[str, float], what: str) -> list[tuple[str, float]]:
    items = sorted(cuts.items(), key=lambda kv: kv[1])
    for name, cut in items:
        if not 0 < cut <= 1:
            raise ValueError(f"{what} cut for {name} must be in (0, 1], got {cut}")
    return items


def abc_classes(
    values: pd.Series,
    *,
    classes: Mapping[str, float] | None = None,
    subclasses: Mapping[str, float] | None = None,
) -> pd.DataFrame:
    """Per customer: value, rank, share, cumulative share, ``abc`` class and ``subclass``."""
    classes = {"A": 0.8, "B": 0.95} if classes is None else classes
    subclasses = {"AAA": 0.5, "AA": 0.7} if subclasses is None else subclasses
    class_cuts = _check_cuts(classes, "class")
    sub_cuts = _check_cuts(subclasses, "subclass")
    if sub_cuts and class_cuts and sub_cuts[-1][1] > class_cuts[0][1]:
        raise ValueError("sub-class cuts must lie inside the first class")
    if values.isna().any():
        raise SegmentationDataError(f"{int(values.isna().sum())} customer value(s) missing")
    v = values.astype(float).sort_values(ascending=False, kind="stable")
    positive = v.clip(lower=0)
    total = positive.sum()
    if total <= 0:
        raise SegmentationDataError("no customer has a positive value; ABC classes need one")
    share = positive / total
    before = share.cumsum() - share  # cumulative share before this customer
    last = "C" if "C" not in classes else "D"
    abc = np.full(len(v), last, dtype=object)
    sub = np.full(len(v), last, dtype=object)
    for name, cut in reversed(class_cuts):
        abc[(before < cut - 1e-12).to_numpy()] = name
    sub[:] = abc
    for name, cut in reversed(sub_cuts):
        sub[((before < cut - 1e-12) & (v > 0)).to_numpy()] = name
    no_value = (v <= 0).to_numpy()
    abc[no_value] = last
    sub[no_value] = last
    return pd.DataFrame({
        "value": v,
        "rank": np.arange(1, len(v) + 1),
        "share": share,
        "cum_share": share.cumsum(),
        "abc": abc,
        "subclass": sub,
        "no_value": no_value,
    }, index=v.index)


def pareto_curve(values: pd.Series) -> pd.DataFrame:
    """Cumulative share of customers against cumulative share of value, best customers first."""
    v = values.clip(lower=0).sort_values(ascending=False).to_numpy(dtype=float)
    n = len(v)
    return pd.DataFrame({
        "customer_share": np.concatenate([[0.0], np.arange(1, n + 1) / n]),
        "value_share": np.concatenate([[0.0], np.cumsum(v) / v.sum()]),
    })


def class_summary(table: pd.DataFrame, column: str = "abc") -> pd.DataFrame:
    """Customers and value per class, with shares of the total."""
    g = table.groupby(column, sort=True)
    out = pd.DataFrame({"customers": g.size(), "value": g["value"].sum().round(2)})
    out["customer_share"] = (out["customers"] / out["customers"].sum()).round(4)
    out["value_share"] = (out["value"].clip(lower=0) / table["value"].clip(lower=0).sum()).round(4)
    return out
