"""Segmentation benchmark.

* RFM + ABC over 10 million transactions (the sample customer base replicated with new customer ids and
  jittered amounts), next to a raw DuckDB GROUP BY of the same per-customer aggregation, in the same run.
  Target (issue 7): <= 1.5 x DuckDB.
* k-means (k = 5, 10 starts) and a sampled silhouette on 1 million customers.
* BG/NBD + Gamma-Gamma fit on CDNOW (target <= 0.5 s); skipped where ../shared is absent.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
from sklearn.metrics import silhouette_score

from benchmarks._table import print_table
from review_tools.segmentation import abc, clustering, clv, data, rfm, sample_data

CDNOW = Path(__file__).resolve().parents[2] / "shared" / "data" / "external" / "lifetimes-cdnow" / "CDNOW_sample.txt"


def big_transactions(n: int, seed: int = 0) -> pd.DataFrame:
    """``n`` transactions: the sample repeated with fresh customer ids and amounts jittered by +-20 %."""
    _, tx = sample_data.generate()
    tx = data.check_transactions(tx.astype(str), "sample").data
    codes, ids = pd.factorize(tx["customer_id"])
    reps = n // len(tx) + 1
    idx = np.tile(np.arange(len(tx)), reps)[:n]
    rep = np.repeat(np.arange(reps), len(tx))[:n]
    rng = np.random.default_rng(seed)
    return pd.DataFrame({
        "customer_id": codes[idx] + rep * len(ids),
        "date": tx["date"].to_numpy()[idx],
        "amount": (tx["amount"].to_numpy()[idx] * rng.uniform(0.8, 1.2, n)).round(2),
    })


def timed(fn: Callable[[], object], repeat: int = 3) -> float:
    fn()  # warm-up
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t0)
    return statistics.median(runs)


def rfm_abc(tx: pd.DataFrame) -> None:
    table = rfm.rfm_table(tx)
    abc.abc_classes(table["monetary"])


def duckdb_group_by(con: duckdb.DuckDBPyConnection, tx: pd.DataFrame) -> pd.DataFrame:
    con.register("tx", tx)
    return con.execute(
        "SELECT customer_id, SUM(amount) AS net, COUNT(DISTINCT date) FILTER (WHERE amount > 0) AS order_days, "
        "MIN(date) FILTER (WHERE amount > 0) AS first, MAX(date) FILTER (WHERE amount > 0) AS last "
        "FROM tx GROUP BY customer_id").df()


def aggregation_rows(n: int) -> list[list[str]]:
    tx = big_transactions(n)
    con = duckdb.connect()
    ours = timed(lambda: rfm_abc(tx))
    peer = timed(lambda: duckdb_group_by(con, tx))
    ours_agg = timed(lambda: data.customer_totals(tx))
    n_cust = tx["customer_id"].nunique()
    return [
        [f"DuckDB GROUP BY ({len(tx):,} tx, {n_cust:,} customers)", f"{peer:.2f}", "1.00", "", ""],
        ["review-tools aggregation only (customer_totals)", f"{ours_agg:.2f}", f"{ours_agg / peer:.2f}", "", ""],
        ["review-tools RFM + ABC", f"{ours:.2f}", f"{ours / peer:.2f}", "<= 1.5 x DuckDB",
         "yes" if ours <= 1.5 * peer else "NO"],
    ]


def main() -> None:
    rows = aggregation_rows(10_000_000)

    rng = np.random.default_rng(1)
    customers = pd.DataFrame({
        "recency": rng.gamma(2.0, 60.0, 1_000_000), "frequency": rng.poisson(8, 1_000_000),
        "monetary": rng.lognormal(8, 1.2, 1_000_000), "potential": rng.lognormal(10, 0.8, 1_000_000)})
    x = clustering.feature_matrix(customers, list(customers.columns), log=["frequency", "monetary", "potential"])
    t0 = time.perf_counter()
    model = clustering.kmeans(x, 5, seed=1)
    fit = time.perf_counter() - t0
    t0 = time.perf_counter()
    silhouette_score(x.to_numpy(), model.labels_, sample_size=5000, random_state=1)
    sil = time.perf_counter() - t0
    rows.append(["k-means k=5, 10 starts, 1,000,000 customers", f"{fit:.2f}", "", "", ""])
    rows.append(["silhouette on a 5,000 sample of them", f"{sil:.2f}", "", "", ""])

    if CDNOW.exists():
        raw = pd.read_csv(CDNOW, sep=r"\s+", header=None, names=["customer_id", "s", "date", "cds", "amount"],
                          dtype={"date": str})
        raw["date"] = pd.to_datetime(raw["date"], format="%Y%m%d")

        def fit_both() -> None:
            s = clv.rfm_summary(raw, calibration_end="1997-09-30")
            clv.fit_bgnbd(s["frequency"], s["recency"], s["T"])
            clv.fit_gamma_gamma(s["frequency"], s["monetary"])

        t = timed(fit_both)
        rows.append(["BG/NBD + Gamma-Gamma on CDNOW (summary + both fits)", f"{t:.3f}", "", "<= 0.5 s",
                     "yes" if t <= 0.5 else "NO"])
    else:
        rows.append([f"BG/NBD + Gamma-Gamma on CDNOW: skipped, {CDNOW} not found", "", "", "", ""])
    print_table(["measure", "seconds", "ratio", "target", "met"], rows)


if __name__ == "__main__":
    main()
