"""Segment migration between two periods, and per-segment profiles (revenue share, CLV, service cost)."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

NEW, GONE = "(new)", "(gone)"


def migration_matrix(before: pd.Series, after: pd.Series, order: Sequence[str] | None = None) -> pd.DataFrame:
    """Customers counted by segment before (rows) and after (columns); customers present in one period
    only appear as ``(new)`` or ``(gone)``, so every customer is counted once."""
    idx = before.index.union(after.index)
    b = before.reindex(idx).fillna(NEW)
    a = after.reindex(idx).fillna(GONE)
    table = pd.crosstab(b, a)
    if order is not None:
        rows = [*[s for s in order if s in table.index], *([NEW] if NEW in table.index else [])]
        cols = [*[s for s in order if s in table.columns], *([GONE] if GONE in table.columns else [])]
        table = table.reindex(index=rows, columns=cols, fill_value=0)
    table.index.name, table.columns.name = "before", "after"
    return table


def moved(before: pd.Series, after: pd.Series, source: str, target: str) -> list[str]:
    """Ids of the customers who moved from ``source`` to ``target``."""
    common = before.index.intersection(after.index)
    return sorted(common[(before.loc[common] == source) & (after.loc[common] == target)])


def segment_profile(segment: pd.Series, **measures: pd.Series) -> pd.DataFrame:
    """Customers per segment, and for each measure (revenue=..., clv=..., service_cost=...) its total,
    its share of the total and its mean per customer."""
    df = pd.DataFrame({"segment": segment, **measures})
    g = df.groupby("segment", sort=False)
    out = pd.DataFrame({"customers": g.size()})
    for name in measures:
        total = g[name].sum()
        out[name] = total.round(2)
        out[f"{name}_share"] = (total / df[name].sum()).round(4)
        out[f"{name}_mean"] = g[name].mean().round(2)
    return out.sort_values("customers", ascending=False)


def yearly_values(tx: pd.DataFrame, *, value: str = "amount") -> pd.DataFrame:
    """Net value per customer (rows) and calendar year (columns); 0 where a customer did not buy."""
    table = tx.assign(year=tx["date"].dt.year).pivot_table(
        index="customer_id", columns="year", values=value, aggfunc="sum", fill_value=0.0)
    table.columns.name = "year"
    return table
