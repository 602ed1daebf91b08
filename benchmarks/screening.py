"""Screening prioritisation benchmark: review-tools against ASReview 3's default model (ELAS u4), same
data, same prior records (one included, one excluded), same seeds, and the stopping rules on both tools'
orders.

ASReview conflicts with this project's pins (it needs pandas < 3 and rispy 0.9), so it is installed into its
own virtual environment under build/ on first use and run through its command line
(`asreview simulate --prior-idx ... --seed ... --n-stop -1`); its screening order is read from the project
file's results table and kept under build/asreview-orders/, named by the data's hash, the prior records,
the seed and ASReview's version, so a second run reuses it (a 2,019-record simulation takes ASReview
10-25 minutes).  Both orders are scored by review_tools.prioritise.metrics.

Targets (issue 19): WSS@95 mean >= ASReview's + 0.03 on every set of 1,000 records or more and >= ASReview's -
0.01 on every set; a stopping rule other than buscar (the decay model) keeps recall >= 0.95 in >= 95 % of runs
and saves more work than buscar on average. The stopping rules are run on both tools' orders (ours and
ASReview's: 60 runs), so that a rule is not judged on one ranking's curves alone; benchmarks/stopping.py runs
them on nine more topics. The labelled sets are those
of ../shared/data/external/srd-screening (Cohen 2006 Estrogens' full-text labels equal its abstract labels
there, so that set is counted once) and two more of the same collection, asreview/systematic-review-datasets
(MIT; Bannach-Brown 2019 CC-BY 4.0, Cohen 2006 data "custom open licence"): Bannach-Brown 2019 (preclinical
animal models of depression, 1,993 records) and Cohen 2006 ADHD (851 records, abstract labels).  These two are
not redistributed here: they are downloaded from GitHub at a fixed commit into build/labelled-sets/ and checked
against their SHA-256 (a file put there by hand is used as it is, once its hash matches).  They were chosen
before any ranking was measured on them, and no setting of the model was tuned on them.  The two sets held out
by the issue (a 1,704-record software-engineering set, a 327-record drug review) are not used.

``python -m benchmarks screening`` runs every set; ``BENCH_SETS="Bannach-Brown 2019;Cohen 2006 ADHD (abstract)"``
runs only the sets named (the tables then cover those sets only).
"""

from __future__ import annotations

import csv
import functools
import hashlib
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
import zipfile
from pathlib import Path

import numpy as np
from sklearn.model_selection import StratifiedKFold

from benchmarks._table import print_table
from review_tools import prioritise, stopping
from review_tools.io.importer import import_file

ROOT = Path(__file__).resolve().parents[1]
EXTERNAL = ROOT.parent / "shared" / "data" / "external" / "srd-screening"
VENV = ROOT / "build" / "asreview-venv"
CACHE = ROOT / "build" / "asreview-orders"
DOWNLOADED = ROOT / "build" / "labelled-sets"
SRD_COMMIT = "0909240fec2602c3ecef82d131790d390edb33bf"
DOWNLOADS = {  # file name -> (its path in asreview/systematic-review-datasets at SRD_COMMIT, SHA-256)
    "Bannach-Brown_2019.csv": ("datasets/Bannach-Brown_2019/output/Bannach-Brown_2019.csv",
                               "89c6d6a57ed6c4849f8f95d2816c4b577d3a02e857b1dd2e44b96f2c19b846c2"),
    "Cohen_2006_ADHD.csv": ("datasets/Cohen_2006/output/local/ADHD.csv",
                            "18d3844ce1a8b526ae056ebde213eced35ef08297c11b39ea47ca8838cc67c99"),
}
SETS = (
    ("Cohen 2006 Antihistamines (abstract)", "Cohen_2006_Antihistamines.csv", "label_abstract_screening"),
    ("Cohen 2006 Antihistamines (full text)", "Cohen_2006_Antihistamines.csv", "label_included"),
    ("Cohen 2006 Estrogens (abstract)", "Cohen_2006_Estrogens.csv", "label_abstract_screening"),
    ("Nagtegaal 2019", "Nagtegaal_2019.csv", "label_included"),
    ("Cohen 2006 ADHD (abstract)", "Cohen_2006_ADHD.csv", "label_abstract_screening"),
    ("Bannach-Brown 2019", "Bannach-Brown_2019.csv", "label_included"),
)
SEEDS = (1, 2, 3, 4, 5)
STOP_COLUMNS = ["rule", "orders of", "runs", "recall >= 0.95", "mean recall at stop", "lowest", "mean work saved"]


