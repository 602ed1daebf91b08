"""The screening benchmark's five-fold scale figure (benchmarks/screening.py)."""

import numpy as np
from benchmarks.screening import _five_fold_wss95

from review_tools import prioritise


def _corpus(seed: int) -> tuple[list[str], list[int]]:
    rng = np.random.default_rng(seed)
    filler = [f"word{i}" for i in range(300)]
    labels = [int(i % 10 == 0) for i in range(400)]
    docs = [" ".join([*rng.choice(filler, 30), *(["adherence", "pharmacy"] if y else [])]) for y in labels]
    return docs, labels


def test_five_fold_figure_is_high_where_a_word_tells_the_classes_apart_and_low_where_nothing_does() -> None:
    docs, labels = _corpus(1)
    x = prioritise.feature_matrix(docs)
    best = 1 - 0.05 - sum(labels) / len(labels)  # every relevant record first
    assert _five_fold_wss95(x, labels, prioritise.SVM_C) > best - 0.01
    shuffled = list(np.random.default_rng(2).permutation(labels))
    assert abs(_five_fold_wss95(x, shuffled, prioritise.SVM_C)) < 0.15
