"""How long a reviewer waits for the next record in the screening app, at 20,000 records (issue 19: at most
0.5 s).

The records are Nagtegaal 2019's 2,019 (``../shared/data/external/srd-screening``; the Embase excerpt in
``tests/data`` where that is absent) repeated with a copy number in every title, each copy with its own id
and the original's label. For each point of a review, that many records are decided beforehand (a random
sample, in the decision log as a reviewer would have left it), the app is opened (its features are built in
the background, so it opens before they are), and 30 decisions are made through its buttons, each timed from
the click until the next record is on screen: saving the decision, the new ranking (in the background,
waited for within ``NEXT_RECORD_WAIT``), and the progress line with the three stopping rules. The chart is
drawn in another thread. Each point is run three times: with a reviewer who reads each record until the
ranking under way is done; with one who clicks at once once the first ranking is in (the rankings then fall
behind, and the app must not make the reviewer wait for them); and with one who clicks at once from the
opening, while the features are still being built.
"""

from __future__ import annotations

import tempfile
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

from benchmarks._table import print_table
from benchmarks.screening import EXTERNAL, labelled
from review_tools.io.importer import import_file
from review_tools.protocol import load_protocol
from review_tools.screening import Decision, DecisionLog
from review_tools.screening_widget import NEXT_RECORD_WAIT, ScreeningApp

ROOT = Path(__file__).resolve().parents[1]
FALLBACK = ROOT / "tests" / "data" / "kwok_2020_embase_excerpt.ris"
N_RECORDS = 20_000
SCREENED_BEFORE = (2_000, 10_000, 19_000)
DECISIONS = 30
STAGE = "title_abstract"


def corpus(n: int) -> tuple[list, list[int], str]:
    """n records made from the real set (copy number in each title, ids R0 ...), their labels, the source
    (without the real set: the Embase excerpt, every tenth record labelled relevant)."""
    if (EXTERNAL / "Nagtegaal_2019.csv").is_file():
        base, labels = labelled(EXTERNAL / "Nagtegaal_2019.csv", "label_included")
        source = "Nagtegaal_2019.csv"
    else:
        base = import_file(FALLBACK).records
        labels = [int(i % 10 == 0) for i in range(len(base))]
        source = FALLBACK.name
    records = [replace(base[i % len(base)], title=f"[{i}] {base[i % len(base)].title}", id=f"R{i}") for i in range(n)]
    return records, [labels[i % len(base)] for i in range(n)], source


READERS = {  # how the reviewer goes on: reads each record until the ranking is done / does not wait for it
    "reads": "until ranked",
    "clicks": "no, clicks at once",
    "clicks from the opening": "no, clicks at once from the opening, while the features are built",
}


def sitting(records: list, labels: list[int], before: int, *, reader: str,
            seed: int = 0) -> tuple[float, float | None, list[float]]:
    """Seconds to open the app with ``before`` records decided, until its first ranking is in (None for the
    reviewer who starts before it), and the wait after each of 30 decisions made as ``reader`` (a key of
    :data:`READERS`) does."""
    protocol = load_protocol(ROOT / "review" / "protocol.yaml")
    reason = next(c.code for c in protocol.criteria_for(STAGE) if c.kind == "exclusion")
    label = {r.id: y for r, y in zip(records, labels, strict=True)}
    rng = np.random.default_rng(seed)
    decided = rng.choice(len(records), size=before, replace=False)
    if not any(labels[i] for i in decided):  # the model needs an include and an exclude to rank
        decided[0] = labels.index(1)
    with tempfile.TemporaryDirectory() as tmp:
        log = DecisionLog(Path(tmp) / "screening", protocol, [r.id for r in records])
        log.record([Decision(records[i].id, STAGE, "bench", "include") if labels[i] else
                    Decision(records[i].id, STAGE, "bench", "exclude", (reason,)) for i in decided])
        t0 = time.perf_counter()
        app = ScreeningApp(records, log, stage=STAGE, reviewer="bench")
        opened = time.perf_counter() - t0
        ranked = None
        if reader != "clicks from the opening":
            app.wait()
            ranked = time.perf_counter() - t0
        waits = []
        for _ in range(DECISIONS):
            if reader == "reads":
                app.wait()
            rec = app.current
            t0 = time.perf_counter()
            if label[rec.id]:
                app.buttons["include"].click()
            else:
                app.reasons.value = (reason,)
                app.buttons["exclude"].click()
            waits.append(time.perf_counter() - t0)
        app.close()
    return opened, ranked, waits


def main() -> None:
    records, labels, source = corpus(N_RECORDS)
    rows = []
    for before in SCREENED_BEFORE:
        for reader, how in READERS.items():
            opened, ranked, waits = sitting(records, labels, before, reader=reader)
            rows.append([f"{N_RECORDS:,}", f"{before:,}", how,
                         f"{opened:.1f}", "" if ranked is None else f"{ranked:.1f}",
                         f"{np.median(waits):.3f}", f"{np.percentile(waits, 95):.3f}",
                         f"{max(waits):.3f}", f"<= {NEXT_RECORD_WAIT}"])
    print(f"records made from {source}; {DECISIONS} decisions timed per row, from the click until the next record "
          "is on screen")
    print_table(["records", "decided before", "reviewer reads", "open app (s)", "first ranking in (s)",
                 "wait median (s)",
                 "wait 95th pct (s)", "wait max (s)", "target (s)"], rows)
