"""Forward-looking customer value: BG/NBD purchase model, Gamma-Gamma spend model, customer lifetime value.

Both models are fitted by maximum likelihood with scipy.  We do not use the ``lifetimes`` package: it is
archived (no release since 2020) and parts of it break on current pandas, while the likelihoods are short
and published in closed form:

* BG/NBD: Fader, Hardie & Lee (2005), "Counting your customers" the easy way, Marketing Science 24(2).
* Gamma-Gamma: Fader, Hardie & Lee (2005), RFM and CLV: using iso-value curves for customer base
  analysis, Journal of Marketing Research 42(4); spend is averaged over repeat transactions only.

Time is measured in weeks (days / 7) as in those papers.  Purchases on the same day are one transaction,
and a day with only returns (every amount negative) is no purchase: it is not a repeat purchase, and its
negative amount is not averaged into spend.  A zero-amount order is a purchase (CDNOW has them).

:func:`holdout_check` is the check Fader, Hardie & Lee show: fit on a calibration period, then compare
actual and predicted hold-out purchases per calibration frequency (0, 1, ..., 7+) and week by week.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import optimize, special

from review_tools.segmentation.errors import SegmentationDataError


def rfm_summary(
    transactions: pd.DataFrame,
    *,
    calibration_end: str | pd.Timestamp,
    customer: str = "customer_id",
    date: str = "date",
    amount: str = "amount",
) -> pd.DataFrame:
    """Per-customer ``frequency`` (repeat purchase days), ``recency`` and ``T`` (weeks) and ``monetary``
    (mean spend of the repeat purchases; 0 without repeats) from raw transactions up to ``calibration_end``.

    Same-day purchases are merged into one transaction; a return on a purchase day is netted into it, and a
    day with only returns is no purchase at all.  Customers with no purchase day up to the calibration end
    are left out.
    """
    end = pd.Timestamp(calibration_end)
    df = _days_of(transactions, customer, date, amount)
    df = df[df[date] <= end]
    if df.empty:
        raise SegmentationDataError(f"no transactions on or before the calibration end {end.date()}")
    return _summary(_purchase_days(df, customer, date, amount), end, customer, date, amount)


def _days_of(transactions: pd.DataFrame, customer: str, date: str, amount: str) -> pd.DataFrame:
    """The three columns the models read, with dates cut to the day."""
    df = transactions[[customer, date, amount]].copy()
    df[date] = pd.to_datetime(df[date]).dt.normalize()
    return df


def _summary(daily: pd.DataFrame, end: pd.Timestamp, customer: str, date: str, amount: str) -> pd.DataFrame:
    """:func:`rfm_summary` from the purchase days (:func:`_purchase_days`) up to ``end``."""
    if daily.empty:
        raise SegmentationDataError(f"no purchase (only returns) on or before the calibration end {end.date()}")
    g = daily.groupby(customer, sort=True)
    first = g[date].min()
    last = g[date].max()
    n = g[date].size()
    total = g[amount].sum()
    first_amount = g[amount].first()
    frequency = n - 1
    repeat_spend = (total - first_amount).where(frequency > 0, 0.0)
    out = pd.DataFrame({
        "frequency": frequency.astype(int),
        "recency": (last - first).dt.days / 7.0,
        "T": (end - first).dt.days / 7.0,
        "monetary": (repeat_spend / frequency.where(frequency > 0, 1)).where(frequency > 0, 0.0),
    })
    out.index.name = customer
    return out


@dataclass(frozen=True)
class BGNBD:
    """Fitted BG/NBD parameters and the log-likelihood at the optimum."""

    r: float
    alpha: float
    a: float
    b: float
    log_likelihood: float
    n_customers: int

    def _log_delta(self, x: np.ndarray, t_x: np.ndarray, T: np.ndarray) -> np.ndarray:
        """log of a/(b+x-1) * ((alpha+T)/(alpha+t_x))^(r+x) for x>0; -inf for x=0."""
        with np.errstate(divide="ignore", invalid="ignore"):
            val = (np.log(self.a) - np.log(self.b + x - 1)
                   + (self.r + x) * (np.log(self.alpha + T) - np.log(self.alpha + t_x)))
        return np.where(x > 0, val, -np.inf)

    def p_alive(self, frequency, recency, T) -> np.ndarray:
        """Probability that a customer with this history is still active at T."""
        x, t_x, T = (np.asarray(v, dtype=float) for v in (frequency, recency, T))
        return 1.0 / (1.0 + np.exp(self._log_delta(x, t_x, T)))

    def expected_unconditional(self, t) -> np.ndarray:
        """Expected repeat purchases in the first ``t`` weeks of a newly acquired customer (Fader, Hardie &
        Lee 2005, eq. 9): the curve the cohort's tracking plot adds up."""
        t = np.asarray(t, dtype=float)
        r, alpha, a, b = self.r, self.alpha, self.a, self.b
        hyp = special.hyp2f1(r, b, a + b - 1, t / (alpha + t))
        return (a + b - 1) / (a - 1) * (1.0 - (alpha / (alpha + t)) ** r * hyp)

    def expected_purchases(self, t: float, frequency, recency, T) -> np.ndarray:
        """Expected number of purchases in the next ``t`` weeks, given each customer's history."""
        x, t_x, T = (np.asarray(v, dtype=float) for v in (frequency, recency, T))
        r, alpha, a, b = self.r, self.alpha, self.a, self.b
        hyp = special.hyp2f1(r + x, b + x, a + b + x - 1, t / (alpha + T + t))
        first = (a + b + x - 1) / (a - 1)
        second = 1.0 - ((alpha + T) / (alpha + T + t)) ** (r + x) * hyp
        return first * second / (1.0 + np.exp(self._log_delta(x, t_x, T)))


