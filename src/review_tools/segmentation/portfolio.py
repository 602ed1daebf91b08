"""Portfolio segmentation: value x potential care models with service levels, and Buttle's two phases.

* Care models (Hannus 2004, table 3 in the seed document): strategic (high value, high potential), key
  (high value), strategic opportunity (high potential) and one-off customers (Hannus's kerta-asiakkuudet;
  other texts call them transactional).  Cut points are parameters, given as quantiles of the buying customers or
  as absolute amounts.  Prospects, customers with a known potential and no orders yet, are placed by their
  potential: a high one makes a strategic opportunity, the not-yet-buying customer Hannus means.
* Service levels per care model are configuration (``data/service_levels.yaml``): contact frequency,
  channel, account responsibility, as in the service-level tables of Pesonen (2014).
* Buttle (2004, 115): phase 1 places customers by strategic importance and cost to serve; phase 2 by
  attractiveness and relationship strength, giving develop / maintain / withdraw.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from ruamel.yaml import YAML

from review_tools.segmentation.errors import SegmentationDataError

CARE_MODELS = ("strategic", "key", "strategic opportunity", "one-off")


def _cut(values: pd.Series, cut: float, kind: str) -> float:
    if kind == "quantile":
        if not 0 < cut < 1:
            raise ValueError(f"a quantile cut must be between 0 and 1, got {cut}")
        return float(values.quantile(cut))
    if kind == "absolute":
        return float(cut)
    raise ValueError(f"cut kind must be 'quantile' or 'absolute', not {kind!r}")


def care_models(
    value: pd.Series,
    potential: pd.Series,
    *,
    value_cut: float = 0.75,
    potential_cut: float = 0.75,
    kind: str = "quantile",
    prospects: Iterable[object] = (),
) -> pd.DataFrame:
    """Care model per customer from current value and purchase potential.

    A customer is high on an axis when its value is at or above the cut (the ``value_cut`` quantile of the
    buying customers when ``kind='quantile'``).  ``prospects`` (customers without orders, value 0) do not
    move the cuts and are placed by their potential; the ``prospect`` column marks them.  The cut values
    used are in ``attrs``.
    """
    both = pd.concat({"value": value, "potential": potential}, axis=1)
    if both.isna().any().any():
        missing = both.index[both.isna().any(axis=1)][:5].tolist()
        raise SegmentationDataError(f"value or potential missing for customer(s) {missing}")
    both["prospect"] = both.index.isin(list(prospects))
    if both["prospect"].all():
        raise SegmentationDataError("every customer is a prospect: the cuts need customers with orders")
    buying = both[~both["prospect"]]
    v_cut = _cut(buying["value"], value_cut, kind)
    p_cut = _cut(buying["potential"], potential_cut, kind)
    v_high = both["value"] >= v_cut
    p_high = both["potential"] >= p_cut
    both["care_model"] = np.select([v_high & p_high, v_high, p_high], list(CARE_MODELS[:3]), CARE_MODELS[3])
    both.attrs.update(value_cut=v_cut, potential_cut=p_cut)
    return both


def customer_portfolio(table: pd.DataFrame, orders: pd.DataFrame, customers: pd.DataFrame, *,
                       value_cut: float = 0.75, potential_cut: float = 0.75) -> pd.DataFrame:
    """The care model of every customer of ``customers``: value per year (:func:`value_per_year` of the RFM
    table's net revenue, up to the last transaction) against ``estimated_potential``, with the customers
    without orders placed as prospects (:func:`care_models`)."""
    first_order = orders[orders["amount"] > 0].groupby("customer_id")["date"].min()
    value = value_per_year(table["monetary"], first_order.reindex(table.index), orders["date"].max())
    return care_models(value.reindex(customers.index, fill_value=0.0), customers["estimated_potential"],
                       value_cut=value_cut, potential_cut=potential_cut,
                       prospects=customers.index.difference(table.index))


def value_per_year(net: pd.Series, first_order: pd.Series, end: str | pd.Timestamp, *,
                   min_years: float = 1.0) -> pd.Series:
    """Mean yearly net revenue over each customer's own time with us: from its first order to ``end``,
    counted as at least ``min_years`` (so a customer won last month is not valued at twelve times a
    month).  Dividing by the calendar years of the whole data instead understates every customer won
    after its start."""
    years = ((pd.Timestamp(end) - first_order).dt.days + 1) / 365.25
    return net / years.clip(lower=min_years)


class ServiceLevel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    account_plan: str = Field(min_length=1)
    responsibility: str = Field(min_length=1)
    contact_frequency: str = Field(min_length=1)
    visits_per_year: float = Field(ge=0)
    channel: str = Field(min_length=1)
    services: str = Field(min_length=1)


class ServiceLevels(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    strategic: ServiceLevel
    key: ServiceLevel
    strategic_opportunity: ServiceLevel
    one_off: ServiceLevel

    def table(self) -> pd.DataFrame:
        rows = {name: getattr(self, name.replace(" ", "_").replace("-", "_")).model_dump() for name in CARE_MODELS}
        out = pd.DataFrame.from_dict(rows, orient="index")
        out.index.name = "care_model"
        return out


def load_service_levels(path: str | Path) -> ServiceLevels:
    """Read the service-level table; every problem is reported with its field path."""
    path = Path(path)
    try:
        raw = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SegmentationDataError(f"{path}: file not found") from None
    try:
        return ServiceLevels.model_validate(raw)
    except ValidationError as exc:
        lines = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise SegmentationDataError(f"{path}: {lines}") from None


def buttle_two_phase(
    customers: pd.DataFrame,
    *,
    importance: str = "strategic_importance",
    cost: str = "cost_to_serve",
    attractiveness: str = "estimated_potential",
    strength: str = "relationship_strength",
    cut: float = 0.5,
) -> pd.DataFrame:
    """Buttle's two-phase portfolio.

    Phase 1: strategic importance x cost to serve (each split at the ``cut`` quantile).  Phase 2:
    attractiveness x relationship strength, read together with phase 1: attractive customers are developed
    where the relationship is weak and maintained where it is strong; unattractive ones are maintained
    where the relationship is strong and they are strategically important or cheap to serve, and otherwise
    withdrawn from (moved to low-cost channels) -- so a costly, unimportant customer is not kept on the
    expensive model because its relationship happens to be strong.
    """
    missing = [c for c in (importance, cost, attractiveness, strength) if c not in customers.columns]
    if missing:
        raise SegmentationDataError(f"customer table lacks column(s) {', '.join(missing)}")
    imp_hi = customers[importance] >= customers[importance].quantile(cut)
    cost_hi = customers[cost] >= customers[cost].quantile(cut)
    attr_hi = customers[attractiveness] >= customers[attractiveness].quantile(cut)
    strong = customers[strength] >= customers[strength].quantile(cut)
    phase1 = np.select(
        [imp_hi & ~cost_hi, imp_hi & cost_hi, ~imp_hi & ~cost_hi],
        ["important, low cost", "important, high cost", "less important, low cost"],
        "less important, high cost",
    )
    action = np.select([attr_hi & ~strong, attr_hi & strong, strong & (imp_hi | ~cost_hi)],
                       ["develop", "maintain", "maintain"], "withdraw")
    return pd.DataFrame({"phase1": phase1, "attractive": attr_hi, "strong": strong, "action": action},
                        index=customers.index)
