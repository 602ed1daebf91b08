"""Variants of the ranking model, measured against the default on the screening benchmark's labelled sets:
the search for a ranking clearly ahead of ASReview (issue 19), kept as a command so that its figures can be
reproduced.

Each variant changes the TF-IDF features or the svm's settings of :mod:`review_tools.prioritise` (or swaps in
another of its models); each run is ``prioritise.simulate`` from the same prior records as the screening
benchmark, stopped at 95 % recall (``until_recall``: WSS@95 is then the full run's, in a fraction of the
time; a Nagtegaal run took 4.8 s instead of 84 s).  ASReview is not run here: its WSS@95 per set is
printed by ``python -m benchmarks screening`` (ELAS u4, five seeds: Cohen Antihistamines 0.223 abstract,
-0.015 full text, Estrogens 0.385, Nagtegaal 0.729, ADHD 0.710, Bannach-Brown 0.438).

``python -m benchmarks ranking_variants``; ``BENCH_SETS`` as in the screening benchmark, and
``BENCH_VARIANTS="binary weights;stop words"`` runs only the variants named (the default always runs).
"""

from __future__ import annotations

import os
import sys
import time

import numpy as np

from benchmarks._table import print_table
from benchmarks.screening import SEEDS, chosen_sets, labelled
from review_tools import prioritise

VARIANTS = {  # name -> (TfidfVectorizer settings changed, simulate settings changed)
    "default": ({}, {}),
    "binary weights": ({"binary": True, "sublinear_tf": False}, {}),
    "binary weights, C 0.3, weight 10": ({"binary": True, "sublinear_tf": False}, {"c": 0.3, "weight": 10.0}),
    "raw term frequency": ({"sublinear_tf": False}, {}),
    "no idf": ({"use_idf": False}, {}),
    "idf not smoothed": ({"smooth_idf": False}, {}),
    "single words only": ({"ngram_range": (1, 1)}, {}),
    "words in over half the records dropped": ({"max_df": 0.5}, {}),
    "English stop words dropped": ({"stop_words": "english"}, {}),
    "C 0.3, weight 10": ({}, {"c": 0.3, "weight": 10.0}),
    "C 0.05, weight 40": ({}, {"c": 0.05, "weight": 40.0}),
    "logistic regression": ({}, {"model": "logistic"}),
}


def main() -> None:
    names = [n.strip() for n in os.environ.get("BENCH_VARIANTS", "").split(";") if n.strip()]
    unknown = set(names) - set(VARIANTS)
    if unknown:
        sys.exit(f"BENCH_VARIANTS names no variant {', '.join(sorted(unknown))}; the variants: {'; '.join(VARIANTS)}")
    chosen = ["default", *(n for n in VARIANTS if n in names and n != "default")] if names else list(VARIANTS)
    rows = []
    for set_name, path, column in chosen_sets():
        records, labels = labelled(path, column)
        documents = prioritise.texts(records)
        baseline = None
        for name in chosen:
            changed_features, changed_model = VARIANTS[name]
            x = prioritise.feature_matrix(documents, **changed_features)
            wss, took = [], []
            for seed in SEEDS:
                t0 = time.perf_counter()
                order = prioritise.simulate(x, labels, seed=seed, until_recall=0.95, **changed_model)
                took.append(time.perf_counter() - t0)
                wss.append(prioritise.metrics(order, labels).wss95)
            mean = float(np.mean(wss))
            baseline = mean if baseline is None else baseline
            gain = round(mean - baseline, 3) + 0.0  # no "-0.000"
            rows.append([set_name, name, f"{mean:.3f} ± {np.std(wss, ddof=1):.3f}", f"{gain:+.3f}",
                         f"{np.mean(took):.1f}"])
            print(f"  {set_name}: {name} {mean:.3f}", file=sys.stderr, flush=True)
    print_table(["set", "variant", "WSS@95", "against the default", "s per run (to 95 % recall)"], rows)
    print(f"\n{len(SEEDS)} seeds per set (mean ± sd), one included and one excluded prior record, as the screening "
          "benchmark.")


if __name__ == "__main__":
    main()
