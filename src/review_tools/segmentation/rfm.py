"""Recency, frequency, monetary (RFM) scores and named RFM segments.

Each customer with at least one order in the period gets R, F and M scores from 1 to ``bins`` by
percentile rank (recency reversed: recent buyers score high), the three-digit RFM cell (e.g. ``545``)
and a segment name from a rule table on R and the mean of F and M.  This is the RFM scoring that
Christy et al. (2018, JKSU-CIS 33(10):1251-1257) apply to customer segmentation; the naming table is the
common champions / loyal / at risk / hibernating map and is a parameter, not a fixed truth.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from review_tools.i18n import message
from review_tools.segmentation.data import customer_totals
from review_tools.segmentation.errors import SegmentationDataError

# (segment, R range, FM range), first match wins; covers every cell of a 5 x 5 grid.
# The names are messages (review_tools.i18n): a report shows them in its language.
DEFAULT_SEGMENTS: tuple[tuple[str, tuple[int, int], tuple[int, int]], ...] = (
    (message("champions"), (4, 5), (4, 5)),
    (message("loyal"), (3, 5), (3, 5)),
    (message("potential loyalists"), (4, 5), (2, 3)),
    (message("new customers"), (5, 5), (1, 1)),
    (message("promising"), (4, 4), (1, 1)),
    (message("need attention"), (3, 3), (2, 3)),
    (message("about to sleep"), (3, 3), (1, 2)),
    (message("can't lose them"), (1, 2), (5, 5)),
    (message("at risk"), (1, 2), (3, 4)),
    (message("hibernating"), (2, 2), (1, 2)),
    (message("lost"), (1, 1), (1, 2)),
)


def score(values: pd.Series, *, bins: int = 5, higher_is_better: bool = True, ties: str = "average") -> pd.Series:
    """Scores 1..``bins`` by percentile rank.

    ``ties='average'`` gives tied customers the same score (so bins can be unequal when many customers
    share a value, e.g. one purchase); ``ties='first'`` splits ties by order for equal-size bins.
    """
    if ties not in ("average", "first", "min", "max", "dense"):
        raise ValueError(f"ties must be average, first, min, max or dense, not {ties!r}")
    ranked = (values if higher_is_better else -values).rank(method=ties, pct=True)
    return np.ceil(ranked * bins).clip(1, bins).astype(int)


def rfm_table(
    tx: pd.DataFrame,
    *,
    as_of: str | pd.Timestamp | None = None,
    bins: int = 5,
    ties: str = "average",
    value: str = "amount",
    segments: Sequence[tuple[str, tuple[int, int], tuple[int, int]]] = DEFAULT_SEGMENTS,
    customers: Iterable[object] | None = None,
) -> pd.DataFrame:
    """RFM table, one row per customer with an order: recency (days), frequency (order days), monetary
    (net of returns), the three scores, the cell and the segment name.

    ``as_of`` defaults to the day after the last transaction.  Customers with only returns in the period
    have no recency and are left out, and so are the customers of ``customers`` (the whole customer table's
    ids) with no transaction at all; their number is in ``attrs['left_out']``.

    Scores are percentile ranks cut into ``bins``; ``ties`` says how tied customers are ranked (pandas'
    rank methods).  With the default ``'average'`` tied customers share a score, so when most customers
    bought once they all get the score of the tie's middle (often F = 2, and no customer F = 1);
    ``'min'`` gives a tie the lowest score it spans (one-time buyers F = 1), ``'first'`` splits ties by
    order into equal bins (same history, different scores).
    """
    totals = customer_totals(tx, value=value)
    buyers = totals[totals["order_days"] > 0]
    if buyers.empty:
        raise SegmentationDataError("no customer has an order in the period: RFM needs orders")
    ref = pd.Timestamp(as_of) if as_of is not None else tx["date"].max() + pd.Timedelta(days=1)
    out = pd.DataFrame({
        "recency": (ref - buyers["last"]).dt.days,
        "frequency": buyers["order_days"],
        "monetary": buyers["net"].round(2),
    })
    out["R"] = score(out["recency"], bins=bins, higher_is_better=False, ties=ties)
    out["F"] = score(out["frequency"], bins=bins, ties=ties)
    out["M"] = score(out["monetary"], bins=bins, ties=ties)
    out["cell"] = out["R"].astype(str) + out["F"].astype(str) + out["M"].astype(str)
    out["segment"] = name_segments(out["R"], (out["F"] + out["M"]) / 2, segments)
    never = 0 if customers is None else len(set(customers) - set(totals.index))
    out.attrs["left_out"] = int(len(totals) - len(buyers)) + never
    out.attrs["as_of"] = ref
    return out


def name_segments(r: pd.Series, fm: pd.Series, segments: Sequence[tuple[str, tuple[int, int], tuple[int, int]]]
                  ) -> pd.Series:
    """Segment names by the first rule whose R and FM ranges hold; FM is rounded half up."""
    fm_int = np.floor(fm + 0.5).astype(int)
    names = pd.Series("other", index=r.index, dtype=object)
    done = pd.Series(False, index=r.index)
    for name, (r_lo, r_hi), (f_lo, f_hi) in segments:
        hit = ~done & r.between(r_lo, r_hi) & fm_int.between(f_lo, f_hi)
        names[hit] = name
        done |= hit
    return names
