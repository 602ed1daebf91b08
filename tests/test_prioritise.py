"""Prioritisation: metrics and the stopping rule by hand, and active learning on labelled real sets."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from review_tools import prioritise as p
from review_tools import stopping
from review_tools.errors import ReviewToolsError
from review_tools.io.importer import import_file
from review_tools.records import Record, assign_ids


def test_metrics_by_hand() -> None:
    labels = [1, 0, 1, 0, 0, 0, 0, 0, 0, 1]
    m = p.metrics(list(range(10)), labels)
    # all three relevant only found at the end: no work saved; ATD over the non-prior ones (3rd, 10th)
    assert (m.wss95, m.wss100) == (pytest.approx(-0.05), 0.0)
    assert m.atd == pytest.approx((3 + 10) / 2 / 10)
    assert m.recall_at_10 == pytest.approx(1 / 3)
    best = p.metrics([0, 2, 9, 1, 3, 4, 5, 6, 7, 8], labels)
    assert best.wss95 == pytest.approx(7 / 10 - 0.05) and best.wss100 == pytest.approx(0.7)
    assert list(p.recall_curve([0, 2, 9, 1], labels)) == pytest.approx([1 / 3, 2 / 3, 1.0, 1.0])


def test_rank_needs_both_classes() -> None:
    x = p.feature_matrix(["customer segmentation", "pharma crm", "football results"])
    with pytest.raises(ReviewToolsError, match="one included and one excluded"):
        p.rank(x, {0: 1})
    assert p.rank(x, {0: 1, 2: 0}) == [1]
    assert p.rank(x, {0: 1, 1: 1, 2: 0}) == []  # nothing left to rank (this once raised in scikit-learn)


def test_screening_order_puts_likely_includes_first_and_keeps_every_record() -> None:
    recs = [Record(title=t) for t in ("football results", "customer segmentation in pharma",
                                      "pharma customer segmentation crm", "football league table", "weather")]
    assign_ids(recs)
    ids = [r.id for r in recs]
    # one class only: no model yet, the undecided in record order (no search terms), the decided last
    assert p.screening_order(recs, {ids[1]: "include"}) == [*recs[:1], *recs[2:], recs[1]]
    order = p.screening_order(recs, {ids[1]: "include", ids[0]: "exclude", ids[4]: "maybe"})
    assert order[0].id == ids[2] and order[-2:] == [recs[0], recs[1]]  # the decided ones last
    assert sorted(order, key=lambda r: ids.index(r.id)) == recs  # every record, once


def test_search_terms_rank_the_records_until_there_is_a_model() -> None:
    """Before an include and an exclude, the records matching the protocol's terms best come first (the
    export's order was kept: a first sitting on a 2,000-record set met its first relevant record at 26)."""
    recs = [Record(title=t, abstract=a) for t, a in (
        ("Football results", "League tables of the season."),
        ("Segmenting pharmacy customers", "Customer segmentation by RFM for customer relationship management."),
        ("Weather", "Rain in the north."),
        ("CRM in pharma", "Customer relationship management of physicians."),
        ("A segmentation of rocks", "Image segmentation."))]
    assign_ids(recs)
    terms = ["customer relationship management", "segment*"]
    scores = p.query_scores(p.texts(recs), terms)
    # both terms beat twice one term; no term at all scores 0, and such ties keep record order
    assert scores[1] > scores[4] > scores[3] > 0 and scores[0] == scores[2] == 0
    assert p.screening_order(recs, {}, terms) == [recs[1], recs[4], recs[3], recs[0], recs[2]]
    # an exclude alone changes nothing (no model yet); the decided record goes last
    assert p.screening_order(recs, {recs[1].id: "exclude"}, terms) == [recs[4], recs[3], recs[0], recs[2], recs[1]]
    # with both classes the model ranks: the record like the included one comes first
    decided = {recs[3].id: "include", recs[0].id: "exclude"}
    assert p.screening_order(recs, decided, terms)[0] == recs[1]
    assert p.query_scores(p.texts(recs), []).tolist() == [0.0] * 5


def test_bm25_favours_rare_terms_and_short_records() -> None:
    docs = ["rfm rfm", "rfm " + "filler " * 40, "pareto", "pareto filler", "rfm"]
    scores = p.query_scores(docs, ["rfm", "pareto"])
    assert scores[4] > scores[1]  # the same one match in a shorter record counts more
    assert scores[0] > scores[4]  # two matches more than one, but less than twice (saturation)
    assert scores[0] < 2 * scores[4]
    assert scores[2] > scores[4]  # pareto is in 2 records, rfm in 3: the rarer term weighs more


