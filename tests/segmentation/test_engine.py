"""The engine layer (Ibis) gives the pandas path's results, cell for cell: on DuckDB in memory, on DuckDB
reading a Parquet file larger than the memory it is given, and on Spark in local mode."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import ibis
import numpy as np
import pandas as pd
import pytest

from review_tools.segmentation import abc, clv, data, engine, portfolio, rfm

ROOT = Path(__file__).resolve().parents[2]
RFM_COLUMNS = ["recency", "frequency", "monetary", "R", "F", "M", "cell", "segment"]
EXACT_ABC = ["rank", "abc", "subclass", "no_value"]


@pytest.fixture(scope="module")
def orders() -> pd.DataFrame:
    return data.load_transactions(ROOT / "data" / "customers" / "transactions.csv").data


def _same_rfm(ours: pd.DataFrame, theirs: pd.DataFrame) -> None:
    assert list(ours.index) == list(theirs.index)
    for column in RFM_COLUMNS:
        if column == "monetary":
            assert np.allclose(ours[column], theirs[column], rtol=0, atol=0.005), column
        else:
            assert (ours[column].to_numpy() == theirs[column].to_numpy()).all(), column


def _same_lab(con, orders: pd.DataFrame) -> None:
    """RFM, ABC, the portfolio's value axis and the CLV summary on ``con`` against the pandas functions."""
    tx = con.create_table("tx", orders[["customer_id", "date", "amount"]], overwrite=True)
    table = rfm.rfm_table(orders)
    _same_rfm(engine.collect(engine.rfm_table(tx)), table)
    values = con.create_table("vals", table["monetary"].rename("value").reset_index(), overwrite=True)
    ours, theirs = engine.collect(engine.abc_classes(values)), abc.abc_classes(table["monetary"]).sort_index()
    for column in EXACT_ABC:
        assert (ours[column].to_numpy() == theirs[column].to_numpy()).all(), column
    assert np.allclose(ours["cum_share"], theirs["cum_share"])
    end = orders["date"].max()
    first = orders[orders["amount"] > 0].groupby("customer_id")["date"].min()
    expected = portfolio.value_per_year(table["monetary"], first.reindex(table.index), end)
    got = engine.collect(engine.value_per_year(tx, end))["value"]
    assert np.allclose(got, expected.reindex(got.index), rtol=1e-9, atol=0.006)  # monetary is rounded to cents
    cut = end - pd.DateOffset(years=1)
    ours, theirs = engine.collect(engine.clv_summary(tx, calibration_end=cut)), clv.rfm_summary(orders,
                                                                                               calibration_end=cut)
    assert list(ours.index) == list(theirs.index)
    assert (ours["frequency"].to_numpy() == theirs["frequency"].to_numpy()).all()
    for column in ("recency", "T", "monetary"):
        assert np.allclose(ours[column], theirs[column]), column


def test_duckdb_equals_the_pandas_path_on_the_sample(orders) -> None:
    _same_lab(ibis.duckdb.connect(), orders)


@pytest.fixture(scope="module")
def cdnow(real) -> pd.DataFrame:
    raw = pd.read_csv(real("lifetimes-cdnow/CDNOW_sample.txt"), sep=r"\s+", header=None,
                      names=["id", "customer_id", "date", "cds", "amount"], dtype={"date": str})
    raw["date"] = pd.to_datetime(raw["date"], format="%Y%m%d")
    raw["customer_id"] = raw["customer_id"].astype(str)
    return raw


def test_duckdb_equals_the_pandas_path_on_cdnow(cdnow) -> None:
    raw = cdnow
    _same_lab(ibis.duckdb.connect(), raw)
    con = ibis.duckdb.connect()
    tx = con.create_table("tx", raw[["customer_id", "date", "amount"]])
    summary = engine.collect(engine.clv_summary(tx, calibration_end="1997-09-30"))
    fit = clv.fit_bgnbd(summary["frequency"], summary["recency"], summary["T"])
    assert [round(fit.r, 3), round(fit.alpha, 2), round(fit.a, 3), round(fit.b, 2)] == [0.243, 4.41, 0.793, 2.43]


def test_duckdb_reads_a_file_larger_than_its_memory(tmp_path) -> None:
    """3 million transactions with text customer ids in Parquet, read by a DuckDB limited to 64 MB (the
    table alone is over 100 MB in memory): the engine spills to disk and gives the pandas results."""
    n, customers = 3_000_000, 200_000
    rng = np.random.default_rng(3)
    frame = pd.DataFrame({
        "customer_id": pd.Series(rng.integers(0, customers, n)).map("CUST-{:07d}".format),
        "date": pd.Timestamp("2022-01-01") + pd.to_timedelta(rng.integers(0, 1095, n), unit="D"),
        "amount": np.round(rng.lognormal(4, 1, n) * np.where(rng.random(n) < 0.03, -1, 1), 2),
    })
    assert frame.memory_usage(deep=True).sum() > 100 * 2**20
    path = tmp_path / "tx.parquet"
    frame.to_parquet(path)
    spill = tmp_path / "spill"
    con = engine.duckdb(memory_limit="64MB", temp_directory=str(spill), threads=1)
    tx = con.read_parquet(path)
    _same_rfm(engine.collect(engine.rfm_table(tx)), rfm.rfm_table(frame))


def _ensure_java() -> None:
    """A Java runtime for Spark: on PATH, or installed with apt-get (as root); skips, saying why, where neither
    works."""
    if shutil.which("java"):
        return
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        pytest.skip("Spark needs Java: none on PATH, and it cannot be installed here (needs root and apt-get)")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for cmd in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", "default-jre-headless"]):
        done = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=900)
        if done.returncode != 0:
            pytest.skip(f"Spark needs Java, and it could not be installed ({' '.join(cmd)}): "
                        f"{done.stderr.strip()[-300:]}")
    if not shutil.which("java"):
        pytest.skip("apt-get installed default-jre-headless but no java is on PATH")


@pytest.fixture(scope="module")
def spark(tmp_path_factory):
    pyspark = pytest.importorskip("pyspark", reason="pyspark is not installed (it comes with the dev extras)")
    del pyspark
    _ensure_java()
    from pyspark.sql import SparkSession

    session = (SparkSession.builder.master("local[1]").appName("review-tools-test")
               .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2")
               .config("spark.sql.session.timeZone", "UTC")
               .config("spark.sql.warehouse.dir", str(tmp_path_factory.mktemp("spark-warehouse")))
               .config("spark.driver.extraJavaOptions", f"-Dderby.system.home={tmp_path_factory.mktemp('derby')}")
               .getOrCreate())
    yield session
    session.stop()


def test_spark_local_equals_the_pandas_path_on_the_sample(spark, orders) -> None:
    _same_lab(ibis.pyspark.connect(spark), orders)


def test_spark_local_equals_the_pandas_path_on_cdnow(spark, cdnow) -> None:
    _same_lab(ibis.pyspark.connect(spark), cdnow)
