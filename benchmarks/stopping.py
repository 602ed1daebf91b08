"""Stopping rules on prioritised orders of labelled sets the screening benchmark does not use: nine drug-class
topics of Cohen et al. (2006), abstract labels, three seeds each (27 runs).

The screening benchmark (benchmarks/screening.py) judges the rules on its six sets; these nine topics say how
the rules fare on other reviews, where the ranking is weaker (WSS@95 0.14-0.46).  The topics come from
asreview/systematic-review-datasets at the same fixed commit, downloaded into build/labelled-sets/ and kept
only when their SHA-256 matches (a file put there by hand is used once its hash matches).  The tenth topic,
ACE inhibitors, is left out: its file at that commit is stored outside git (its content could not be
checked).  Our screening orders (``prioritise.simulate``, one included and one excluded prior record) are kept
under build/stopping-orders/, named by the data's hash, the seed and the hash of prioritise.py, so that a
change of the ranking recomputes them.

``python -m benchmarks stopping`` prints one table: per rule and per topic, the share of runs with recall >=
0.95 at stop, the mean and lowest recall, and the mean share of the work saved.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np

from benchmarks._table import print_table
from benchmarks.screening import STOP_COLUMNS, dataset_path, labelled, stop_rows
from review_tools import prioritise

ROOT = Path(__file__).resolve().parents[1]
ORDERS = ROOT / "build" / "stopping-orders"
TOPICS = {  # name -> SHA-256 of datasets/Cohen_2006/output/local/<name>.csv at screening.SRD_COMMIT
    "AtypicalAntipsychotics": "e1d1c314bfb20a242dfab16fb78aa9d88fa61a95fd65dc3df3ef50f34423f17f",
    "BetaBlockers": "75199a853a876610a1fa84b89058290c8e2a24291a0a9afca721b71322f3d801",
    "CalciumChannelBlockers": "2fc7e1d1c4433f0937f6c3dcd8a27fa84f98a0f85308f62a47595c120cb66e01",
    "NSAIDS": "198e60d84664838b41c1cc12b9f0693d552643f77016d513c0a2153e74788732",
    "Opiods": "20855824d740f1948a6fba70ecf093a1f8d48d9a9cc60b03b79c6d9338473055",
    "OralHypoglycemics": "6697a7bc2f1164bbff9dbc18633997c6a7cdf1b772a80e8f8a931c130a3b351b",
    "ProtonPumpInhibitors": "fd1a6c0f110a8128b77e407f6167d7418148bf7bad93f2a34df7a6004cd3882c",
    "SkeletalMuscleRelaxants": "6b280fd6a2c8bfcfc1666be7723a657f13ce4c4891f7cafb7d030d89986694db",
    "Triptans": "6c3f4eec28a4451321ca12c1799989efda2e937462052b53865b22598c27a5c6",
}
DOWNLOADS = {f"Cohen_2006_{name}.csv": (f"datasets/Cohen_2006/output/local/{name}.csv", sha)
             for name, sha in TOPICS.items()}
SEEDS = (1, 2, 3)


def our_order(path: Path, x, labels: list[int], seed: int) -> list[int]:
    """Our simulated screening order of one set and seed, from the cache when the data and the ranking code
    are the same."""
    code = hashlib.sha256(Path(prioritise.__file__).read_bytes()).hexdigest()[:12]
    data = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    cached = ORDERS / f"{data}-seed{seed}-prioritise{code}.json"
    if cached.exists():
        return json.loads(cached.read_text())
    order = prioritise.simulate(x, labels, seed=seed)
    ORDERS.mkdir(parents=True, exist_ok=True)
    partial = cached.with_suffix(".part")
    partial.write_text(json.dumps(order))
    partial.replace(cached)
    return order


def main() -> None:
    runs, ranking = [], []
    for file in DOWNLOADS:
        path = dataset_path(file, DOWNLOADS)
        if path is None:
            continue
        records, labels = labelled(path, "label_abstract_screening")
        x = prioritise.feature_matrix(prioritise.texts(records))
        name = file.removeprefix("Cohen_2006_").removesuffix(".csv")
        wss = []
        for seed in SEEDS:
            order = our_order(path, x, labels, seed)
            runs.append((name, order, labels))
            wss.append(prioritise.metrics(order, labels).wss95)
        ranking.append(f"{name} {len(labels)} records, {sum(labels)} relevant, WSS@95 {np.mean(wss):.3f}")
    if not runs:
        print("not run: none of the Cohen 2006 topics could be had (see above)")
        return
    print("Our orders: " + "; ".join(ranking) + f" (mean over seeds {', '.join(map(str, SEEDS))}).\n")
    rows, verdict = stop_rows(runs)
    print_table(STOP_COLUMNS, rows)
    print(f"\nOver these {len(runs)} runs, {verdict}")
