"""BG/NBD and Gamma-Gamma: golden values on CDNOW (Fader, Hardie & Lee 2005) and model behaviour."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from review_tools.segmentation import clv
from review_tools.segmentation.errors import SegmentationDataError


def _sig(x: float, digits: int = 3) -> float:
    return float(f"{x:.{digits}g}")


@pytest.fixture(scope="module")
def cdnow(external) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Raw CDNOW transactions of the 2,357-customer sample, and the published calibration summary."""
    base = external / "lifetimes-cdnow"
    raw = pd.read_csv(base / "CDNOW_sample.txt", sep=r"\s+", header=None,
                      names=["customer_id", "sample_id", "date", "cds", "amount"], dtype={"date": str})
    raw["date"] = pd.to_datetime(raw["date"], format="%Y%m%d")
    published = pd.read_csv(base / "cdnow_customers_summary_with_transactions.csv")
    return raw, published


def test_summary_from_raw_transactions_matches_the_published_one(cdnow) -> None:
    raw, published = cdnow
    s = clv.rfm_summary(raw, calibration_end="1997-09-30", customer="sample_id")
    assert len(s) == 2357
    assert (s["frequency"].to_numpy() == published["x"].to_numpy()).all()
    # the published file rounds to 2 decimals
    assert np.abs(s["recency"].to_numpy() - published["t_x"].to_numpy()).max() < 0.006
    assert np.abs(s["T"].to_numpy() - published["T"].to_numpy()).max() < 0.006
    assert np.abs(s["monetary"].to_numpy() - published["zbar"].to_numpy()).max() < 0.006


def test_cdnow_golden_values(cdnow) -> None:
    raw, _ = cdnow
    s = clv.rfm_summary(raw, calibration_end="1997-09-30", customer="sample_id")
    m = clv.fit_bgnbd(s["frequency"], s["recency"], s["T"])
    assert [_sig(m.r), _sig(m.alpha), _sig(m.a), _sig(m.b)] == [0.243, 4.41, 0.793, 2.43]
    assert round(m.log_likelihood, 1) == -9582.4
    g = clv.fit_gamma_gamma(s["frequency"], s["monetary"])
    assert g.n_customers == 946
    assert [_sig(g.p), _sig(g.q), _sig(g.gamma, 4)] == [6.25, 3.74, 15.44]


def test_model_behaviour() -> None:
    m = clv.BGNBD(r=0.243, alpha=4.414, a=0.793, b=2.426, log_likelihood=0.0, n_customers=0)
    # no repeat purchase: certainly alive in the BG/NBD (dropout only happens after a purchase)
    assert float(m.p_alive(0, 0, 30)) == pytest.approx(1.0)
    # a frequent buyer silent for a long time is probably gone; a recent one is not
    assert float(m.p_alive(10, 5, 39)) < 0.1 < 0.9 < float(m.p_alive(10, 38, 39))
    e = [float(m.expected_purchases(t, 2, 30.43, 38.86)) for t in (0, 10, 39, 78)]
    assert e[0] == pytest.approx(0) and e == sorted(e)
    g = clv.GammaGamma(p=6.25, q=3.74, gamma=15.44, log_likelihood=0.0, n_customers=0)
    assert float(g.expected_spend(0, 0)) == pytest.approx(6.25 * 15.44 / 2.74)
    # more repeat purchases pull the expectation towards the customer's own mean
    assert abs(float(g.expected_spend(50, 100)) - 100) < abs(float(g.expected_spend(1, 100)) - 100)


def test_clv_discounting_and_horizon() -> None:
    m = clv.BGNBD(r=0.243, alpha=4.414, a=0.793, b=2.426, log_likelihood=0.0, n_customers=0)
    g = clv.GammaGamma(p=6.25, q=3.74, gamma=15.44, log_likelihood=0.0, n_customers=0)
    s = pd.DataFrame({"frequency": [2, 0], "recency": [30.43, 0.0], "T": [38.86, 38.86], "monetary": [22.35, 0.0]})
    year = clv.customer_lifetime_value(m, g, s, months=12, monthly_discount=0.0)
    undiscounted = m.expected_purchases(52, s["frequency"], s["recency"], s["T"]) * g.expected_spend(
        s["frequency"], s["monetary"])
    assert np.allclose(year.to_numpy(), undiscounted)
    discounted = clv.customer_lifetime_value(m, g, s, months=12, monthly_discount=0.01)
    assert (discounted < year).all() and (discounted > 0).all()
    assert (clv.customer_lifetime_value(m, g, s, months=24, monthly_discount=0.01) > discounted).all()


def test_bad_summaries_are_refused() -> None:
    with pytest.raises(SegmentationDataError, match="impossible"):
        clv.fit_bgnbd([1, 2], [5, 50], [40, 40])  # recency > T
    with pytest.raises(SegmentationDataError, match="impossible"):
        clv.fit_bgnbd([0], [3], [40])  # recency without a repeat purchase
    with pytest.raises(SegmentationDataError, match="needs customers with repeat purchases"):
        clv.fit_gamma_gamma([0, 0], [0, 0])
    with pytest.raises(SegmentationDataError, match="not positive"):
        clv.fit_gamma_gamma([1, 2], [10.0, -3.0])
    empty = pd.DataFrame({"customer_id": ["a"], "date": [pd.Timestamp("2024-05-01")], "amount": [1.0]})
    with pytest.raises(SegmentationDataError, match="no transactions on or before"):
        clv.rfm_summary(empty, calibration_end="2024-01-01")


def test_one_purchase_customers_and_same_day_merge() -> None:
    tx = pd.DataFrame({
        "customer_id": ["a", "a", "a", "b"],
        "date": pd.to_datetime(["2024-01-01", "2024-01-01", "2024-01-15", "2024-01-08"]),
        "amount": [10.0, 5.0, 30.0, 99.0],
    })
    s = clv.rfm_summary(tx, calibration_end="2024-01-29")
    assert s.loc["a"].tolist() == [1, 2.0, 4.0, 30.0]
    assert s.loc["b"].tolist() == [0, 0.0, 3.0, 0.0]  # one purchase: frequency 0, monetary 0 by rule
