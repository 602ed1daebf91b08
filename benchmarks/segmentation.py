"""Segmentation benchmark: RFM + ABC where the data is, and the CLV fits.

* RFM + ABC over 1, 10 and 30 million transactions with **text** customer ids (as the loader gives them),
  three ways on the same in-memory table: the pandas path (``rfm.rfm_table`` + ``abc.abc_classes``), a
  hand-written DuckDB SQL query doing the same (the peer), and the engine layer (``engine``, Ibis) on
  DuckDB.  Each runs in its own process, which reports its wall time (median of 3 after a warm-up) and its
  peak memory above the loaded table.  Target: the pandas path <= 1.0 x DuckDB SQL at 10 M.
* 100 million transactions in a Parquet file, RFM + ABC by the engine layer on DuckDB limited to 4 GB
  (out of core); target: completes within the limit.
* k-means (k = 5, 10 starts) on 1 million customers.
* BG/NBD + Gamma-Gamma on CDNOW (target <= 0.5 s), and the Gamma-Gamma fit's CPU time against the lifetimes
  package's (target <= 1.2 x), which runs in its own environment under build/ (made on first use: lifetimes
  is archived and kept out of the project's); skipped where ../shared is absent.
"""

from __future__ import annotations

import contextlib
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from benchmarks._table import print_table

ROOT = Path(__file__).resolve().parents[1]
CDNOW = ROOT.parent / "shared" / "data" / "external" / "lifetimes-cdnow" / "CDNOW_sample.txt"
LIFETIMES_VENV = ROOT / "build" / "lifetimes-venv"

# The peer: the same per-customer aggregation, scores (pandas' average ties) and ABC classes in DuckDB SQL.
PEER_SQL = """
WITH totals AS (
  SELECT customer_id, SUM(amount) AS net,
         COUNT(DISTINCT CAST(date AS DATE)) FILTER (WHERE amount > 0) AS order_days,
         MAX(CAST(date AS DATE)) FILTER (WHERE amount > 0) AS last
  FROM tx GROUP BY customer_id),
buyers AS (
  SELECT customer_id, date_diff('day', last, (SELECT MAX(CAST(date AS DATE)) FROM tx) + 1) AS recency,
         order_days AS frequency, ROUND(net, 2) AS monetary FROM totals WHERE order_days > 0),
scored AS (
  SELECT *,
    LEAST(5, GREATEST(1, CEIL(5 * ((RANK() OVER (ORDER BY recency DESC)) + (COUNT(*) OVER (PARTITION BY recency) - 1)
      / 2.0) / COUNT(*) OVER ()))) AS R,
    LEAST(5, GREATEST(1, CEIL(5 * ((RANK() OVER (ORDER BY frequency)) + (COUNT(*) OVER (PARTITION BY frequency) - 1)
      / 2.0) / COUNT(*) OVER ()))) AS F,
    LEAST(5, GREATEST(1, CEIL(5 * ((RANK() OVER (ORDER BY monetary)) + (COUNT(*) OVER (PARTITION BY monetary) - 1)
      / 2.0) / COUNT(*) OVER ()))) AS M,
    GREATEST(monetary, 0) / SUM(GREATEST(monetary, 0)) OVER () AS share
  FROM buyers),
ranked AS (
  SELECT *, SUM(share) OVER (ORDER BY monetary DESC, customer_id ROWS UNBOUNDED PRECEDING) - share AS before
  FROM scored)
SELECT customer_id, recency, frequency, monetary, R, F, M,
  CASE WHEN monetary <= 0 THEN 'C' WHEN before < 0.8 - 1e-12 THEN 'A' WHEN before < 0.95 - 1e-12 THEN 'B' ELSE 'C'
  END AS abc
FROM ranked
"""


def transactions(n: int, seed: int = 0) -> pd.DataFrame:
    """``n`` transactions: the sample customer base repeated with fresh text customer ids and amounts jittered
    by +-20 %."""
    from review_tools.segmentation import data, sample_data

    _, tx = sample_data.generate()
    tx = data.check_transactions(tx.astype(str), "sample").data
    codes, ids = pd.factorize(tx["customer_id"])
    reps = n // len(tx) + 1
    idx = np.tile(np.arange(len(tx)), reps)[:n]
    rep = np.repeat(np.arange(reps), len(tx))[:n]
    rng = np.random.default_rng(seed)
    number = codes[idx] + rep * len(ids)
    return pd.DataFrame({
        "customer_id": pd.Series(number).map("C{:09d}".format),
        "date": tx["date"].to_numpy()[idx],
        "amount": (tx["amount"].to_numpy()[idx] * rng.uniform(0.8, 1.2, n)).round(2),
    })


