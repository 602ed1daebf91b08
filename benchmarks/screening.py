"""Screening prioritisation benchmark: review-tools against ASReview 3's default model, same data, same
prior records, same seeds, in one run.

ASReview conflicts with this project's pins (it needs pandas < 3 and rispy 0.9), so it is installed into its
own virtual environment under build/ on first use and run through its command line
(`asreview simulate --prior-idx ... --seed ... --n-stop -1`); its screening order is read from the project
file's results table.  Both orders are scored by review_tools.prioritise.metrics.

Target (issue 5): ours >= ASReview on average and on most sets, in WSS@95.  (Cohen 2006 Estrogens' full-text
labels are identical to its abstract labels in this snapshot, so that set is counted once.)
"""

from __future__ import annotations

import csv
import sqlite3
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import numpy as np

from benchmarks._table import print_table
from review_tools import prioritise
from review_tools.io.importer import import_file

ROOT = Path(__file__).resolve().parents[1]
EXTERNAL = ROOT.parent / "shared" / "data" / "external" / "srd-screening"
VENV = ROOT / "build" / "asreview-venv"
SETS = (
    ("Cohen 2006 Antihistamines (abstract)", "Cohen_2006_Antihistamines.csv", "label_abstract_screening"),
    ("Cohen 2006 Antihistamines (full text)", "Cohen_2006_Antihistamines.csv", "label_included"),
    ("Cohen 2006 Estrogens (abstract)", "Cohen_2006_Estrogens.csv", "label_abstract_screening"),
    ("Nagtegaal 2019", "Nagtegaal_2019.csv", "label_included"),
)
SEEDS = (1, 2, 3)


def asreview() -> Path:
    exe = VENV / "bin" / "asreview"
    if not exe.exists():
        print("installing ASReview 3 into build/asreview-venv (first run only) ...", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        subprocess.run([str(VENV / "bin" / "pip"), "install", "-q", "asreview>=3,<4"], check=True)
    return exe


def asreview_order(exe: Path, dataset: Path, prior: list[int], seed: int, tmp: Path) -> list[int]:
    out = tmp / f"sim-{seed}.asreview"
    subprocess.run([str(exe), "simulate", str(dataset), "--prior-idx", *map(str, prior), "--seed", str(seed),
                    "--n-stop", "-1", "-o", str(out)], check=True, capture_output=True, cwd=tmp)
    with zipfile.ZipFile(out) as z:
        z.extract("results.db", tmp)
    con = sqlite3.connect(tmp / "results.db")
    order = [row[0] for row in con.execute("SELECT record_id FROM results ORDER BY rowid")]
    con.close()
    return order


def main() -> None:
    if not EXTERNAL.is_dir():
        print(f"skipped: the labelled screening sets are in {EXTERNAL}, which is not here")
        return
    exe = asreview()
    rows, wins, ours_all, theirs_all = [], 0, [], []
    for name, file, column in SETS:
        path = EXTERNAL / file
        records = import_file(path).records
        source = list(csv.DictReader(path.open(encoding="utf-8")))
        labels = [int(source[r.position - 1][column]) for r in records]
        x = prioritise.feature_matrix(prioritise.texts(records))
        with tempfile.TemporaryDirectory() as tmp_name:
            tmp = Path(tmp_name)
            dataset = tmp / "data.csv"
            with dataset.open("w", encoding="utf-8", newline="") as fh:
                writer = csv.writer(fh)
                writer.writerow(["title", "abstract", "keywords", "label_included"])
                for r, y in zip(records, labels, strict=True):
                    writer.writerow([r.title, r.abstract, "; ".join(r.keywords), y])
            ours, theirs, t_ours, t_theirs = [], [], 0.0, 0.0
            for seed in SEEDS:
                prior = prioritise.prior_indices(labels, seed)
                t0 = time.perf_counter()
                ours.append(prioritise.metrics(prioritise.simulate(x, labels, seed=seed), labels))
                t_ours += time.perf_counter() - t0
                t0 = time.perf_counter()
                theirs.append(prioritise.metrics(asreview_order(exe, dataset, prior, seed, tmp), labels))
                t_theirs += time.perf_counter() - t0

        def mean(ms, field):
            return float(np.mean([getattr(m, field) for m in ms]))

        o, t = mean(ours, "wss95"), mean(theirs, "wss95")
        wins += o >= t
        ours_all.append(o)
        theirs_all.append(t)
        rows.append([name, len(labels), sum(labels),
                     f"{o:.3f}", f"{t:.3f}",
                     f"{mean(ours, 'wss100'):.3f}", f"{mean(theirs, 'wss100'):.3f}",
                     f"{mean(ours, 'atd'):.3f}", f"{mean(theirs, 'atd'):.3f}",
                     f"{mean(ours, 'recall_at_10'):.3f}", f"{mean(theirs, 'recall_at_10'):.3f}",
                     f"{t_ours:.1f}", f"{t_theirs:.1f}"])
    print_table(["set", "records", "relevant", "WSS@95 ours", "WSS@95 ASReview", "WSS@100 ours",
                 "WSS@100 ASReview", "ATD ours", "ATD ASReview", "recall@10% ours", "recall@10% ASReview",
                 "s ours", "s ASReview"], rows)
    print(f"\nmeans over {len(SEEDS)} seeds per set (same prior records for both). WSS@95: ours "
          f"{np.mean(ours_all):.3f}, ASReview {np.mean(theirs_all):.3f}; ours >= ASReview on {wins} of "
          f"{len(SETS)} sets. Target: ours >= ASReview on average and on most sets: "
          f"{'yes' if np.mean(ours_all) >= np.mean(theirs_all) and wins > len(SETS) / 2 else 'NO'}")


if __name__ == "__main__":
    main()