def test_simulation_from_a_cold_start_follows_the_opening_until_both_classes() -> None:
    x = p.feature_matrix([f"relevant topic words {i}" if i % 4 == 0 else f"other subject {i}" for i in range(40)])
    labels = [int(i % 4 == 0) for i in range(40)]
    opening = [1, 2, 3, 5, 4, *[i for i in range(40) if i not in (1, 2, 3, 4, 5)]]
    order = p.simulate(x, labels, opening=opening)
    assert order[:5] == [1, 2, 3, 5, 4] and sorted(order) == list(range(40))  # until the first include
    assert p.metrics(order, labels, prior=0).wss100 > 0.5
    with pytest.raises(ValueError, match="every record once"):
        p.simulate(x, labels, opening=opening[:-1])
    with pytest.raises(ValueError, match="every record once"):
        p.simulate(x, [0] * 40, opening=opening)


@pytest.mark.parametrize(("name", "column", "wss95_floor"), [
    ("Cohen_2006_Antihistamines.csv", "label_abstract_screening", 0.15),
    ("Cohen_2006_Estrogens.csv", "label_abstract_screening", 0.35),
    ("Nagtegaal_2019.csv", "label_included", 0.5),
])
def test_active_learning_on_labelled_sets(external, name, column, wss95_floor) -> None:
    path = external / "srd-screening" / name
    records = import_file(path).records
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    labels = [int(rows[r.position - 1][column]) for r in records]
    x = p.feature_matrix(p.texts(records))
    order = p.simulate(x, labels, seed=1, retrain_every=max(1, len(labels) // 100))  # 1 % steps: fast enough here
    assert sorted(order) == list(range(len(labels)))
    m = p.metrics(order, labels)
    random_wss = p.metrics(list(np.random.default_rng(1).permutation(len(labels))), labels).wss95
    print(f"{name}: WSS@95 {m.wss95:.3f} (random order {random_wss:.3f}), WSS@100 {m.wss100:.3f}, "
          f"ATD {m.atd:.3f}, recall@10% {m.recall_at_10:.3f}")
    assert m.wss95 >= wss95_floor > random_wss
    for rule in stopping.RULES:  # buscar stops on each; the knee may never see a knee (then all is screened)
        stop = stopping.stopping_point(order, labels, rule=rule) or (None if rule == "buscar" else len(labels))
        assert stop is not None
        recall_at_stop = np.cumsum(np.asarray(labels)[order])[stop - 1] / sum(labels)
        assert recall_at_stop >= 0.95, rule


def test_simulation_retrains_after_every_record_by_default() -> None:
    x = p.feature_matrix([f"relevant topic words {i}" if i % 4 == 0 else f"other subject {i}" for i in range(40)])
    labels = [int(i % 4 == 0) for i in range(40)]
    order = p.simulate(x, labels, seed=2)
    assert sorted(order) == list(range(40))
    assert p.metrics(order, labels).wss100 > 0.5  # every relevant record comes before the others
    with pytest.raises(ValueError, match="at least 1"):
        p.simulate(x, labels, retrain_every=0)


def test_a_run_stopped_at_95_percent_recall_keeps_the_full_runs_order_up_to_there() -> None:
    """``until_recall`` only speeds up a simulation: the order up to the recall asked (and so WSS there) is the
    full run's, and every record still comes once."""
    path = Path(__file__).parent / "data" / "nagtegaal_2019_excerpt.csv"
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    labels = [int(r["label_included"]) for r in rows]
    x = p.feature_matrix([f"{r['title']} {r['abstract']}" for r in rows])
    for seed in (2, 1):
        full = p.simulate(x, labels, seed=seed)
        short = p.simulate(x, labels, seed=seed, until_recall=0.95)
        assert sorted(short) == list(range(len(labels)))
        found = np.cumsum(np.asarray(labels)[full])
        reached = int(np.argmax(found >= np.ceil(0.95 * sum(labels)))) + 1
        assert short[:reached] == full[:reached]
        assert p.metrics(short, labels).wss95 == p.metrics(full, labels).wss95
    assert p.metrics(p.simulate(x, labels, seed=1, until_recall=1.0), labels).wss100 == p.metrics(full, labels).wss100
    with pytest.raises(ValueError, match="until_recall"):
        p.simulate(x, labels, until_recall=0)


def test_naive_bayes_ranks_with_balanced_classes(external) -> None:
    """Unweighted, the nb model's smoothing drowned the one relevant record: WSS@95 0.02 on this set."""
    rows = list(csv.DictReader((external / "srd-screening" / "Cohen_2006_Antihistamines.csv").open(encoding="utf-8")))
    labels = [int(r["label_abstract_screening"]) for r in rows]
    x = p.feature_matrix([" ".join((r["title"], r["abstract"], r["keywords"])) for r in rows])
    wss = [p.metrics(p.simulate(x, labels, model="nb", seed=s, retrain_every=10), labels).wss95
           for s in (1, 2)]
    assert sum(wss) / len(wss) > 0.1, wss