def _timed(fn: Callable[[], object], repeat: int = 3) -> float:
    fn()  # warm-up
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t0)
    return statistics.median(runs)


def _status_mb(field: str) -> float:
    """VmRSS (now) or VmHWM (peak) of this process in MB, from /proc."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _reset_peak() -> float:
    """Start a new peak-memory measurement (Linux: writing 5 to clear_refs resets VmHWM); the memory now."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")
    return _status_mb("VmRSS")


def _peak_mb() -> float:
    return _status_mb("VmHWM")


def _one(method: str, n: int) -> dict[str, float]:
    """Run one method in this process (called in a child process): seconds and peak memory above the table."""
    import duckdb

    from review_tools.segmentation import abc, engine, rfm

    tx = transactions(n)
    if method == "pandas":
        def run() -> None:
            table = rfm.rfm_table(tx)
            abc.abc_classes(table["monetary"])
    elif method == "duckdb-sql":
        con = duckdb.connect()
        con.register("tx", tx)

        def run() -> None:
            con.execute(PEER_SQL).df()
    else:
        con = engine.duckdb()
        table = con.create_table("tx", tx)

        def run() -> None:
            scores = engine.rfm_table(table)
            engine.collect(engine.abc_classes(scores.select("customer_id", value=scores.monetary)))
    run()  # the warm-up, before the measurement: DuckDB's copy of the table is part of the table
    base = _reset_peak()
    seconds = _timed(run)
    return {"seconds": seconds, "peak_mb": _peak_mb() - base}


