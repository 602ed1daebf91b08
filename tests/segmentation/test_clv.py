"""BG/NBD and Gamma-Gamma: golden values on CDNOW (Fader, Hardie & Lee 2005) and model behaviour."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from review_tools.segmentation import clv
from review_tools.segmentation.errors import SegmentationDataError

ROOT = Path(__file__).resolve().parents[2]


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


def test_a_day_with_only_returns_is_no_purchase() -> None:
    """Orders on two days and a return-only day: one repeat purchase of 100, not two averaging 30."""
    tx = pd.DataFrame({
        "customer_id": ["a", "a", "a"],
        "date": pd.to_datetime(["2024-01-01", "2024-01-15", "2024-02-01"]),
        "amount": [100.0, 100.0, -140.0],
    })
    s = clv.rfm_summary(tx, calibration_end="2024-03-01")
    assert (int(s.loc["a", "frequency"]), float(s.loc["a", "monetary"])) == (1, 100.0)
    assert s.loc["a", "recency"] == 2.0  # the last purchase, not the return
    same_day = tx.assign(date=pd.to_datetime(["2024-01-01", "2024-01-15", "2024-01-15"]),
                         amount=[100.0, 100.0, -40.0])
    s = clv.rfm_summary(same_day, calibration_end="2024-03-01")
    assert (int(s.loc["a", "frequency"]), float(s.loc["a", "monetary"])) == (1, 60.0)  # netted into its day
    free = tx.assign(amount=[100.0, 0.0, 0.0])  # zero-amount orders are purchases (CDNOW has them)
    assert int(clv.rfm_summary(free, calibration_end="2024-03-01").loc["a", "frequency"]) == 2


def test_sample_data_returns_no_longer_count_as_purchases() -> None:
    """On the sample customer base the return days changed the frequency of most customers."""
    from review_tools.segmentation import data

    orders = data.load_transactions(ROOT / "data" / "customers" / "transactions.csv").data
    s = clv.rfm_summary(orders, calibration_end=orders["date"].max())
    purchase_days = (orders[orders["amount"] >= 0].groupby("customer_id")["date"].nunique())
    assert (s["frequency"] == purchase_days.reindex(s.index) - 1).all()


def test_gamma_gamma_names_the_customer_and_can_leave_it_out() -> None:
    frequency = pd.Series([1, 2, 3, 1], index=[10243, 10244, 10245, 10246])
    monetary = pd.Series([12.0, 0.0, 30.0, 20.0], index=frequency.index)
    with pytest.raises(SegmentationDataError, match=r"customer 10244: mean repeat spend 0\.0 is not positive.*"
                                                    r"non_positive='exclude'"):
        clv.fit_gamma_gamma(frequency, monetary)
    fit = clv.fit_gamma_gamma(frequency, monetary, non_positive="exclude")
    assert fit.excluded == (10244,) and fit.n_customers == 3
    with pytest.raises(SegmentationDataError, match="customer b: frequency"):
        clv.fit_bgnbd(pd.Series([1, 2], index=["a", "b"]), pd.Series([5, 50], index=["a", "b"]), [40, 40])


def test_holdout_check_counts_what_the_customers_did() -> None:
    tx = pd.DataFrame({
        "customer_id": ["a", "a", "a", "a", "b", "b", "c"],
        "date": pd.to_datetime(["2024-01-01", "2024-01-10", "2024-03-05", "2024-03-20", "2024-01-03", "2024-03-10",
                                "2024-03-01"]),
        "amount": [10.0, 10.0, 10.0, -5.0, 20.0, 20.0, 30.0],
    })
    check = clv.holdout_check(tx, calibration_end="2024-01-31", holdout_end="2024-03-31")
    # c first buys in the hold-out: not in the calibration cohort; a's return-only day is no purchase
    assert check.per_customer["actual"].to_dict() == {"a": 1.0, "b": 1.0}
    assert list(check.by_frequency.index) == ["0", "1"]
    assert check.by_frequency["customers"].tolist() == [1, 1]
    assert check.tracking["actual"].iloc[-1] == 3.0  # a: 2 repeats, b: 1
    assert (np.diff(check.tracking["expected"]) >= 0).all() and check.tracking["expected"].iloc[0] >= 0
    with pytest.raises(SegmentationDataError, match=r"ends .* before it starts"):
        clv.holdout_check(tx, calibration_end="2024-03-31", holdout_end="2024-03-01")


def test_holdout_check_on_cdnow(cdnow) -> None:
    """The calibration cohort's repeat purchases at the end of week 39 are the calibration frequencies' sum;
    the model's expectation tracks them, and the frequency table has the buckets 0 .. 7+."""
    raw, published = cdnow
    check = clv.holdout_check(raw, calibration_end="1997-09-30", holdout_end="1998-06-30", customer="sample_id")
    assert list(check.by_frequency.index) == ["0", "1", "2", "3", "4", "5", "6", "7+"]
    assert int(check.by_frequency["customers"].sum()) == 2357
    week_39 = check.tracking.loc[39]
    assert week_39["actual"] == published["x"].sum()
    assert abs(week_39["expected"] / week_39["actual"] - 1) < 0.05
    predicted = check.by_frequency["predicted"].to_numpy()
    assert (np.diff(predicted) > 0).all()  # more past purchases, more expected
    assert abs(check.total_error) < 0.15