def _bgnbd_ll(params: np.ndarray, x: np.ndarray, t_x: np.ndarray, T: np.ndarray, w: np.ndarray) -> float:
    r, alpha, a, b = np.exp(params)
    a1 = special.gammaln(r + x) - special.gammaln(r) + r * np.log(alpha)
    a2 = special.gammaln(a + b) + special.gammaln(b + x) - special.gammaln(b) - special.gammaln(a + b + x)
    a3 = -(r + x) * np.log(alpha + T)
    with np.errstate(divide="ignore", invalid="ignore"):
        a4 = np.where(x > 0, np.log(a) - np.log(b + x - 1) - (r + x) * np.log(alpha + t_x), -np.inf)
    return float(np.sum(w * (a1 + a2 + np.logaddexp(a3, a4))))


def _purchase_days(df: pd.DataFrame, customer: str, date: str, amount: str) -> pd.DataFrame:
    """One row per customer and purchase day with the day's net amount; a day whose every amount is
    negative (returns only) is no purchase."""
    daily = df.groupby([customer, date], sort=True).agg(net=(amount, "sum"), top=(amount, "max"))
    return daily.loc[daily["top"] >= 0, ["net"]].rename(columns={"net": amount}).reset_index()


def _ids(values) -> pd.Index:
    """The customer ids of ``values`` (a Series' index; positions for plain arrays)."""
    return values.index if isinstance(values, pd.Series) else pd.RangeIndex(len(values))


def _check_summary(frequency: np.ndarray, recency: np.ndarray, T: np.ndarray, ids: pd.Index) -> None:
    if len(frequency) == 0:
        raise SegmentationDataError("no customers to fit")
    bad = (frequency < 0) | (recency < 0) | (recency > T + 1e-9) | ((frequency == 0) & (recency > 0))
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise SegmentationDataError(
            f"customer {ids[i]}: frequency {frequency[i]}, recency {recency[i]}, T {T[i]} is impossible "
            "(need frequency >= 0, 0 <= recency <= T, recency 0 when frequency is 0)")