def asreview() -> Path:
    exe = VENV / "bin" / "asreview"
    if not exe.exists():
        print("installing ASReview 3 into build/asreview-venv (first run only) ...", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        subprocess.run([str(VENV / "bin" / "pip"), "install", "-q", "asreview>=3,<4"], check=True)
    return exe


@functools.cache
def _version(exe: Path) -> str:
    """ASReview's version (it names the cached orders), asked once per run."""
    return subprocess.run([str(exe), "--version"], capture_output=True, text=True, check=True).stdout.split()[-1]


def asreview_order(exe: Path, dataset: Path, prior: list[int], seed: int) -> tuple[list[int], float | None]:
    """ASReview's screening order (row indices) and the seconds it took (None when read from the cache)."""
    key = hashlib.sha1(dataset.read_bytes()).hexdigest()[:16]
    cached = CACHE / f"{key}-{'-'.join(map(str, prior))}-seed{seed}-asreview{_version(exe)}.json"
    if cached.exists():
        return json.loads(cached.read_text()), None
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        out = tmp / "sim.asreview"
        t0 = time.perf_counter()
        subprocess.run([str(exe), "simulate", str(dataset), "--prior-idx", *map(str, prior), "--seed", str(seed),
                        "--n-stop", "-1", "-o", str(out)], check=True, capture_output=True, cwd=tmp)
        took = time.perf_counter() - t0
        with zipfile.ZipFile(out) as z:
            z.extract("results.db", tmp)
        con = sqlite3.connect(tmp / "results.db")
        order = [row[0] for row in con.execute("SELECT record_id FROM results ORDER BY rowid")]
        con.close()
    CACHE.mkdir(parents=True, exist_ok=True)
    cached.write_text(json.dumps(order))
    return order, took


def dataset_path(file: str, downloads: dict[str, tuple[str, str]] | None = None) -> Path | None:
    """Where one labelled set is: in ``srd-screening``, or for those in ``downloads`` (by default
    :data:`DOWNLOADS`) in build/labelled-sets/ (fetched on first use, kept only if its SHA-256 is the one
    expected); None, after saying why, when it cannot be had."""
    downloads = DOWNLOADS if downloads is None else downloads
    if file not in downloads:
        path = EXTERNAL / file
        return path if path.exists() else None
    origin, sha256 = downloads[file]
    path = DOWNLOADED / file
    url = f"https://raw.githubusercontent.com/asreview/systematic-review-datasets/{SRD_COMMIT}/{origin}"
    kept = path.exists()
    if kept:
        data = path.read_bytes()
    else:
        try:
            with urllib.request.urlopen(url, timeout=60) as reply:
                data = reply.read()
        except OSError as exc:
            print(f"skipped {file}: downloading {url} failed ({exc}); put the file at {path} by hand")
            return None
    digest = hashlib.sha256(data).hexdigest()
    if digest != sha256:
        where = path if kept else f"the download of {url}"
        print(f"skipped {file}: {where} has SHA-256 {digest}, not {sha256} (the file at {url})")
        return None
    if not kept:
        DOWNLOADED.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".part")
        partial.write_bytes(data)
        partial.replace(path)
    return path


def labelled(path: Path, column: str):
    """The records of one labelled set and their labels in ``column``."""
    records = import_file(path).records
    source = list(csv.DictReader(path.open(encoding="utf-8")))
    return records, [int(source[r.position - 1][column]) for r in records]


def write_asreview_dataset(records, labels: list[int], dataset: Path) -> None:
    """The set as ASReview reads it: the same title, abstract and keywords as ours, the label to simulate with."""
    with dataset.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["title", "abstract", "keywords", "label_included"])
        for r, y in zip(records, labels, strict=True):
            writer.writerow([r.title, r.abstract, "; ".join(r.keywords), y])


