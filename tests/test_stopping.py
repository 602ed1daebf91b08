"""Stopping rules: buscar's test and recall bound by hand, the knee method's ratio by hand, the decay
model against known rates, and the rules on orders whose answer is known."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import hypergeom

from review_tools import stopping


def test_buscar_p_by_hand() -> None:
    # screened [1,1,0,0,0] of 10; the smallest p is for the last 3 (no relevant among them): the urn of
    # 3 + 5 unscreened must hold >= 1 relevant if recall < 95 %: P(0 in 3 draws) = C(7,3)/C(8,3) = 35/56
    assert stopping.buscar_p([1, 1, 0, 0, 0], 10) == pytest.approx(35 / 56)
    assert stopping.buscar_p([0, 0, 0], 10) == 1.0
    # many irrelevant in a row after the relevant ones: strong evidence that recall is high
    assert stopping.buscar_p([1] * 20 + [0] * 400, 500) < 0.05
    assert stopping.buscar_stops([1] * 20 + [0] * 400, 500) and not stopping.buscar_stops([1, 1, 0, 0, 0], 10)
    assert not stopping.buscar_stops([1] * 20 + [0] * 400, 500, alpha=1e-9)


def _buscar_p_every_window(screened: list[int], n_total: int, target: float) -> float:
    """buscar's p-value as defined: the minimum over every window of the last k screened records."""
    seen = np.asarray(screened, dtype=int)
    n_seen, r_seen = len(seen), int(seen.sum())
    if r_seen == 0:
        return 1.0
    k = np.arange(1, n_seen + 1)
    r_k = np.cumsum(seen[::-1])
    urn = n_total - n_seen + k
    needed = np.floor(r_seen / target - (r_seen - r_k)) + 1
    return float(np.min(hypergeom.cdf(r_k, urn, np.minimum(needed, urn), k)))


def test_buscar_p_evaluated_at_the_run_ends_equals_the_minimum_over_every_window() -> None:
    rng = np.random.default_rng(5)
    for _ in range(400):
        n_total = int(rng.integers(1, 300))
        n_seen = int(rng.integers(0, n_total + 1))
        rate = rng.uniform(0, 1) ** 3 * np.exp(-rng.uniform(0, 0.05) * np.arange(n_seen))
        screened = (rng.uniform(size=n_seen) < rate).astype(int).tolist()
        target = float(rng.choice([0.01, 0.5, 0.9, 0.95, 0.99]))
        assert stopping.buscar_p(screened, n_total, recall_target=target) == pytest.approx(
            _buscar_p_every_window(screened, n_total, target), rel=1e-12, abs=1e-300), (screened, n_total, target)


def test_recall_bound_is_the_highest_target_the_test_confirms() -> None:
    screened = [1] * 20 + [0] * 400
    bound = stopping.recall_bound(screened, 500)
    assert 0.5 < bound < 1.0
    assert stopping.buscar_p(screened, 500, recall_target=bound) < 0.05
    assert stopping.buscar_p(screened, 500, recall_target=bound + 0.01) >= 0.05
    assert stopping.recall_bound([1] * 20 + [0] * 100, 500) < bound  # less evidence, lower bound
    assert stopping.recall_bound([0, 0, 0], 10) == 0.0
    assert stopping.recall_bound([1, 0, 1, 0], 4) == 1.0  # everything screened


def test_knee_ratio_by_hand() -> None:
    # 10 relevant in the first 10, then 90 irrelevant: the knee is at 10; rate before 10/10 = 1, after
    # (10 - 10 + 1) / 90: ratio 90
    assert stopping.knee_ratio([1] * 10 + [0] * 90) == pytest.approx(90.0)
    assert stopping.knee_ratio([0] * 50) == 0.0


def test_knee_rule_waits_for_150_records_and_a_flat_tail() -> None:
    assert not stopping.knee_stops([1] * 10 + [0] * 139)  # a ratio of 139 but fewer than 150 screened
    assert stopping.knee_stops([1] * 10 + [0] * 300)  # ratio 300 >= 156 - 10
    steady = np.tile([1, 0, 0, 0], 100)  # relevant records keep coming: no knee
    assert not stopping.knee_stops(steady)