def fit_bgnbd(frequency, recency, T) -> BGNBD:
    """Maximum-likelihood BG/NBD fit; identical (x, t_x, T) histories are weighted, not repeated."""
    data = pd.DataFrame({"x": np.asarray(frequency), "t_x": np.asarray(recency), "T": np.asarray(T)}).astype(float)
    _check_summary(data["x"].to_numpy(), data["t_x"].to_numpy(), data["T"].to_numpy(), _ids(frequency))
    grouped = data.groupby(["x", "t_x", "T"], sort=False).size().reset_index(name="w")
    x, t_x, T_, w = (grouped[c].to_numpy(dtype=float) for c in ("x", "t_x", "T", "w"))

    def neg(p: np.ndarray) -> float:
        value = -_bgnbd_ll(p, x, t_x, T_, w)
        return value if np.isfinite(value) else 1e300

    start = np.log([0.5, max(float(np.mean(T_)), 1.0), 1.0, 1.0])
    res = optimize.minimize(neg, start, method="L-BFGS-B", bounds=[(-12, 12)] * 4)
    res = optimize.minimize(neg, res.x, method="Nelder-Mead",
                            options={"xatol": 1e-8, "fatol": 1e-10, "maxiter": 4000})
    r, alpha, a, b = np.exp(res.x)
    return BGNBD(float(r), float(alpha), float(a), float(b), -float(res.fun), int(w.sum()))


@dataclass(frozen=True)
class GammaGamma:
    """Fitted Gamma-Gamma spend parameters (p, q, gamma), the log-likelihood at the optimum, and the ids
    of repeat customers left out of the fit for a mean repeat spend that is not positive."""

    p: float
    q: float
    gamma: float
    log_likelihood: float
    n_customers: int
    excluded: tuple = ()

    def expected_spend(self, frequency, monetary) -> np.ndarray:
        """Expected mean spend per transaction; customers without repeats get the population mean."""
        x = np.asarray(frequency, dtype=float)
        m = np.asarray(monetary, dtype=float)
        pop = self.p * self.gamma / (self.q - 1)
        with np.errstate(invalid="ignore", divide="ignore"):
            cond = self.p * (self.gamma + x * m) / (self.p * x + self.q - 1)
        return np.where(x > 0, cond, pop)


def _gg_ll(params: np.ndarray, x: np.ndarray, m: np.ndarray) -> tuple[float, np.ndarray]:
    """Gamma-Gamma log-likelihood and its gradient in the log parameters (the gradient lets L-BFGS-B
    converge in a few dozen steps instead of a derivative-free polish)."""
    p, q, g = np.exp(params)
    px = p * x
    gmx = g + m * x
    ll = (special.gammaln(px + q) - special.gammaln(px) - special.gammaln(q) + q * np.log(g)
          + (px - 1) * np.log(m) + px * np.log(x) - (px + q) * np.log(gmx))
    psi_pq = special.digamma(px + q)
    d_p = np.sum(x * (psi_pq - special.digamma(px) + np.log(m) + np.log(x) - np.log(gmx)))
    d_q = np.sum(psi_pq - special.digamma(q) + np.log(g) - np.log(gmx))
    d_g = np.sum(q / g - (px + q) / gmx)
    return float(np.sum(ll)), np.array([p * d_p, q * d_q, g * d_g])


