"""The cold start: what a reviewer meets before the first include and exclude, when there is no model yet.

The screening app ranks the records by the protocol's search terms until then (``prioritise.query_scores``,
BM25); before, they came in the export's order.  Each labelled set of the screening benchmark is screened from
nothing (no prior records): in its file's order, in random orders (the seeds), and by a query, each followed
by the same active learning once an include and an exclude are found (``prioritise.simulate(opening=...)``,
stopped at 95 % recall).  The labelled sets carry no search strings, so each query is a few words of its
review's title or topic, written once from that title (below), not tuned: a real protocol's search terms are
many more.  Printed per set and opening: the records screened until the first relevant one, the relevant
records among the first 100 screened, and WSS@95.

``python -m benchmarks cold_start``; ``BENCH_SETS`` as in the screening benchmark.
"""

from __future__ import annotations

import numpy as np

from benchmarks._table import print_table
from benchmarks.screening import SEEDS, chosen_sets, labelled
from review_tools import prioritise

QUERIES = {  # set -> the query: words of the review's title (Nagtegaal) or topic (Cohen 2006, Bannach-Brown)
    "Cohen 2006 Antihistamines (abstract)": ["antihistamines"],
    "Cohen 2006 Antihistamines (full text)": ["antihistamines"],
    "Cohen 2006 Estrogens (abstract)": ["estrogens"],
    "Nagtegaal 2019": ["nudging", "healthcare professionals", "evidence-based medicine"],
    "Cohen 2006 ADHD (abstract)": ["adhd"],
    "Bannach-Brown 2019": ["animal models", "depression"],
}


def cold_start(x, labels: list[int], opening: list[int]) -> tuple[int, int, float]:
    """Records screened until the first relevant one, relevant records in the first 100, and WSS@95 of a
    run that opens in ``opening``'s order."""
    order = prioritise.simulate(x, labels, opening=opening, until_recall=0.95)
    y = np.asarray(labels)[order]
    return int(np.argmax(y)) + 1, int(y[:100].sum()), prioritise.metrics(order, labels, prior=0).wss95


def main() -> None:
    rows = []
    for name, path, column in chosen_sets():
        records, labels = labelled(path, column)
        documents = prioritise.texts(records)
        x = prioritise.feature_matrix(documents)
        scores = prioritise.query_scores(documents, QUERIES[name])
        openings = {"export order": [list(range(len(labels)))],
                    f"random ({len(SEEDS)} seeds)": [list(np.random.default_rng(s).permutation(len(labels)))
                                                      for s in SEEDS],
                    f"query {' | '.join(QUERIES[name])}": [list(np.argsort(-scores, kind="stable"))]}
        for opening, orders in openings.items():
            first, top, wss = np.array([cold_start(x, labels, o) for o in orders]).T
            matched = f"{np.mean(scores > 0):.0%}" if opening.startswith("query") else ""
            rows.append([name, opening, f"{np.mean(first):.1f}", f"{np.mean(top):.1f}", f"{np.mean(wss):.3f}", matched])
    print_table(["set", "opening", "first relevant at", "relevant in first 100", "WSS@95",
                 "records the query matches"], rows)
    print("\nNo prior records: each run screens its opening order until one record is included and one excluded, "
          "then the svm ranks after every record; the queries are a few title words, not search strings.")


if __name__ == "__main__":
    main()