def test_decay_model_on_a_steady_rate_expects_that_rate_for_the_records_left() -> None:
    steady = np.tile([0, 1, 0, 0], 100)  # a rate of 1/4 that does not fall
    left = stopping.decay_remaining(steady, 2000)
    assert left.expected == pytest.approx(0.25 * 1600, rel=0.1)
    assert left.expected < left.upper <= 1600
    assert not stopping.decay_stops(steady, 2000)


def test_decay_model_on_a_falling_rate_matches_the_rate_it_was_drawn_from() -> None:
    """Relevant records drawn at rate 0.3 * exp(-i / 150): the expected number left after 600 of 3,000
    is 0.3 * sum(exp(-i / 150), i > 600), about 0.82; the fit must land near it and bound it above."""
    rng = np.random.default_rng(7)
    i = np.arange(1, 3001)
    rate = 0.3 * np.exp(-i / 150)
    truth = rate[600:].sum()
    estimates = []
    for _ in range(20):
        y = (rng.random(3000) < rate).astype(int)
        left = stopping.decay_remaining(y[:600], 3000)
        estimates.append(left.expected)
        assert left.upper >= left.expected
    assert np.median(estimates) == pytest.approx(truth, rel=0.5)


def test_decay_model_waits_when_every_relevant_record_so_far_came_first() -> None:
    """One relevant record, then 300 irrelevant ones: the fitted fall has no end, but a floor rate of up to
    about 1.35 / 300 (the likelihood-ratio limit at alpha 0.05 over 300 empty records) stays possible, so the
    1,699 records left may hold 1.35 * 1699 / 300, about 7.6, or more: the rule must wait (an early version
    stopped here)."""
    left = stopping.decay_remaining([1] + [0] * 300, 2000)
    assert left.upper >= 8
    assert not stopping.decay_stops([1] + [0] * 300, 2000)
    assert stopping.decay_remaining([0] * 30, 100) is None  # nothing found: no estimate
    assert stopping.decay_remaining([1, 0], 100) is None  # two points for three parameters: no estimate


def test_decay_model_stops_once_the_relevant_records_have_clearly_stopped_coming() -> None:
    order = [1] * 30 + [1, 0] * 20 + [0] * 1500
    assert stopping.decay_stops(order, 2000)
    assert not stopping.decay_stops(order[:80], 2000)  # still finding one in two
    assert not stopping.decay_stops(order[:1000], 2000)  # 930 empty records bound a floor too weakly for 1,000 left
    assert stopping.decay_stops([1, 0, 1, 1], 4)  # all screened: nothing can be left (report 03 said keep going)
    state = stopping.progress(order, 2000)
    assert state.decay_stop and state.found == 50
    assert state.estimated_recall_low <= state.estimated_recall <= 1.0 and state.estimated_recall > 0.95


def test_decay_model_bounds_a_tail_of_relevant_records_that_never_stops() -> None:
    """Relevant records at 0.2 * exp(-i / 300) + 0.002: after 5,000 of 20,000 the records left hold about
    0.002 * 15,000 = 30.  The model without a floor (shipped until 2026-12-01) put the upper bound at 1 and
    stopped with about 70 % recall; the bound must cover what is truly left in most draws."""
    rng = np.random.default_rng(11)
    rate = 0.2 * np.exp(-np.arange(20000) / 300) + 0.002
    covered, expected = 0, []
    for _ in range(20):
        y = (rng.random(20000) < rate).astype(int)
        left = stopping.decay_remaining(y[:5000], 20000)
        covered += left.upper >= y[5000:].sum()
        expected.append(left.expected)
        assert not stopping.decay_stops(y[:5000], 20000)
    assert covered >= 18  # 95 % bounds: at most a miss or two in 20
    assert np.median(expected) == pytest.approx(0.002 * 15000, rel=0.3)