def fit_gamma_gamma(frequency, monetary, *, non_positive: str = "error") -> GammaGamma:
    """Maximum-likelihood Gamma-Gamma fit on the customers with at least one repeat purchase.

    The model needs a positive mean repeat spend.  A repeat customer without one (zero-value orders, as
    in CDNOW) is an error naming the customer (``non_positive='error'``), or is left out of the fit and
    listed in ``excluded`` (``non_positive='exclude'``).
    """
    if non_positive not in ("error", "exclude"):
        raise ValueError(f"non_positive must be 'error' or 'exclude', not {non_positive!r}")
    ids = _ids(frequency)
    x = np.asarray(frequency, dtype=float)
    m = np.asarray(monetary, dtype=float)
    keep = x > 0
    if not keep.any():
        raise SegmentationDataError("Gamma-Gamma needs customers with repeat purchases; there are none")
    bad = keep & ~(m > 0)
    if bad.any() and non_positive == "error":
        i = int(np.flatnonzero(bad)[0])
        raise SegmentationDataError(
            f"customer {ids[i]}: mean repeat spend {m[i]} is not positive ({int(bad.sum())} such customer(s)); "
            "Gamma-Gamma needs positive spend: pass non_positive='exclude' to leave them out of the fit")
    keep &= ~bad
    x, m = x[keep], m[keep]

    def neg(p: np.ndarray) -> tuple[float, np.ndarray]:
        value, grad = _gg_ll(p, x, m)
        return (-value, -grad) if np.isfinite(value) and np.isfinite(grad).all() else (1e300, np.zeros(3))

    res = optimize.minimize(neg, np.log([1.0, 1.0, 1.0]), jac=True, method="L-BFGS-B", bounds=[(-12, 12)] * 3,
                            options={"ftol": 1e-15, "gtol": 1e-9, "maxiter": 2000})
    p, q, g = np.exp(res.x)
    return GammaGamma(float(p), float(q), float(g), -float(res.fun), int(keep.sum()), tuple(ids[bad]))


def customer_lifetime_value(
    purchases: BGNBD,
    spend: GammaGamma,
    summary: pd.DataFrame,
    *,
    months: int = 12,
    monthly_discount: float = 0.01,
    margin: float = 1.0,
) -> pd.Series:
    """Discounted expected margin over the next ``months`` months for each customer in ``summary``.

    Each month's expected purchases (BG/NBD, difference of cumulative expectations) times the expected
    spend per purchase (Gamma-Gamma) times ``margin``, discounted by ``monthly_discount`` per month.
    """
    x, t_x, T = (summary[c].to_numpy(dtype=float) for c in ("frequency", "recency", "T"))
    value = spend.expected_spend(x, summary["monetary"].to_numpy(dtype=float)) * margin
    weeks_per_month = 52.0 / 12.0
    total = np.zeros(len(summary))
    prev = np.zeros(len(summary))
    for i in range(1, months + 1):
        cum = purchases.expected_purchases(i * weeks_per_month, x, t_x, T)
        total += (cum - prev) * value / (1 + monthly_discount) ** i
        prev = cum
    return pd.Series(total, index=summary.index, name="clv")


@dataclass(frozen=True)
class HoldoutCheck:
    """A BG/NBD fit on a calibration period set against what the customers did in the hold-out period.

    ``by_frequency``: per calibration repeat frequency (0, 1, ..., ``max_frequency``+), the customers and
    their mean hold-out purchases, actual and predicted (the table of Fader, Hardie & Lee 2005).
    ``tracking``: per week since the cohort's first purchase, the cohort's cumulative repeat purchases,
    actual and expected; ``calibration_weeks`` marks where the hold-out begins."""

    model: BGNBD
    calibration_end: pd.Timestamp
    holdout_end: pd.Timestamp
    per_customer: pd.DataFrame
    by_frequency: pd.DataFrame
    tracking: pd.DataFrame
    calibration_weeks: float

    @property
    def mean_absolute_error(self) -> float:
        """Mean absolute difference of predicted and actual hold-out purchases per customer."""
        return float((self.per_customer["predicted"] - self.per_customer["actual"]).abs().mean())

    @property
    def total_error(self) -> float:
        """Predicted over actual hold-out purchases of the whole cohort, minus 1 (0.05: 5 % too many)."""
        return float(self.per_customer["predicted"].sum() / self.per_customer["actual"].sum() - 1)


