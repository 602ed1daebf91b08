"""Screening prioritisation: rank unscreened records by a model trained on the decisions so far, and
simulate it on labelled data.

* Features: TF-IDF of title, abstract and keywords (scikit-learn): words and word pairs, sublinear term
  frequency, words in more than 95 % of the records dropped, no stop-word list.  Measured on Nagtegaal 2019
  (2,019 records), a stop-word list and a 50,000-feature cap cost 0.09 of WSS@95 (0.636 against 0.729,
  three seeds, the svm model).
* Models: ``svm`` (default): a linear support vector machine (squared hinge loss, C 0.11, as ASReview's
  default ELAS u4) with every included record weighted 20 times an excluded one.  ELAS u4 weights 9.8;
  over five seeds 20 gave WSS@95 0.246 / -0.018 / 0.490 / 0.736 on Cohen Antihistamines (abstract, full
  text), Cohen Estrogens and Nagtegaal, 9.8 gave 0.198 / -0.018 / 0.490 / 0.727 (40 and class balance did
  no better; a larger C lost on the full-text set).  The weight was chosen on the sets it was measured
  on, so these figures are no independent test.  ``logistic``: logistic regression with balanced class
  weights (the earlier default: 0.638 on Nagtegaal with the earlier features, and ten times slower to
  retrain); ``nb``: multinomial naive Bayes with the classes weighted to the same total.
* Everything else tried to rank better (ten rounds of features, models, kernels, sampling and pseudo-labels,
  each measured against this default on the labelled sets) is in docs/ranking-experiments.md; its fifth
  round is reproduced by ``python -m benchmarks ranking_variants``.
* Before the decisions hold an include and an exclude there is nothing to learn from: the records are then
  ranked by the protocol's search terms (:func:`query_scores`, BM25), so that a first sitting does not
  start in the order of the export.
* Simulation (active learning): start from one included and one excluded record, screen the top-ranked
  record, retrain, repeat; the order gives the recall curve, WSS@95, WSS@100, ATD and recall at 10 %.
* When to stop: :mod:`review_tools.stopping`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.naive_bayes import MultinomialNB
from sklearn.svm import LinearSVC

from review_tools.errors import ReviewToolsError
from review_tools.highlight import match_counts
from review_tools.records import Record
from review_tools.screening import EXCLUDE, INCLUDE

MODELS = ("svm", "logistic", "nb")
RELEVANT_WEIGHT = 20.0  # svm: the weight of an included record against an excluded one
SVM_C = 0.11  # svm: the regularisation constant (ELAS u4's)
TFIDF = {"ngram_range": (1, 2), "sublinear_tf": True, "min_df": 1, "max_df": 0.95}  # see feature_matrix


def texts(records: Sequence[Record]) -> list[str]:
    return [" ".join((r.title, r.abstract, " ".join(r.keywords))) for r in records]


def feature_matrix(documents: Sequence[str], **changed):
    """TF-IDF of words and word pairs, sublinear term frequency, words in over 95 % of documents dropped
    (from 20 documents up: in a handful of records every word can be in nearly all of them).  ``changed``:
    other TfidfVectorizer settings, only to measure variants (benchmarks/ranking_variants.py)."""
    settings = {**TFIDF, **changed}
    if len(documents) < 20:
        settings["max_df"] = 1.0
    return TfidfVectorizer(**settings).fit_transform(documents)


def query_scores(documents: Sequence[str], terms: Sequence[str], *, k1: float = 1.2, b: float = 0.75) -> np.ndarray:
    """Okapi BM25 score of each document for a query of ``terms`` (the protocol's search terms: words,
    phrases, truncations such as ``segment*``), matched as the screening app highlights them
    (:func:`review_tools.highlight.match_counts`); 0 for a document with none of them.

    Written here rather than taken from a BM25 package because those score lists of tokens, and the terms
    here are phrases and truncations matched in the text; the formula is the standard one (Robertson &
    Zaragoza 2009), with document length in words and its usual k1 and b."""
    counts = match_counts(documents, terms).astype(float)
    if not counts.size:  # no documents or no terms
        return np.zeros(len(documents))
    length = np.array([max(1, len(d.split())) for d in documents], dtype=float)
    frequency = (counts > 0).sum(axis=0)
    idf = np.log1p((len(documents) - frequency + 0.5) / (frequency + 0.5))
    norm = k1 * (1 - b + b * length / length.mean())
    return (idf * counts * (k1 + 1) / (counts + norm[:, None])).sum(axis=1)


def fit_svm(x, y, *, c: float = SVM_C, weight: float = RELEVANT_WEIGHT, seed: int = 0) -> LinearSVC:
    """The ``svm`` model fitted to the rows ``x`` with labels ``y`` (1 include, 0 exclude), each included record
    weighted ``weight`` times an excluded one; ``c`` and ``weight`` other than the defaults only to measure
    the model."""
    return LinearSVC(C=c, loss="squared_hinge", random_state=seed).fit(
        x, y, sample_weight=np.where(y == 1, weight, 1.0))


def _model(name: str, seed: int):
    if name == "logistic":
        return LogisticRegression(C=10.0, class_weight="balanced", solver="liblinear", random_state=seed)
    if name == "nb":
        return MultinomialNB(alpha=3.822)
    raise ValueError(f"model must be one of {', '.join(MODELS)}, not {name!r}")


def rank(x, labelled: dict[int, int], *, model: str = "svm", seed: int = 0, c: float = SVM_C,
         weight: float = RELEVANT_WEIGHT) -> list[int]:
    """Row indices of the unlabelled records, most likely relevant first.  ``labelled`` maps row index to
    1 (include) or 0 (exclude) and needs both classes; ``c`` and ``weight`` go to :func:`fit_svm`."""
    if set(labelled.values()) != {0, 1}:
        raise ReviewToolsError("ranking needs at least one included and one excluded record")
    rows = np.fromiter(labelled, dtype=int)
    y = np.fromiter(labelled.values(), dtype=int)
    pool = np.setdiff1d(np.arange(x.shape[0]), rows)
    if not len(pool):
        return []
    if model == "svm":
        scores = fit_svm(x[rows], y, c=c, weight=weight, seed=seed).decision_function(x[pool])
    elif model == "nb":
        clf = _model(model, seed)
        # Naive Bayes has no class weights, and with one relevant record among hundreds its smoothing
        # (alpha 3.8, as ASReview's) drowns the relevant class's words: the ranking was near random (WSS@95
        # 0.02-0.09).  Weighting each class to the same total, as ASReview's resampling does, restores it.
        clf.fit(x[rows], y, sample_weight=np.where(y == 1, (y == 0).sum() / max(1, (y == 1).sum()), 1.0))
        scores = clf.predict_log_proba(x[pool])[:, 1]  # log: no probabilities underflowing to ties at 0
    else:
        clf = _model(model, seed).fit(x[rows], y)
        scores = clf.decision_function(x[pool])
    return [int(i) for i in pool[np.argsort(-scores, kind="stable")]]


def screening_order(records: Sequence[Record], decided: Mapping[str, str], terms: Sequence[str] = ()) -> list[Record]:
    """Every record, in the order to show a reviewer: the undecided records most likely relevant first,
    then the decided ones.  Once ``decided`` (record id -> the reviewer's own decision) holds an include
    and an exclude, by the model; before that, by the search ``terms`` (:func:`query_scores`), record order
    where they tie or none are given.  'maybe' counts as undecided for the model."""
    done = {r.id for r in records if decided.get(r.id) in (INCLUDE, EXCLUDE)}
    ranked = Ranker(records, terms=terms).order(decided, [r for r in records if r.id not in done])
    return [*ranked, *(r for r in records if r.id in done)]


class Ranker:
    """Ranks one set of records again and again as decisions come in: the TF-IDF features are computed
    once, so each new ranking costs one model fit (what the screening app does after every decision)."""

    def __init__(self, records: Sequence[Record], *, model: str = "svm", seed: int = 0, terms: Sequence[str] = (),
                 features=None, scores: np.ndarray | None = None):
        """``terms``: the protocol's search terms, which rank the records until there is a model.
        ``features`` and ``scores``: the records' :func:`feature_matrix` and :func:`query_scores`, when built
        elsewhere (the screening app builds them in another process); computed here otherwise, the features
        at the first model fit."""
        self.records = list(records)
        self.model, self.seed = model, seed
        self.row = {r.id: i for i, r in enumerate(self.records)}
        if scores is None and terms:
            scores = query_scores(texts(self.records), terms)
        self.x, self.scores = features, scores

    def _labelled(self, decided: Mapping[str, str]) -> dict[int, int]:
        return {self.row[i]: int(d == INCLUDE) for i, d in decided.items() if d in (INCLUDE, EXCLUDE) and i in self.row}

    def has_model(self, decided: Mapping[str, str]) -> bool:
        """Whether ``decided`` can train a model: it holds an include and an exclude of these records."""
        return set(self._labelled(decided).values()) == {0, 1}

    def order(self, decided: Mapping[str, str], candidates: Sequence[Record]) -> list[Record]:
        """``candidates`` most likely relevant first, by a model trained on ``decided`` (record id -> the
        reviewer's decision; include and exclude count, 'maybe' does not).  While ``decided`` lacks an include
        or an exclude: best match of the search terms first, the others as given."""
        labelled = self._labelled(decided)
        if not candidates:
            return []
        if set(labelled.values()) != {0, 1}:
            if self.scores is None:
                return list(candidates)
            return sorted(candidates, key=lambda r: -self.scores[self.row[r.id]] if r.id in self.row else 0.0)
        if self.x is None:  # built at the first model fit: no decisions of both classes may ever come
            self.x = feature_matrix(texts(self.records))
        ranked = rank(self.x, labelled, model=self.model, seed=self.seed)
        position = {row: n for n, row in enumerate(ranked)}
        return sorted(candidates, key=lambda r: position.get(self.row.get(r.id, -1), len(position)))


def prior_indices(labels: Sequence[int], seed: int) -> list[int]:
    """One random included and one random excluded record (the seed decides which)."""
    y = np.asarray(labels, dtype=int)
    rng = np.random.default_rng(seed)
    return [int(rng.choice(np.flatnonzero(y == 1))), int(rng.choice(np.flatnonzero(y == 0)))]


def simulate(x, labels: Sequence[int], *, model: str = "svm", seed: int = 0, retrain_every: int = 1,
             until_recall: float | None = None, opening: Sequence[int] | None = None, c: float = SVM_C,
             weight: float = RELEVANT_WEIGHT) -> list[int]:
    """Screening order of an active-learning run on labelled data (prior records first).

    Starts from :func:`prior_indices`; retrains after every ``retrain_every`` records screened (default 1,
    as ASReview does: retraining less often is faster but finds the relevant records later), screening the
    best-ranked records in between.  With ``until_recall`` (for example 0.95) the run stops retraining once
    that share of the relevant records is found and the rest follow the last ranking: the order up to that
    point, and so WSS at that recall, is the full run's, in a fraction of the time (the late fits on nearly
    every record are the slow ones); WSS@100 and the stopping rules need the full run.  ``opening`` (row
    indices, e.g. the records by :func:`query_scores`, or the export's order) is a cold start instead of the
    prior records: records are screened in that order until one is included and one excluded.
    """
    if retrain_every < 1:
        raise ValueError(f"retrain_every must be at least 1, not {retrain_every}")
    if until_recall is not None and not 0 < until_recall <= 1:
        raise ValueError(f"until_recall must be in (0, 1], not {until_recall}")
    y = np.asarray(labels, dtype=int)
    if opening is None:
        order = prior_indices(y, seed)
    else:
        if sorted(opening) != list(range(len(y))) or len(set(y)) < 2:
            raise ValueError("opening must list every record once, and the labels need both classes")
        classes = y[np.asarray(opening, dtype=int)]
        both = max(int(np.argmax(classes == 1)), int(np.argmax(classes == 0))) + 1  # first include and exclude
        order = [int(i) for i in opening[:both]]
    labelled = {i: int(y[i]) for i in order}
    enough = np.inf if until_recall is None else _relevant_needed(until_recall, int(y.sum()))
    found = int(y[order].sum())
    while len(order) < len(y):
        ranked = rank(x, labelled, model=model, seed=seed, c=c, weight=weight)
        for i in ranked if found >= enough else ranked[:retrain_every]:
            order.append(i)
            labelled[i] = int(y[i])
            found += int(y[i])
    return order


def _relevant_needed(recall: float, total: int) -> int:
    """The fewest of ``total`` relevant records that reach ``recall`` (0.95 of 20 is 19, not 20 from rounding)."""
    return int(np.ceil(recall * total - 1e-9))


@dataclass(frozen=True)
class Metrics:
    n: int
    relevant: int
    wss95: float
    wss100: float
    atd: float
    recall_at_10: float


def metrics(order: Sequence[int], labels: Sequence[int], *, prior: int = 2) -> Metrics:
    """Work saved over sampling at 95 % and 100 % recall, average time to discovery (mean share of the
    records screened when each relevant record is found) and recall after 10 % screened.  The ``prior``
    records that seeded the model are counted as screened, as ASReview does."""
    y = np.asarray(labels, dtype=int)[np.asarray(order)]
    n, total = len(y), int(y.sum())
    if total == 0:
        raise ReviewToolsError("no relevant records: the metrics are undefined")
    found = np.cumsum(y)

    def screened_for(recall: float) -> int:
        return int(np.argmax(found >= _relevant_needed(recall, total))) + 1

    def wss(recall: float) -> float:
        return (n - screened_for(recall)) / n - (1 - recall)

    positions = np.flatnonzero(y[prior:]) + prior + 1
    return Metrics(n=n, relevant=total, wss95=wss(0.95), wss100=wss(1.0), atd=float(np.mean(positions) / n),
                   recall_at_10=float(found[max(0, round(0.1 * n) - 1)] / total))


def recall_curve(order: Sequence[int], labels: Sequence[int]) -> np.ndarray:
    y = np.asarray(labels, dtype=int)[np.asarray(order)]
    return np.cumsum(y) / max(1, y.sum())