def test_decay_model_closed_forms_match_the_sums_they_replace() -> None:
    for u, first, last in [(0.0, 1, 500), (1e-9, 1, 500), (-0.01, 1, 500), (0.003, 501, 2000), (-2.0, 1, 3),
                           (5.0, 10, 300), (-40.0, 101, 20000)]:
        i = np.arange(first, last + 1, dtype=float)
        terms = np.exp(u * i - u * last if u > 0 else u * i - u * first)  # scaled: no overflow
        log_sum, mean = stopping._geometric(u, first, last)
        assert log_sum == pytest.approx(np.log(terms.sum()) + (u * last if u > 0 else u * first), rel=1e-9, abs=1e-9)
        assert mean == pytest.approx(terms @ i / terms.sum(), rel=1e-7)
    rng = np.random.default_rng(2)
    y = (rng.random(400) < 0.3 * np.exp(-np.arange(400) / 80) + 0.01).astype(int)
    model = stopping._DecayFit(np.flatnonzero(y) + 1.0, 400, 3000)
    t = np.array([-1.0, -4.0, -4.5])
    x = np.arange(1, 401) / 400
    rates = np.exp(t[0] + t[1] * x) + np.exp(t[2])
    assert model.nll(t) == pytest.approx(rates.sum() - y @ np.log(rates))
    ahead = np.exp(t[0] + t[1] * np.arange(401, 3001) / 400) + np.exp(t[2])
    assert model.log_left(t) == pytest.approx(np.log(ahead.sum()))
    for f, g in [(model.nll, model.nll_gradient), (model.log_left, model.log_left_gradient)]:
        numeric = [(f(t + h) - f(t - h)) / 2e-6 for h in np.eye(3) * 1e-6]
        assert g(t) == pytest.approx(numeric, rel=1e-4, abs=1e-6)


def test_on_a_perfect_order_the_rules_stop_after_every_relevant_record_and_the_knee_far_sooner() -> None:
    rng = np.random.default_rng(3)
    labels = np.zeros(2000, dtype=int)
    labels[rng.choice(2000, 40, replace=False)] = 1
    perfect = list(np.argsort(-labels, kind="stable"))
    knee = stopping.stopping_point(perfect, labels, rule="knee")
    buscar = stopping.stopping_point(perfect, labels, rule="buscar")
    decay = stopping.stopping_point(perfect, labels, rule="decay")
    assert knee is not None and buscar is not None and decay is not None
    assert 40 < knee <= 200 < buscar < 2000  # buscar needs a long run of irrelevant records to be sure
    # a floor rate that 1,200 empty records cannot rule out could still hide 2 of 800 left: on a perfect
    # order the decay model needs as long a run of irrelevant records as buscar
    assert 40 < decay <= buscar
    shuffled = list(rng.permutation(2000))
    found = np.cumsum(labels[shuffled])
    for rule in stopping.RULES:  # on a random order no rule stops before 95 % are found
        late = stopping.stopping_point(shuffled, labels, rule=rule)
        assert late is None or found[late - 1] / 40 >= 0.95, rule
    with pytest.raises(ValueError, match="rule must be one of"):
        stopping.stopping_point(perfect, labels, rule="guess")


def test_the_either_rule_stops_with_whichever_of_buscar_and_the_decay_model_stops_first() -> None:
    """Where relevant records keep trickling in (a weak ranking) the floor the decay model cannot rule out
    keeps it going, and buscar stops first; on every order the rule stops at the earlier of the two."""
    rng = np.random.default_rng(7)
    falling = (rng.random(2000) < 0.6 * np.exp(-np.arange(2000) / 100)).astype(int)
    weak = (rng.random(3000) < np.linspace(0.12, 0.002, 3000)).astype(int)
    for y in (falling, weak):
        order = list(range(len(y)))
        points = {rule: stopping.stopping_point(order, y, rule=rule) or len(y)
                  for rule in ("buscar", "decay", "either")}
        assert points["either"] == min(points["buscar"], points["decay"]), points
    order = list(range(3000))
    assert (stopping.stopping_point(order, weak, rule="either") or 3000) < \
        (stopping.stopping_point(order, weak, rule="decay") or 3000)
    state = stopping.progress(falling[:1500], 2000)
    assert state.either_stop == (state.buscar_stop or state.decay_stop)
