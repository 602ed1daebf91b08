"""When to stop screening a prioritised order: four stopping rules and confidence bounds on recall.

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
  exponentially along the order towards a constant floor, ``rate = exp(c + d * position) + exp(f)``; the
  floor is the rate at which relevant records the ranking cannot tell apart keep turning up.  The three
  parameters are fitted by maximum likelihood on the labels so far.  The records left then hold, with
  confidence 1 - alpha, at most the Poisson quantile of the largest expected total left that the
  likelihood-ratio test does not reject (a profile-likelihood bound), so that a short history, or a long
  run of irrelevant records that cannot rule out a low floor, never gives a confident "none left".
  Screening stops when the records found are at least the recall target of found + that upper total.
  Assumption: beyond the fall, relevant records left are spread no more thickly than a constant rate; a
  relevant record the model ranks far below every other breaks it, as it breaks any rule short of screening
  everything.  Measured (2026-12-01): on the screening benchmark's 60 orders (6 labelled sets x 5 seeds, ours
  and ASReview's) recall >= 0.95 in 95.0 % of runs (lowest 0.946), 19.0 % of the work saved against
  buscar's 16.2 %; on its 42 orders of weaker rankings 100 %, 15.0 % against 14.8 %; on the 27 orders of
  ``python -m benchmarks stopping`` (9 Cohen 2006 topics, 3 seeds) 100 %, but 10.2 % against 13.7 %: where
  the ranking is weak the floor it cannot rule out keeps it screening longer than buscar.  The model
  shipped before (commit ae56de3) had no floor: on the same orders it saved 30.7 % and 21.3 % but kept
  recall >= 0.95 in only 88.3 % and 85.2 % of runs (lowest 0.176).
* ``either``: stop as soon as buscar or the decay model says stop (each at ``alpha``): the decay model where
  the ranking is strong, buscar where a weak ranking leaves the decay model a floor it cannot rule out.
  Assumption: the decay model's (and buscar's, which prioritisation makes pessimistic); it falls short of
  the target only where the rule that stopped first did, so by the union bound with probability at most
  2 * alpha (0.10 at the default alpha).  Splitting alpha between the two (0.025 each) would keep 0.05,
  but the decay model's bound at 0.025 stops far later (12 % of the work saved instead of 20 % on the
  runs below), so the rule is stated with its 2 * alpha.  Measured (2026-12-02, our orders only, as
  ``python -m benchmarks stopping`` and the screening benchmark's sets): on the 30 runs of the six
  screening sets recall >= 0.95 in every run, 21.8 % of the work saved against buscar's 16.7 % and the
  decay model's 20.2 %; on the 27 runs of the nine Cohen topics every run, 13.7 % saved, as buscar (the
  decay model 10.2 %).

:func:`recall_bound` turns the buscar test round: the recall reached so far is at least the bound with
the stated confidence (what report 03 and the screening app show).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize
from scipy.special import softmax
from scipy.stats import chi2, hypergeom, poisson

RULES = ("buscar", "knee", "decay", "either")
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


def _log_abs_expm1(x: float) -> float:
    """log|exp(x) - 1| without overflow for large x (x != 0)."""
    return x + float(np.log(-np.expm1(-x))) if x > 0 else float(np.log(-np.expm1(x)))


def _expm1_slope(x: float) -> float:
    """The derivative of :func:`_log_abs_expm1`: exp(x) / (exp(x) - 1), written so that neither sign
    overflows."""
    return float(1.0 / -np.expm1(-x)) if x > 0 else float(np.exp(x) / np.expm1(x))


def _geometric(u: float, first: int, last: int) -> tuple[float, float]:
    """log of sum(exp(u * i) for i in first..last) and the exp(u * i)-weighted mean of i, in closed form.

    The rate summed over thousands of records is a geometric series; its closed form makes one likelihood
    evaluation cost one term per relevant record instead of one per record (the screening app refits the
    model after every decision)."""
    m = last - first + 1
    if abs(u * m) < 1e-6:  # the closed form cancels near u = 0: its second-order series instead
        return float(np.log(m)) + u * (first + last) / 2, first + (m - 1) / 2 + u * (m * m - 1) / 12
    log_sum = u * first + _log_abs_expm1(u * m) - _log_abs_expm1(u)
    return log_sum, first + m * _expm1_slope(u * m) - _expm1_slope(u)


class _DecayFit:
    """The decay model's log-likelihood and the log of its expected relevant records left, with gradients,
    in the parameters t = (c, d, f) of ``rate(i) = exp(c + d * i / n) + exp(f)``, for records i = 1..n screened
    of ``total``, relevant at ``hits`` (1-based)."""

    def __init__(self, hits: np.ndarray, n: int, total: int) -> None:
        self.x, self.n, self.total = hits / n, n, total

    def nll(self, t: np.ndarray) -> float:
        log_seen, _ = _geometric(t[1] / self.n, 1, self.n)
        rates = np.exp(t[0] + t[1] * self.x) + np.exp(t[2])
        return float(np.exp(t[0] + log_seen) + self.n * np.exp(t[2]) - np.log(rates).sum())

    def nll_gradient(self, t: np.ndarray) -> np.ndarray:
        log_seen, mean = _geometric(t[1] / self.n, 1, self.n)
        seen = np.exp(t[0] + log_seen)
        falling = np.exp(t[0] + t[1] * self.x)
        share = falling / (falling + np.exp(t[2]))  # of each hit's rate, from the falling part
        return np.array([seen - share.sum(), seen * mean / self.n - share @ self.x,
                         self.n * np.exp(t[2]) - (1 - share).sum()])

    def log_left(self, t: np.ndarray) -> float:
        log_ahead, _ = _geometric(t[1] / self.n, self.n + 1, self.total)
        return float(np.logaddexp(t[0] + log_ahead, t[2] + np.log(self.total - self.n)))

    def log_left_gradient(self, t: np.ndarray) -> np.ndarray:
        log_ahead, mean = _geometric(t[1] / self.n, self.n + 1, self.total)
        parts = np.array([t[0] + log_ahead, t[2] + np.log(self.total - self.n)])
        w = float(softmax(parts)[0])
        return np.array([w, w * mean / self.n, 1 - w])


_BOUNDS = [(-30.0, 5.0), (-200.0, 50.0), (-30.0, 1.0)]  # rates from e^-30 to e^5 a record; d: the fall over n


def decay_remaining(screened: Sequence[int], n_total: int, *, alpha: float = 0.05) -> Remaining | None:
    """The relevant records left among the ``n_total - len(screened)`` unscreened ones, by the decay model
    (see the module's docstring); None before any relevant record is found or while fewer records are
    screened than :data:`DECAY_MIN_SCREENED`.

    The fit is by maximum likelihood (L-BFGS-B, two starts); the upper total is the largest expected total
    left among the parameters the likelihood-ratio test keeps at 1 - 2 * alpha two-sided, i.e. a one-sided
    1 - alpha profile-likelihood bound (SLSQP, started from the fit and from floors at the rate of the last
    half, quarter and tenth screened), then the Poisson 1 - alpha quantile of that total.  scipy's optimisers
    do the work; no library fits this model.
    """
    y = np.asarray(screened, dtype=float)
    n, left = len(y), n_total - len(y)
    if y.sum() == 0 or n < DECAY_MIN_SCREENED:
        return None
    if left <= 0:
        return Remaining(expected=0.0, upper=0)
    model = _DecayFit(np.flatnonzero(y) + 1.0, n, n_total)
    starts = [np.array([np.log(max(y[: max(1, n // 10)].mean(), 1e-3)), -5.0, np.log(max(y[n // 2:].mean(), 1e-5))]),
              np.array([np.log(y.mean()), 0.0, np.log(y.mean() / 10)])]
    best = min((minimize(model.nll, s, jac=model.nll_gradient, method="L-BFGS-B", bounds=_BOUNDS) for s in starts),
               key=lambda r: r.fun)
    limit = best.fun + chi2.ppf(1 - 2 * alpha, 1) / 2
    log_expected = log_high = model.log_left(best.x)
    for share in (None, 0.5, 0.25, 0.1):
        start = best.x.copy()
        if share is not None:  # a floor as high as the recent rate: where a late relevant record hides
            start[2] = np.log(max(y[int(n * (1 - share)):].mean(), 0.5 / (n * share)))
        high = minimize(lambda t: -model.log_left(t), start, jac=lambda t: -model.log_left_gradient(t),
                        method="SLSQP", bounds=_BOUNDS, options={"maxiter": 200},
                        constraints=[{"type": "ineq", "fun": lambda t: limit - model.nll(t),
                                      "jac": lambda t: -model.nll_gradient(t)}])
        if model.nll(high.x) <= limit + 1e-6:
            log_high = max(log_high, model.log_left(high.x))
    # Capped at one relevant record per record left: a bound beyond that says only "all could be relevant".
    upper = int(min(left, poisson.ppf(1 - alpha, np.exp(min(log_high, np.log(left))))))
    return Remaining(expected=float(np.exp(min(log_expected, np.log(left)))), upper=upper)


def decay_stops(screened: Sequence[int], n_total: int, *, recall_target: float = 0.95,
                alpha: float = 0.05) -> bool:
    """True when the relevant records found reach ``recall_target`` of found + the decay model's upper
    bound on those left: screening may stop."""
    return _decay_confirms(float(np.sum(screened)), decay_remaining(screened, n_total, alpha=alpha), recall_target)


def either_stops(screened: Sequence[int], n_total: int, *, recall_target: float = 0.95,
                 alpha: float = 0.05) -> bool:
    """True when buscar or the decay model says stop (the ``either`` rule of the module's docstring)."""
    return buscar_stops(screened, n_total, recall_target=recall_target, alpha=alpha) or \
        decay_stops(screened, n_total, recall_target=recall_target, alpha=alpha)


def _decay_confirms(found: float, remaining: Remaining | None, recall_target: float) -> bool:
    """True when ``found`` reaches ``recall_target`` of found + the upper bound of ``remaining``."""
    return remaining is not None and found >= recall_target * (found + remaining.upper)


def stopping_point(order: Sequence[int], labels: Sequence[int], *, rule: str = "buscar", recall_target: float = 0.95,
                   alpha: float = 0.05, check_every: int = 10) -> int | None:
    """Number of records screened when ``rule`` first says stop (checked every ``check_every`` records),
    or None if it never does before the end.  ``recall_target`` and ``alpha`` are buscar's and decay's."""
    if rule not in RULES:
        raise ValueError(f"rule must be one of {', '.join(RULES)}, not {rule!r}")
    y = np.asarray(labels, dtype=int)[np.asarray(order)]
    test = {"buscar": buscar_stops, "decay": decay_stops, "either": either_stops}.get(rule)
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

    @property
    def either_stop(self) -> bool:
        """The ``either`` rule: buscar or the decay model says stop."""
        return self.buscar_stop or self.decay_stop


def progress(screened: Sequence[int], n_total: int, *, recall_target: float = 0.95, alpha: float = 0.05) -> Progress:
    """The stopping picture after ``screened`` (include = 1, exclude = 0, in the order decided); the decay
    model is fitted once for its estimate and its verdict."""
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
                    decay_stop=_decay_confirms(found, remaining, recall_target))
