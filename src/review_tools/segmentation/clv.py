"""Forward-looking customer value: BG/NBD purchase model, Gamma-Gamma spend model, customer lifetime value.

Both models are fitted by maximum likelihood with scipy.  We do not use the ``lifetimes`` package: it is
archived (no release since 2020) and parts of it break on current pandas, while the likelihoods are short
and published in closed form:

* BG/NBD: Fader, Hardie & Lee (2005), "Counting your customers" the easy way, Marketing Science 24(2).
* Gamma-Gamma: Fader, Hardie & Lee (2005), RFM and CLV: using iso-value curves for customer base
  analysis, Journal of Marketing Research 42(4); spend is averaged over repeat transactions only.

Time is measured in weeks (days / 7) as in those papers.  Purchases on the same day are one transaction.
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

    Same-day purchases are merged into one transaction.  Customers whose first purchase falls after the
    calibration end are left out.  Negative amounts (returns) are netted into their day's transaction.
    """
    end = pd.Timestamp(calibration_end)
    df = transactions[[customer, date, amount]].copy()
    df[date] = pd.to_datetime(df[date]).dt.normalize()
    df = df[df[date] <= end]
    if df.empty:
        raise SegmentationDataError(f"no transactions on or before the calibration end {end.date()}")
    daily = df.groupby([customer, date], sort=True, as_index=False)[amount].sum()
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


def _check_summary(frequency: np.ndarray, recency: np.ndarray, T: np.ndarray) -> None:
    if len(frequency) == 0:
        raise SegmentationDataError("no customers to fit")
    bad = (frequency < 0) | (recency < 0) | (recency > T + 1e-9) | ((frequency == 0) & (recency > 0))
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise SegmentationDataError(
            f"customer row {i}: frequency {frequency[i]}, recency {recency[i]}, T {T[i]} is impossible "
            "(need frequency >= 0, 0 <= recency <= T, recency 0 when frequency is 0)")


def fit_bgnbd(frequency, recency, T) -> BGNBD:
    """Maximum-likelihood BG/NBD fit; identical (x, t_x, T) histories are weighted, not repeated."""
    data = pd.DataFrame({"x": frequency, "t_x": recency, "T": T}).astype(float)
    _check_summary(data["x"].to_numpy(), data["t_x"].to_numpy(), data["T"].to_numpy())
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
    """Fitted Gamma-Gamma spend parameters (p, q, gamma) and the log-likelihood at the optimum."""

    p: float
    q: float
    gamma: float
    log_likelihood: float
    n_customers: int

    def expected_spend(self, frequency, monetary) -> np.ndarray:
        """Expected mean spend per transaction; customers without repeats get the population mean."""
        x = np.asarray(frequency, dtype=float)
        m = np.asarray(monetary, dtype=float)
        pop = self.p * self.gamma / (self.q - 1)
        with np.errstate(invalid="ignore", divide="ignore"):
            cond = self.p * (self.gamma + x * m) / (self.p * x + self.q - 1)
        return np.where(x > 0, cond, pop)


def _gg_ll(params: np.ndarray, x: np.ndarray, m: np.ndarray) -> float:
    p, q, g = np.exp(params)
    px = p * x
    ll = (special.gammaln(px + q) - special.gammaln(px) - special.gammaln(q) + q * np.log(g)
          + (px - 1) * np.log(m) + px * np.log(x) - (px + q) * np.log(g + m * x))
    return float(np.sum(ll))


def fit_gamma_gamma(frequency, monetary) -> GammaGamma:
    """Maximum-likelihood Gamma-Gamma fit on the customers with at least one repeat purchase."""
    x = np.asarray(frequency, dtype=float)
    m = np.asarray(monetary, dtype=float)
    keep = x > 0
    if not keep.any():
        raise SegmentationDataError("Gamma-Gamma needs customers with repeat purchases; there are none")
    if (m[keep] <= 0).any():
        i = int(np.flatnonzero(keep & (m <= 0))[0])
        raise SegmentationDataError(f"customer row {i}: mean repeat spend {m[i]} is not positive")
    x, m = x[keep], m[keep]

    def neg(p: np.ndarray) -> float:
        value = -_gg_ll(p, x, m)
        return value if np.isfinite(value) else 1e300

    res = optimize.minimize(neg, np.log([1.0, 1.0, 1.0]), method="L-BFGS-B", bounds=[(-12, 12)] * 3)
    res = optimize.minimize(neg, res.x, method="Nelder-Mead",
                            options={"xatol": 1e-8, "fatol": 1e-10, "maxiter": 4000})
    p, q, g = np.exp(res.x)
    return GammaGamma(float(p), float(q), float(g), -float(res.fun), int(keep.sum()))


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


def spend_frequency_correlation(summary: pd.DataFrame) -> float:
    """Pearson correlation of purchase frequency and mean spend among repeat customers.

    Gamma-Gamma assumes the two are independent; a correlation far from 0 means its CLV figures should
    be read with care (Fader, Hardie & Lee 2005 report 0.11 for CDNOW).
    """
    repeat = summary[summary["frequency"] > 0]
    if len(repeat) < 3:
        raise SegmentationDataError("fewer than 3 repeat customers: no correlation to compute")
    return float(np.corrcoef(repeat["frequency"], repeat["monetary"])[0, 1])
