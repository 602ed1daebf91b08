"""Stopping rules: buscar's test and recall bound by hand, the knee method's ratio by hand, and both rules
on orders whose answer is known."""

from __future__ import annotations

import numpy as np
import pytest

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


def test_on_a_perfect_order_both_rules_stop_after_every_relevant_record_and_the_knee_far_sooner() -> None:
    rng = np.random.default_rng(3)
    labels = np.zeros(2000, dtype=int)
    labels[rng.choice(2000, 40, replace=False)] = 1
    perfect = list(np.argsort(-labels, kind="stable"))
    knee = stopping.stopping_point(perfect, labels, rule="knee")
    buscar = stopping.stopping_point(perfect, labels, rule="buscar")
    assert knee is not None and buscar is not None
    assert 40 < knee <= 200 < buscar < 2000  # buscar needs a long run of irrelevant records to be sure
    shuffled = list(rng.permutation(2000))
    found = np.cumsum(labels[shuffled])
    for rule in stopping.RULES:  # on a random order neither rule stops before 95 % are found
        late = stopping.stopping_point(shuffled, labels, rule=rule)
        assert late is None or found[late - 1] / 40 >= 0.95, rule
    with pytest.raises(ValueError, match="rule must be one of"):
        stopping.stopping_point(perfect, labels, rule="guess")
