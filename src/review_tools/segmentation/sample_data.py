"""A seeded, synthetic B2B pharmaceutical customer base with a known true segment for every customer.

Nobody's real customers: the numbers are made up by the rules below so that segmentation methods can be
run and *scored*.  Each customer gets a latent annual purchase value and purchase potential; its true
segment is the care-model quadrant (Hannus 2004) of those latent values: strategic (high value, high
potential), key (high value, lower potential), strategic opportunity (low value, high potential) and
one-off (transactional).  What a method sees is noisy: orders drawn from the latent value with seasonality, churn
and returns, and a sales representative's estimate of potential.  The data dictionary is ``data/README.md``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

CUSTOMER_TYPES = {
    # share of customers, median annual potential (EUR), orders per year at full activity
    "pharmacy": (0.55, 60_000.0, 24.0),
    "hospital": (0.10, 400_000.0, 36.0),
    "clinic": (0.30, 12_000.0, 8.0),
    "wholesaler": (0.05, 1_500_000.0, 52.0),
}
PRODUCT_LINES = ("cardiology", "oncology", "respiratory", "vaccines", "otc")
PRODUCT_MIX = {
    "pharmacy": (0.30, 0.05, 0.25, 0.05, 0.35),
    "hospital": (0.25, 0.40, 0.15, 0.15, 0.05),
    "clinic": (0.30, 0.05, 0.20, 0.40, 0.05),
    "wholesaler": (0.25, 0.20, 0.20, 0.15, 0.20),
}
MARGIN_RATE = {"cardiology": 0.35, "oncology": 0.45, "respiratory": 0.30, "vaccines": 0.25, "otc": 0.20}
REGIONS = ("Uusimaa", "Pirkanmaa", "Varsinais-Suomi", "Pohjois-Pohjanmaa", "Keski-Suomi")
# Seasonality of orders by calendar month: respiratory and vaccine demand peaks in autumn and winter.
SEASONALITY = np.array([1.15, 1.10, 1.05, 0.95, 0.90, 0.80, 0.70, 0.80, 1.00, 1.10, 1.15, 1.30])
SEGMENTS = ("strategic", "key", "strategic opportunity", "one-off")


@dataclass(frozen=True)
class SampleConfig:
    n_customers: int = 600
    start: str = "2022-01-01"
    years: int = 3
    seed: int = 20241213
    high_value_share: float = 0.25  # top share of latent value counted as high value
    high_potential_share: float = 0.25  # top share of latent potential counted as high potential
    return_rate: float = 0.03  # share of orders later partly returned
    annual_churn: float = 0.08  # chance per year that an account stops buying


def true_segment(value_high: np.ndarray, potential_high: np.ndarray) -> np.ndarray:
    """The care-model quadrant of (value, potential) flags."""
    return np.select(
        [value_high & potential_high, value_high, potential_high],
        ["strategic", "key", "strategic opportunity"],
        default="one-off",
    )


def generate(config: SampleConfig = SampleConfig()) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return ``(customers, transactions)``; the same config gives the same tables, byte for byte."""
    rng = np.random.default_rng(config.seed)
    n = config.n_customers
    types = np.array(list(CUSTOMER_TYPES))
    shares = np.array([v[0] for v in CUSTOMER_TYPES.values()])
    ctype = rng.choice(types, size=n, p=shares / shares.sum())
    median_pot = np.array([CUSTOMER_TYPES[t][1] for t in ctype])
    potential = median_pot * rng.lognormal(0.0, 0.6, n)
    # share of wallet: how much of its potential the customer buys from us today
    wallet = rng.beta(2.0, 3.0, n)
    value = potential * wallet
    value_high = value >= np.quantile(value, 1 - config.high_value_share)
    potential_high = potential >= np.quantile(potential, 1 - config.high_potential_share)
    segment = true_segment(value_high, potential_high)

    start = pd.Timestamp(config.start)
    end = start + pd.DateOffset(years=config.years) - pd.Timedelta(days=1)
    days = (end - start).days + 1
    # an account that churns stops at an exponential time; most stay for the whole period
    churn_day = np.where(rng.random(n) < 1 - (1 - config.annual_churn) ** config.years,
                         rng.integers(90, days, n), days)
    onboard_day = np.where(rng.random(n) < 0.15, rng.integers(0, days // 2, n), 0)

    region = rng.choice(REGIONS, size=n)
    estimated = np.round(potential * rng.lognormal(0.0, 0.25, n), -2)
    strength = np.clip(np.round(1 + 4 * wallet + rng.normal(0, 0.6, n)), 1, 5).astype(int)
    late = np.round(rng.gamma(1.5, 4.0, n), 1)
    # a representative's rating from what the representative sees, the estimated potential, never from the
    # latent high-potential flag the true segment is made of (that leaked the label into the data)
    estimated_rank = pd.Series(estimated).rank(pct=True).to_numpy()
    importance = np.clip(np.round(1 + 4 * (estimated_rank * 0.6 + rng.random(n) * 0.4)), 1, 5).astype(int)
    customers = pd.DataFrame({
        "customer_id": [f"C{i:05d}" for i in range(1, n + 1)],
        "customer_type": ctype,
        "region": region,
        "estimated_potential": estimated,
        "relationship_strength": strength,
        "payment_days_late": late,
        "strategic_importance": importance,
        "cost_to_serve": np.round(800 + 0.02 * value + rng.gamma(2.0, 400.0, n), 0),
        "true_segment": segment,
        "true_annual_value": np.round(value, 2),
        "true_potential": np.round(potential, 2),
    })

    rows = []
    month_of_day = (start + pd.to_timedelta(np.arange(days), unit="D")).month.to_numpy() - 1
    season = SEASONALITY[month_of_day]
    for i in range(n):
        t = ctype[i]
        orders_per_year = CUSTOMER_TYPES[t][2] * rng.uniform(0.6, 1.4)
        active = np.arange(onboard_day[i], churn_day[i])
        if active.size == 0:
            continue
        rate = orders_per_year / 365.0 * season[active]
        hits = active[rng.random(active.size) < rate]
        if hits.size == 0:
            hits = active[:1]
        mean_order = value[i] / orders_per_year
        amounts = mean_order * rng.lognormal(-0.08, 0.4, hits.size)
        lines = rng.choice(len(PRODUCT_LINES), size=hits.size, p=PRODUCT_MIX[t])
        for day, amount, line in zip(hits, amounts, lines, strict=True):
            rows.append((i, int(day), PRODUCT_LINES[line], float(amount), "order"))
            if rng.random() < config.return_rate and day + 14 < days:
                back = int(day + rng.integers(3, 14))
                rows.append((i, back, PRODUCT_LINES[line], -float(amount) * rng.uniform(0.1, 0.5), "return"))
    tx = pd.DataFrame(rows, columns=["cust", "day", "product_line", "amount", "kind"])
    tx = tx.sort_values(["day", "cust", "kind"], kind="stable").reset_index(drop=True)
    tx.insert(0, "transaction_id", [f"T{i:07d}" for i in range(1, len(tx) + 1)])
    tx["customer_id"] = customers["customer_id"].to_numpy()[tx["cust"]]
    tx["date"] = (start + pd.to_timedelta(tx["day"], unit="D")).dt.strftime("%Y-%m-%d")
    tx["amount"] = tx["amount"].round(2)
    tx["margin"] = (tx["amount"] * tx["product_line"].map(MARGIN_RATE)).round(2)
    transactions = tx[["transaction_id", "customer_id", "date", "product_line", "kind", "amount", "margin"]]
    return customers, transactions


def write(directory: str | Path, config: SampleConfig = SampleConfig()) -> tuple[Path, Path]:
    """Write ``customers.csv`` and ``transactions.csv`` into ``directory``; returns their paths."""
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    customers, transactions = generate(config)
    paths = out / "customers.csv", out / "transactions.csv"
    customers.to_csv(paths[0], index=False, lineterminator="\n")
    transactions.to_csv(paths[1], index=False, lineterminator="\n")
    return paths
