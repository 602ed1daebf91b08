"""When to stop screening a prioritised order: three stopping rules and confidence bounds on recall.

* ``buscar`` (the default): the hypergeometric test of Callaghan & Müller-Hansen (2020).  Assumption:
  the records screened last were no better than a random draw from those left, which prioritisation
  makes pessimistic, so the rule is safe (recall at or above the target with probability 1 - alpha)
  and stops late.
* ``knee``: the knee method of Cormack & Grossman (2016).  On the curve of relevant records found
  against records screened, the knee is the point farthest from the straight line to the current point;
  screening stops when the rate of finding relevant records before the knee is at least
  ``156 - min(relevant found, 150)`` times the rate after it, and at least 150 records were screened.
  Assumption: the ranking finds relevant records early, so the curve flattens once they are found.
  Its guarantee is empirical, not statistical: the benchmark prints its recall at stop on every labelled
  set and seed.
* ``decay``: a rate model of the screening order, after the point-process rules of Sneyd & Stevenson
  (2021).  Relevant records are taken to arrive as a Poisson process whose rate falls (or rises)
  exponentially with the position screened, ``log rate = c + d * position``; the two parameters are fitted
  by Poisson regression on the labels so far.  The records left would then hold, with confidence
  1 - alpha, at most the Poisson quantile of the rate summed over them, that sum taken at its own upper
  confidence bound (delta method on the fit's covariance), so that a short or noisy history cannot give a
  confident "none left".  Screening stops when the records found are at least the recall target of that
  upper total.  Assumption: the rate keeps falling along the order as it has so far, which a prioritised
  order makes likely and a random order makes false (then the fit finds no fall and the rule waits).  A
  relevant record the model cannot rank at all (in Cohen's antihistamines set, the last full-text
  inclusion comes at the very end of every order) breaks it; the benchmark prints its recall at stop.

:func:`recall_bound` turns the buscar test round: the recall reached so far is at least the bound with
the stated confidence (what report 03 and the screening app show).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.linalg import LinAlgWarning
from scipy.special import logsumexp, softmax
from scipy.stats import hypergeom, norm, poisson
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import PoissonRegressor
from threadpoolctl import threadpool_limits

RULES = ("buscar", "knee", "decay")
KNEE_MIN_SCREENED = 150
DECAY_MIN_SCREENED = 3


def buscar_p(screened: Sequence[int], n_total: int, *, recall_target: float = 0.95) -> float:
    """p-value of 'recall is below the target' after screening ``screened`` (labels in screening order)
    out of ``n_total`` records.

    For every k, the last k screened records and all unscreened ones form an urn; if recall were below
    the target, the urn would hold at least K = floor(r_seen / target - (r_seen - r_k)) + 1 relevant
    records.  The p-value is the smallest probability, over k, of drawing at most the r_k relevant records
    actually seen in those k draws (hypergeometric).

    Only the k just before each relevant record (counting back) and k = all screened are evaluated: while
    r_k, and so K, stays the same, one more irrelevant record in the window adds one draw and one record to
    the urn, which can only lower that probability (the new draw is either the added irrelevant record or
    one more draw from the old urn).  So the minimum over a run of equal r_k is at its longest window, and
    the test costs one hypergeometric term per relevant record instead of one per record screened (the
    screening app asks it after every decision, at 20,000 records screened).
    """
    seen = np.asarray(screened, dtype=int)
    n_seen, r_seen = len(seen), int(seen.sum())
    if n_seen == 0 or r_seen == 0:
        return 1.0
    back = np.flatnonzero(seen[::-1]) + 1  # k at which each relevant record enters the window, counting back
    k = np.unique(np.append(back[back > 1] - 1, n_seen))  # the longest window of each run of equal r_k
    r_k = np.searchsorted(back, k, side="right")  # relevant among the last k
    urn = n_total - n_seen + k
    needed = np.floor(r_seen / recall_target - (r_seen - r_k)) + 1
    p = hypergeom.cdf(r_k, urn, np.minimum(needed, urn), k)
    return float(np.min(p))


def buscar_stops(screened: Sequence[int], n_total: int, *, recall_target: float = 0.95,
                 alpha: float = 0.05) -> bool:
    """True when buscar rejects 'recall is below the target' at ``alpha``: screening may stop."""
    return buscar_p(screened, n_total, recall_target=recall_target) < alpha


def recall_bound(screened: Sequence[int], n_total: int, *, alpha: float = 0.05) -> float:
    """The highest recall the buscar test confirms at ``alpha``: with confidence 1 - alpha, at least this
    share of all relevant records is among those screened (0.0 when it confirms nothing yet).  Found to
    one per cent by bisection (the p-value rises with the target)."""
    if buscar_p(screened, n_total, recall_target=0.01) >= alpha:
        return 0.0
    low, high = 1, 100  # in per cent: low is confirmed, high is not (100 % is never confirmed while records are left)
    if len(screened) >= n_total:
        return 1.0
    while high - low > 1:
        mid = (low + high) // 2
        if buscar_p(screened, n_total, recall_target=mid / 100) < alpha:
            low = mid
        else:
            high = mid
    return low / 100


def knee_ratio(screened: Sequence[int]) -> float:
    """The slope ratio at the knee of the gain curve (rate before the knee / rate after it, with one
    relevant record added after the knee so that a flat tail gives a finite ratio); 0.0 before any
    relevant record is found."""
    found = np.cumsum(np.asarray(screened, dtype=float))
    s = len(found)
    if s < 2 or found[-1] == 0:
        return 0.0
    x = np.arange(1, s + 1)
    distance = found[-1] * x - s * found  # proportional to the distance below the line from (0, 0) to (s, found)
    i = int(np.argmin(distance)) + 1  # the knee: the point farthest above that line
    if i >= s:
        return 0.0
    before = found[i - 1] / i
    after = (found[-1] - found[i - 1] + 1) / (s - i)
    return float(before / after)


def knee_stops(screened: Sequence[int]) -> bool:
    """True when the knee method says stop after ``screened`` (labels in screening order)."""
    relevant = int(np.sum(screened))
    return len(screened) >= KNEE_MIN_SCREENED and relevant > 0 and \
        knee_ratio(screened) >= 156 - min(relevant, 150)


@dataclass(frozen=True)
class Remaining:
    """The decay model's estimate of the relevant records not yet screened: ``expected``, and ``upper``,
    which the records left exceed with probability at most alpha under the model."""

    expected: float
    upper: int


def decay_remaining(screened: Sequence[int], n_total: int, *, alpha: float = 0.05) -> Remaining | None:
    """The relevant records left among the ``n_total - len(screened)`` unscreened ones, by the decay model
    (see the module's docstring); None before any relevant record is found or while fewer records are
    screened than :data:`DECAY_MIN_SCREENED` (two parameters need more than two points)."""
    y = np.asarray(screened, dtype=float)
    n, left = len(y), n_total - len(y)
    if y.sum() == 0 or n < DECAY_MIN_SCREENED:
        return None
    if left <= 0:
        return Remaining(expected=0.0, upper=0)
    position = np.arange(1, n + 1, dtype=float)[:, None] / n  # scaled to 0..1: a well-conditioned fit
    # One thread: a two-parameter fit gains nothing from OpenMP, whose start-up made it 130 ms instead of
    # 5 ms from about 15,000 records screened (the screening app fits it after every decision).  A fit
    # without an optimum (see below) is caught by the cap, not by a warning.
    with threadpool_limits(limits=1), warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", LinAlgWarning)
        fit = PoissonRegressor(alpha=0.0, solver="newton-cholesky", max_iter=200, tol=1e-8).fit(position, y)
    design = np.column_stack([np.ones(n), position[:, 0]])
    rate = np.exp(np.clip(design @ [fit.intercept_, fit.coef_[0]], -700.0, 700.0))
    # scikit-learn gives no standard errors: the covariance is the inverse of the Fisher information X'WX
    covariance = np.linalg.pinv(design.T @ (design * rate[:, None]))
    ahead = np.arange(n + 1, n_total + 1, dtype=float) / n
    log_rate_ahead = fit.intercept_ + fit.coef_[0] * ahead  # in logs throughout: a steep fit over- or underflows
    log_expected = float(logsumexp(log_rate_ahead))
    gradient = np.array([1.0, float(softmax(log_rate_ahead) @ ahead)])  # of log(expected) by the parameters
    spread = float(np.sqrt(max(gradient @ covariance @ gradient, 0.0)))
    # Capped at one relevant record per record left: when every relevant record so far came first, the
    # fitted fall has no end and its spread is huge, and the bound must then say "all could be relevant".
    log_high = min(log_expected + norm.ppf(1 - alpha) * spread, np.log(left))
    upper = int(min(left, poisson.ppf(1 - alpha, np.exp(log_high))))
    return Remaining(expected=float(np.exp(min(log_expected, np.log(left)))), upper=upper)


def decay_stops(screened: Sequence[int], n_total: int, *, recall_target: float = 0.95,
                alpha: float = 0.05) -> bool:
    """True when the relevant records found reach ``recall_target`` of found + the decay model's upper
    bound on those left: screening may stop."""
    remaining = decay_remaining(screened, n_total, alpha=alpha)
    if remaining is None:
        return False
    found = float(np.sum(screened))
    return found >= recall_target * (found + remaining.upper)


def stopping_point(order: Sequence[int], labels: Sequence[int], *, rule: str = "buscar", recall_target: float = 0.95,
                   alpha: float = 0.05, check_every: int = 10) -> int | None:
    """Number of records screened when ``rule`` first says stop (checked every ``check_every`` records),
    or None if it never does before the end.  ``recall_target`` and ``alpha`` are buscar's and decay's."""
    if rule not in RULES:
        raise ValueError(f"rule must be one of {', '.join(RULES)}, not {rule!r}")
    y = np.asarray(labels, dtype=int)[np.asarray(order)]
    test = {"buscar": buscar_stops, "decay": decay_stops}.get(rule)
    for n in range(check_every, len(y), check_every):
        if knee_stops(y[:n]) if test is None else test(y[:n], len(y), recall_target=recall_target, alpha=alpha):
            return n
    return None


@dataclass(frozen=True)
class Progress:
    """Where a reviewer stands: records screened of all, relevant found, the recall confirmed with 95 %
    confidence (buscar), the decay model's estimate of recall and its lower bound (None before a relevant
    record is found), and what each rule says."""

    screened: int
    total: int
    found: int
    recall_bound: float
    estimated_recall: float | None
    estimated_recall_low: float | None
    buscar_stop: bool
    knee_stop: bool
    decay_stop: bool


def progress(screened: Sequence[int], n_total: int, *, recall_target: float = 0.95, alpha: float = 0.05) -> Progress:
    """The stopping picture after ``screened`` (include = 1, exclude = 0, in the order decided)."""
    labels = np.asarray(screened, dtype=int)
    found = int(labels.sum())
    remaining = decay_remaining(labels, n_total, alpha=alpha)
    return Progress(screened=len(labels), total=n_total, found=found,
                    recall_bound=recall_bound(labels, n_total, alpha=alpha),
                    estimated_recall=None if remaining is None else found / (found + remaining.expected),
                    estimated_recall_low=None if remaining is None else
                    min(found / (found + remaining.upper), found / (found + remaining.expected)),
                    buscar_stop=buscar_stops(labels, n_total, recall_target=recall_target, alpha=alpha),
                    knee_stop=knee_stops(labels),
                    decay_stop=decay_stops(labels, n_total, recall_target=recall_target, alpha=alpha))