def holdout_check(
    transactions: pd.DataFrame,
    *,
    calibration_end: str | pd.Timestamp,
    holdout_end: str | pd.Timestamp | None = None,
    max_frequency: int = 7,
    customer: str = "customer_id",
    date: str = "date",
    amount: str = "amount",
) -> HoldoutCheck:
    """Fit BG/NBD on the purchases up to ``calibration_end`` and compare its forecast with the purchase
    days of the same customers up to ``holdout_end`` (default: the last transaction's day)."""
    cal_end = pd.Timestamp(calibration_end)
    df = _days_of(transactions, customer, date, amount)
    end = pd.Timestamp(holdout_end) if holdout_end is not None else df[date].max()
    if end <= cal_end:
        raise SegmentationDataError(f"the hold-out period ends ({end.date()}) before it starts "
                                    f"(after {cal_end.date()})")
    days = _purchase_days(df[df[date] <= end], customer, date, amount)  # once, for both periods
    summary = _summary(days[days[date] <= cal_end], cal_end, customer, date, amount)
    model = fit_bgnbd(summary["frequency"], summary["recency"], summary["T"])
    days = days[days[customer].isin(summary.index)]
    later = days[days[date] > cal_end]
    actual = later.groupby(customer).size().reindex(summary.index, fill_value=0)
    weeks = (end - cal_end).days / 7.0
    predicted = model.expected_purchases(weeks, summary["frequency"], summary["recency"], summary["T"])
    per_customer = pd.DataFrame({"frequency": summary["frequency"], "actual": actual.astype(float),
                                 "predicted": np.asarray(predicted, dtype=float)}, index=summary.index)
    bucket = per_customer["frequency"].clip(upper=max_frequency)
    by_frequency = per_customer.groupby(bucket).agg(customers=("actual", "size"), actual=("actual", "mean"),
                                                    predicted=("predicted", "mean"))
    by_frequency.index = [f"{int(k)}+" if k == max_frequency else str(int(k)) for k in by_frequency.index]
    by_frequency.index.name = "calibration repeat purchases"
    return HoldoutCheck(model, cal_end, end, per_customer, by_frequency,
                        _tracking(days, model, customer, date, end), float((cal_end - days[date].min()).days / 7.0))


def _tracking(days: pd.DataFrame, model: BGNBD, customer: str, date: str, end: pd.Timestamp) -> pd.DataFrame:
    """Weekly cumulative repeat purchases of the cohort, actual and expected (customers acquired on the same
    day share one expected curve)."""
    first_day = days.groupby(customer)[date].min()
    start = first_day.min()
    n_weeks = int(np.ceil(((end - start).days + 1) / 7.0))
    repeats = days[days[date] > days[customer].map(first_day)]
    week_of_repeat = ((repeats[date] - start).dt.days // 7).to_numpy()
    actual = np.cumsum(np.bincount(week_of_repeat, minlength=n_weeks)[:n_weeks])
    acquired = ((first_day - start).dt.days / 7.0).value_counts()
    t = np.arange(1, n_weeks + 1, dtype=float)  # the end of each week, in weeks since the start
    expected = np.zeros(n_weeks)
    for s, n in acquired.items():
        expected += n * np.where(t > s, model.expected_unconditional(np.clip(t - s, 0, None)), 0.0)
    return pd.DataFrame({"actual": actual.astype(float), "expected": expected},
                        index=pd.RangeIndex(1, n_weeks + 1, name="week"))


def spend_frequency_correlation(summary: pd.DataFrame) -> float:
    """Pearson correlation of purchase frequency and mean spend among repeat customers.

    Gamma-Gamma assumes the two are independent; a correlation far from 0 means its CLV figures should
    be read with care (Fader, Hardie & Lee 2005 report 0.11 for CDNOW).
    """
    repeat = summary[summary["frequency"] > 0]
    if len(repeat) < 3:
        raise SegmentationDataError("fewer than 3 repeat customers: no correlation to compute")
    return float(np.corrcoef(repeat["frequency"], repeat["monetary"])[0, 1])
