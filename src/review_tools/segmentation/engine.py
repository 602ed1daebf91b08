"""The lab's per-customer computations as Ibis expressions, so they run where the data is.

The pandas functions of :mod:`.rfm`, :mod:`.abc`, :mod:`.portfolio` and :mod:`.clv` hold a sample-sized
table in memory.  A company's transactions often do not fit, or live in a warehouse.  The same rules are
written here once, engine-neutrally, with Ibis: DuckDB is the embedded default and reads CSV or Parquet out
of core (``memory_limit`` is respected, spilling to disk); the same expressions run on Spark, BigQuery,
Snowflake or Postgres through their Ibis backends.  Only per-customer results come back
(:func:`collect`), and the models that need them whole (BG/NBD and Gamma-Gamma fits, care-model cuts)
take it from there.  Results equal the pandas path (tests compare them cell for cell):

* :func:`customer_totals`: net revenue, order days (days with a positive amount), first and last order;
* :func:`rfm_table`: recency, frequency, monetary and their scores by percentile rank, ties averaged as
  pandas ranks them; :func:`collect` adds the cell and the segment name;
* :func:`abc_classes`: ABC classes with sub-classes, ties in value ordered by customer id;
* :func:`value_per_year`: the portfolio's value axis;
* :func:`clv_summary`: the BG/NBD and Gamma-Gamma calibration summary (a day with only returns is no
  purchase).

``tx`` is an Ibis table with ``customer_id``, ``date`` and ``amount`` (and the ``value`` column when it is
another, e.g. ``margin``): ``ibis.duckdb.connect().read_parquet("tx/*.parquet")``, or a warehouse table.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from review_tools.segmentation.errors import SegmentationDataError
from review_tools.segmentation.rfm import DEFAULT_SEGMENTS, name_segments

_ABC = {"A": 0.8, "B": 0.95}
_SUB = {"AAA": 0.5, "AA": 0.7}


def _ibis() -> Any:
    import ibis

    return ibis


def duckdb(*, memory_limit: str | None = None, temp_directory: str | None = None, threads: int | None = None) -> Any:
    """An embedded DuckDB connection set up for data larger than memory: it spills to ``temp_directory``
    beyond ``memory_limit`` ('4GB'), and does not keep rows in insertion order (which needs the whole input
    in memory and is of no use to per-customer aggregates)."""
    config: dict[str, Any] = {"preserve_insertion_order": False}
    for key, val in (("memory_limit", memory_limit), ("temp_directory", temp_directory), ("threads", threads)):
        if val is not None:
            config[key] = val
    return _ibis().duckdb.connect(**config)


def customer_totals(tx: Any, *, value: str = "amount") -> Any:
    """Per customer: ``net`` (sum of ``value``), ``order_days`` (distinct days with a positive amount),
    ``first`` and ``last`` order day."""
    net = tx.group_by("customer_id").aggregate(net=tx[value].sum())
    orders = tx.filter(tx.amount > 0)
    order_day = orders.date.cast("date")
    stats = orders.group_by("customer_id").aggregate(order_days=order_day.nunique(), first=order_day.min(),
                                                     last=order_day.max())
    joined = net.left_join(stats, "customer_id")
    return joined.select("customer_id", "net", order_days=joined.order_days.fill_null(0), first=joined["first"],
                         last=joined["last"])


def _score(column: Any, bins: int, *, higher_is_better: bool = True) -> Any:
    """Scores 1..bins by percentile rank with tied values sharing their average rank (pandas'
    ``rank(method='average', pct=True)``)."""
    ibis = _ibis()
    order = column if higher_is_better else column.desc()
    min_rank = ibis.rank().over(ibis.window(order_by=order)) + 1
    ties = column.count().over(ibis.window(group_by=column))
    n = column.count().over(ibis.window())
    pct = (min_rank.cast("float64") + (ties.cast("float64") - 1) / 2) / n.cast("float64")
    return (pct * bins).ceil().clip(lower=1, upper=bins).cast("int64")


def rfm_table(tx: Any, *, as_of: str | dt.date | None = None, bins: int = 5, value: str = "amount") -> Any:
    """One row per customer with an order: recency (days), frequency (order days), monetary (net, rounded
    to cents) and the R, F and M scores, as :func:`review_tools.segmentation.rfm.rfm_table` computes them."""
    ibis = _ibis()
    totals = customer_totals(tx, value=value)
    buyers = totals.filter(totals.order_days > 0)
    if as_of is None:
        ref = tx.date.cast("date").max() + ibis.interval(days=1)
    else:
        ref = ibis.literal(pd.Timestamp(as_of).date())
    base = buyers.select("customer_id", recency=ref.delta(buyers["last"], unit="day"), frequency=buyers.order_days,
                         monetary=buyers.net.round(2))
    return base.mutate(R=_score(base.recency, bins, higher_is_better=False), F=_score(base.frequency, bins),
                       M=_score(base.monetary, bins))


def abc_classes(values: Any, *, classes: Mapping[str, float] | None = None,
                subclasses: Mapping[str, float] | None = None) -> Any:
    """ABC classes of a per-customer table (``customer_id``, ``value``), as
    :func:`review_tools.segmentation.abc.abc_classes`: rank, share, cumulative share, ``abc``, ``subclass``
    and ``no_value``."""
    ibis = _ibis()
    classes = _ABC if classes is None else classes
    subclasses = _SUB if subclasses is None else subclasses
    class_cuts = sorted(classes.items(), key=lambda kv: kv[1])
    sub_cuts = sorted(subclasses.items(), key=lambda kv: kv[1])
    last = "C" if "C" not in classes else "D"
    positive = ibis.greatest(values.value, 0.0)
    order = ibis.window(order_by=[values.value.desc(), values.customer_id])
    running = ibis.window(order_by=[ibis.desc("value"), ibis.asc("customer_id")], rows=(None, 0))
    shares = values.select("customer_id", "value", rank=ibis.row_number().over(order) + 1,
                           share=positive / positive.sum().over(ibis.window()))
    t = shares.mutate(cum_share=shares.share.sum().over(running))
    before = t.cum_share - t.share
    no_value = t.value <= 0
    abc = ibis.cases(*((before < cut - 1e-12, name) for name, cut in class_cuts), else_=last)
    sub = ibis.cases(*((before < cut - 1e-12, name) for name, cut in sub_cuts), else_=abc)
    return t.mutate(abc=ibis.ifelse(no_value, last, abc), subclass=ibis.ifelse(no_value, last, sub), no_value=no_value)


def value_per_year(tx: Any, end: str | dt.date, *, min_years: float = 1.0, value: str = "amount") -> Any:
    """Per buying customer: net revenue over its own years with us (first order to ``end``, at least
    ``min_years``), as :func:`review_tools.segmentation.portfolio.value_per_year`."""
    ibis = _ibis()
    totals = customer_totals(tx, value=value)
    buyers = totals.filter(totals.order_days > 0)
    years = (ibis.literal(pd.Timestamp(end).date()).delta(buyers["first"], unit="day") + 1).cast("float64") / 365.25
    return buyers.select("customer_id", value=buyers.net / ibis.greatest(years, min_years))


def clv_summary(tx: Any, *, calibration_end: str | dt.date) -> Any:
    """The BG/NBD and Gamma-Gamma calibration summary, as :func:`review_tools.segmentation.clv.rfm_summary`:
    ``frequency`` (repeat purchase days), ``recency`` and ``T`` in weeks, ``monetary`` (mean repeat spend)."""
    ibis = _ibis()
    end = pd.Timestamp(calibration_end).date()
    t = tx.filter(tx.date.cast("date") <= end).mutate(day=tx.date.cast("date"))
    daily = t.group_by(["customer_id", "day"]).aggregate(amount=t.amount.sum(), top=t.amount.max())
    daily = daily.filter(daily.top >= 0)
    g = daily.group_by("customer_id").aggregate(n=daily.day.count(), first=daily.day.min(), last=daily.day.max(),
                                               total=daily.amount.sum(), first_amount=daily.amount.argmin(daily.day))
    frequency = g.n - 1
    monetary = ibis.ifelse(frequency > 0, (g.total - g.first_amount) / frequency.cast("float64"), 0.0)
    return g.select("customer_id", frequency=frequency,
                    recency=g["last"].delta(g["first"], unit="day").cast("float64") / 7.0,
                    T=ibis.literal(end).delta(g["first"], unit="day").cast("float64") / 7.0, monetary=monetary)


def collect(expr: Any, *, segments: Sequence[tuple[str, tuple[int, int], tuple[int, int]]] | None = None
            ) -> pd.DataFrame:
    """Run ``expr`` on its engine and return the per-customer result as pandas, indexed and sorted by
    ``customer_id``; an RFM result also gets its ``cell`` and ``segment`` (the naming table is small and
    the same for every engine)."""
    out = expr.to_pandas().set_index("customer_id").sort_index()
    if out.empty:
        raise SegmentationDataError("the engine returned no customers")
    if {"R", "F", "M"} <= set(out.columns):
        out["cell"] = out["R"].astype(str) + out["F"].astype(str) + out["M"].astype(str)
        out["segment"] = name_segments(out["R"], (out["F"] + out["M"]) / 2, segments or DEFAULT_SEGMENTS)
    return out
