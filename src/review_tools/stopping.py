"""When to stop screening a prioritised order: two stopping rules and a confidence bound on recall.

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

:func:`recall_bound` turns the buscar test round: the recall reached so far is at least the bound with
the stated confidence (what report 03 and the screening app show).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.stats import hypergeom

RULES = ("buscar", "knee")
KNEE_MIN_SCREENED = 150


def buscar_p(screened: Sequence[int], n_total: int, *, recall_target: float = 0.95) -> float:
    """p-value of 'recall is below the target' after screening ``screened`` (labels in screening order)
    out of ``n_total`` records.

    For every k, the last k screened records and all unscreened ones form an urn; if recall were below
    the target, the urn would hold at least K = floor(r_seen / target - (r_seen - r_k)) + 1 relevant
    records.  The p-value is the smallest probability, over k, of drawing at most the r_k relevant records
    actually seen in those k draws (hypergeometric).
    """
    seen = np.asarray(screened, dtype=int)
    n_seen, r_seen = len(seen), int(seen.sum())
    if n_seen == 0 or r_seen == 0:
        return 1.0
    k = np.arange(1, n_seen + 1)  # the last k screened
    r_k = np.cumsum(seen[::-1])  # relevant among them
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


def stopping_point(order: Sequence[int], labels: Sequence[int], *, rule: str = "buscar", recall_target: float = 0.95,
                   alpha: float = 0.05, check_every: int = 10) -> int | None:
    """Number of records screened when ``rule`` first says stop (checked every ``check_every`` records),
    or None if it never does before the end.  ``recall_target`` and ``alpha`` are buscar's."""
    if rule not in RULES:
        raise ValueError(f"rule must be one of {', '.join(RULES)}, not {rule!r}")
    y = np.asarray(labels, dtype=int)[np.asarray(order)]
    for n in range(check_every, len(y), check_every):
        if knee_stops(y[:n]) if rule == "knee" else \
                buscar_stops(y[:n], len(y), recall_target=recall_target, alpha=alpha):
            return n
    return None


@dataclass(frozen=True)
class Progress:
    """Where a reviewer stands: records screened of all, relevant found, the recall confirmed with 95 %
    confidence (buscar), and what each rule says."""

    screened: int
    total: int
    found: int
    recall_bound: float
    buscar_stop: bool
    knee_stop: bool


def progress(screened: Sequence[int], n_total: int, *, recall_target: float = 0.95, alpha: float = 0.05) -> Progress:
    """The stopping picture after ``screened`` (include = 1, exclude = 0, in the order decided)."""
    labels = np.asarray(screened, dtype=int)
    return Progress(screened=len(labels), total=n_total, found=int(labels.sum()),
                    recall_bound=recall_bound(labels, n_total, alpha=alpha),
                    buscar_stop=buscar_stops(labels, n_total, recall_target=recall_target, alpha=alpha),
                    knee_stop=knee_stops(labels))