def _child(args: list[str]) -> dict[str, float]:
    out = subprocess.run([sys.executable, "-m", "benchmarks.segmentation", *args], capture_output=True, text=True,
                         check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def rfm_abc_rows() -> list[list[str]]:
    rows = []
    for n in (1_000_000, 10_000_000, 30_000_000):
        results = {m: _child(["--one", m, str(n)]) for m in ("duckdb-sql", "pandas", "engine")}
        peer = results["duckdb-sql"]["seconds"]
        for method, label in (("duckdb-sql", "DuckDB SQL (peer)"), ("pandas", "pandas path"),
                              ("engine", "engine layer on DuckDB")):
            r = results[method]
            target = "<= 1.0 x DuckDB SQL" if method == "pandas" and n == 10_000_000 else ""
            met = ("yes" if r["seconds"] <= peer else "NO") if target else ""
            rows.append([f"{n:,}", label, f"{r['seconds']:.2f}", f"{r['seconds'] / peer:.2f}", f"{r['peak_mb']:,.0f}",
                         target, met])
    return rows


def out_of_core_row(n: int = 100_000_000, limit: str = "4GB") -> list[str]:
    """``n`` transactions generated by DuckDB into Parquet, then RFM + ABC by the engine layer within ``limit``."""
    import duckdb

    from review_tools.segmentation import engine

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "tx.parquet"
        t0 = time.perf_counter()
        duckdb.connect().execute(
            "COPY (SELECT 'C' || lpad(CAST(CAST(floor(random() * 5000000) AS BIGINT) AS VARCHAR), 9, '0')"
            " AS customer_id,"
            " DATE '2022-01-01' + CAST(floor(random() * 1095) AS INTEGER) AS date,"
            " ROUND(exp(4 + random() * 2) * CASE WHEN random() < 0.03 THEN -1 ELSE 1 END, 2) AS amount"
            f" FROM range({n})) TO '{path}' (FORMAT parquet)")
        made = time.perf_counter() - t0
        con = engine.duckdb(memory_limit=limit, temp_directory=str(Path(tmp) / "spill"))
        tx = con.read_parquet(str(path))
        base = _reset_peak()
        t0 = time.perf_counter()
        scores = engine.rfm_table(tx)
        out = engine.collect(engine.abc_classes(scores.select("customer_id", value=scores.monetary)))
        took = time.perf_counter() - t0
        peak = _peak_mb() - base
        size = path.stat().st_size / 2**30
    return [f"{n:,} (Parquet {size:.1f} GB, made in {made:.0f} s)", f"engine layer on DuckDB, memory_limit {limit}",
            f"{took:.1f}", f"{len(out):,} customers", f"{peak:,.0f}", "completes within 4 GB",
            "yes" if peak < 4096 else "NO"]  # the peak includes the 5 M-customer result brought back


def gamma_gamma_vs_lifetimes(raw: pd.DataFrame) -> list[list[str]]:
    """CPU seconds of our Gamma-Gamma fit and of lifetimes' on the CDNOW calibration summary, and how many
    significant digits their parameters share."""
    from review_tools.segmentation import clv

    python = LIFETIMES_VENV / "bin" / "python"
    if not python.exists():
        print("installing lifetimes into build/lifetimes-venv (first run only) ...", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(LIFETIMES_VENV)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", "lifetimes==0.11.3"], check=True)
    summary = clv.rfm_summary(raw, calibration_end="1997-09-30")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "summary.json"
        path.write_text(json.dumps({"frequency": summary["frequency"].tolist(),
                                    "monetary": summary["monetary"].tolist()}), encoding="utf-8")
        out = subprocess.run([str(python), str(Path(__file__).parent / "_lifetimes_fit.py"), str(path)],
                             capture_output=True, text=True, check=True)
    theirs = json.loads(out.stdout.strip().splitlines()[-1])
    clv.fit_gamma_gamma(summary["frequency"], summary["monetary"])
    runs = []
    for _ in range(5):
        start = time.process_time()
        fit = clv.fit_gamma_gamma(summary["frequency"], summary["monetary"])
        runs.append(time.process_time() - start)
    ours = statistics.median(runs)
    digits = min(int(-np.log10(abs(a - b) / abs(b))) if a != b else 15
                 for a, b in ((fit.p, theirs["p"]), (fit.q, theirs["q"]), (fit.gamma, theirs["gamma"])))
    return [[f"Gamma-Gamma fit CPU on CDNOW: {ours:.4f} s vs lifetimes {theirs['cpu']:.4f} s "
             f"(parameters agree to {digits} significant digits), target <= 1.2 x", f"{ours / theirs['cpu']:.2f} x",
             "yes" if ours <= 1.2 * theirs["cpu"] else "NO"]]


def main() -> None:
    rows = rfm_abc_rows()
    print_table(["transactions", "RFM + ABC by", "seconds", "x DuckDB SQL", "peak MB above the table", "target", "met"],
                rows)
    print()
    big = _child(["--out-of-core"])
    print_table(["transactions", "path", "seconds", "result", "peak MB above the start", "target", "met"],
                [big["row"]])

    from sklearn.metrics import silhouette_score

    from review_tools.segmentation import clustering, clv

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
    rows = [["k-means k=5, 10 starts, 1,000,000 customers", f"{fit:.2f}", ""],
            ["silhouette on a 5,000 sample of them", f"{sil:.2f}", ""]]
    if CDNOW.exists():
        raw = pd.read_csv(CDNOW, sep=r"\s+", header=None, names=["customer_id", "s", "date", "cds", "amount"],
                          dtype={"date": str})
        raw["date"] = pd.to_datetime(raw["date"], format="%Y%m%d")

        def fit_both() -> None:
            s = clv.rfm_summary(raw, calibration_end="1997-09-30")
            clv.fit_bgnbd(s["frequency"], s["recency"], s["T"])
            clv.fit_gamma_gamma(s["frequency"], s["monetary"])

        t = _timed(fit_both)
        rows.append(["BG/NBD + Gamma-Gamma on CDNOW (summary + both fits), target <= 0.5 s", f"{t:.3f}",
                     "yes" if t <= 0.5 else "NO"])
        rows.extend(gamma_gamma_vs_lifetimes(raw))
    else:
        rows.append([f"BG/NBD + Gamma-Gamma on CDNOW: skipped, {CDNOW} not found", "", ""])
    print()
    print_table(["measure", "seconds (or ratio)", "met"], rows)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--one"]:
        print(json.dumps(_one(sys.argv[2], int(sys.argv[3]))))
    elif sys.argv[1:2] == ["--out-of-core"]:
        print(json.dumps({"row": out_of_core_row()}))
    else:
        main()