def stop_outcomes(runs: list[tuple[str, list[int], list[int]]]) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Per rule, the recall at stop and the share of the work saved on each run (a rule that never says stop
    screens everything: recall 1, nothing saved).  The either rule's stop is the earlier of buscar's and the
    decay model's on the same grid of checks, which is where :func:`stopping.either_stops` first says stop,
    found without fitting the decay model a second time."""
    stops: dict[str, np.ndarray] = {}
    for rule in stopping.RULES:
        if rule == "either":
            stops[rule] = np.minimum(stops["buscar"], stops["decay"])
        else:
            stops[rule] = np.asarray([stopping.stopping_point(order, labels, rule=rule) or len(labels)
                                      for _, order, labels in runs])
    outcomes = {}
    for rule, at in stops.items():
        recalls = [np.asarray(labels)[np.asarray(order)][:stop].sum() / sum(labels)
                   for (_, order, labels), stop in zip(runs, at, strict=True)]
        saved = [1 - stop / len(labels) for (_, _, labels), stop in zip(runs, at, strict=True)]
        outcomes[rule] = (np.asarray(recalls), np.asarray(saved))
    return outcomes


def stop_rows(runs: list[tuple[str, list[int], list[int]]]) -> tuple[list[list[str]], str]:
    """Per rule and per source of the orders it stops (and all together): runs, share with recall >= 0.95 at
    stop, mean and lowest recall, mean work saved; and the verdicts on the target for the decay model and the
    either rule (recall >= 0.95 in >= 95 % of all runs, more work saved on average than buscar)."""
    rows, outcomes = [], stop_outcomes(runs)
    tools = np.asarray([tool for tool, _, _ in runs])
    for rule in stopping.RULES:
        recalls, saved = outcomes[rule]
        for tool in (*dict.fromkeys(tools), "all"):
            pick = tools == tool if tool != "all" else np.ones(len(tools), dtype=bool)
            rows.append([rule, tool, int(pick.sum()), f"{np.mean(recalls[pick] >= 0.95):.1%}",
                         f"{recalls[pick].mean():.3f}", f"{recalls[pick].min():.3f}", f"{saved[pick].mean():.3f}"])
    buscar_saved = outcomes["buscar"][1]
    verdicts = []
    for rule, label in (("decay", "decay model"), ("either", "either rule")):
        recalls, saved = outcomes[rule]
        safe = np.mean(recalls >= 0.95)
        met = safe >= 0.95 and saved.mean() > buscar_saved.mean()
        verdicts.append(f"{label}: recall >= 0.95 in {safe:.1%} of {len(runs)} runs (target >= 95 %), work saved "
                        f"{saved.mean():.3f} vs buscar's {buscar_saved.mean():.3f}: {'met' if met else 'NOT met'}")
    return rows, "; ".join(verdicts)


def chosen_sets() -> list[tuple[str, Path, str]]:
    """The labelled sets to run, as (name, path, label column): those ``BENCH_SETS`` names (all of
    :data:`SETS` when it is unset) whose data are here; names no set is refused with the list, and the sets
    whose data are missing are named.  The screening, ranking-variants and cold-start benchmarks share it."""
    wanted = [n.strip() for n in os.environ.get("BENCH_SETS", "").split(";") if n.strip()]
    unknown = set(wanted) - {name for name, _, _ in SETS}
    if unknown:
        sys.exit(f"BENCH_SETS names no set {', '.join(sorted(unknown))}; the sets: {'; '.join(n for n, _, _ in SETS)}")
    chosen = [(name, dataset_path(file), column) for name, file, column in SETS if not wanted or name in wanted]
    missing = [name for name, path, _ in chosen if path is None]
    if missing:
        print(f"not run, their data are not here ({EXTERNAL} or build/labelled-sets): {'; '.join(missing)}")
    return [(name, path, column) for name, path, column in chosen if path is not None]


def main() -> None:
    chosen = chosen_sets()
    if not chosen:
        return
    exe = asreview()
    rows, runs, verdicts, other_runs, scale = [], [], [], [], []
    for name, path, column in chosen:
        records, labels = labelled(path, column)
        x = prioritise.feature_matrix(prioritise.texts(records))
        big = len(labels) >= 1000
        other_runs += _other_orders(x, labels)
        if big:
            folds = (f"{_five_fold_wss95(x, labels, c):.3f} at C {c}" for c in (prioritise.SVM_C, 1.0))
            scale.append(f"{name}: {' and '.join(folds)}")
        with tempfile.TemporaryDirectory() as tmp_name:
            dataset = Path(tmp_name) / f"{path.stem}-{column}.csv"
            write_asreview_dataset(records, labels, dataset)
            ours, theirs, t_ours, t_theirs = [], [], [], []
            for seed in SEEDS:
                prior = prioritise.prior_indices(labels, seed)
                t0 = time.perf_counter()
                order = prioritise.simulate(x, labels, seed=seed)
                t_ours.append(time.perf_counter() - t0)
                ours.append(prioritise.metrics(order, labels))
                their_order, took = asreview_order(exe, dataset, prior, seed)
                runs += [("ours", order, labels), ("ASReview", their_order, labels)]
                theirs.append(prioritise.metrics(their_order, labels))
                if took is not None:
                    t_theirs.append(took)
        o = np.array([m.wss95 for m in ours])
        t = np.array([m.wss95 for m in theirs])
        met = o.mean() >= t.mean() + (0.03 if big else -0.01)
        verdicts.append(met)
        rows.append([name, len(labels), sum(labels), f"{o.mean():.3f} ± {o.std(ddof=1):.3f}",
                     f"{t.mean():.3f} ± {t.std(ddof=1):.3f}", f"{o.mean() - t.mean():+.3f}",
                     f"{np.mean([m.wss100 for m in ours]):.3f}", f"{np.mean([m.wss100 for m in theirs]):.3f}",
                     f"{np.mean(t_ours):.1f}", f"{np.mean(t_theirs):.0f}" if t_theirs else "cached",
                     ("yes" if met else "NO") + (" (>= +0.03)" if big else " (>= -0.01)")])
    print_table(["set", "records", "relevant", "WSS@95 ours", "WSS@95 ASReview", "difference", "WSS@100 ours",
                 "WSS@100 ASReview", "s per run ours", "s per run ASReview", "target met"], rows)
    print(f"\n{len(SEEDS)} seeds per set, mean ± sd, the same prior records for both tools. "
          f"Ranking target met on {sum(verdicts)} of {len(chosen)} sets.")
    print("For scale, WSS@95 of the svm trained on four fifths of the labels, ranking the fifth left out (five "
          "folds): " + ("; ".join(scale) or "no set of 1,000 records or more run") + "\n")
    rows, verdict = stop_rows(runs)
    print_table(STOP_COLUMNS, rows)
    print(f"\nOver both tools' orders, {verdict}")
    print("\nThe same rules on the orders of weaker rankings (seeds 11-13; model / records screened between "
          "retrainings; Nagtegaal with the batched svm only):\n")
    rows, verdict = stop_rows(other_runs)
    print_table(STOP_COLUMNS, rows)
    print(f"\nOn these orders, {verdict}")


def _five_fold_wss95(x, labels: list[int], c: float) -> float:
    """WSS@95 of the svm's scores on each fifth of the records from a model trained on the other four fifths
    (80 % of the labels known): what this model ranks like with far more labels than active learning has."""
    y = np.asarray(labels)
    scores = np.zeros(len(y))
    for train, test in StratifiedKFold(5, shuffle=True, random_state=0).split(np.zeros(len(y)), y):
        scores[test] = prioritise.fit_svm(x[train], y[train], c=c).decision_function(x[test])
    return prioritise.metrics(list(np.argsort(-scores, kind="stable")), labels, prior=0).wss95


def _other_orders(x, labels: list[int]) -> list[tuple[str, list[int], list[int]]]:
    """Orders of other rankings than the default, for the stopping rules: naive Bayes, logistic regression
    retrained every 5 records and the svm every 20 (on sets of 1,000 records or more only the last: the others
    take minutes there)."""
    variants = (("svm", 20),) if len(labels) >= 1000 else (("nb", 1), ("logistic", 5), ("svm", 20))
    return [(f"{model}/{every}", prioritise.simulate(x, labels, model=model, seed=seed, retrain_every=every), labels)
            for model, every in variants for seed in (11, 12, 13)]


if __name__ == "__main__":
    main()
