"""Search-string benchmark (issue 13): index 1,000,000 real-derived records and run every kind of query
over them with :class:`review_tools.query.QueryIndex` (SQLite FTS5), next to the per-record evaluator
(:func:`review_tools.query.run`) in the same run.  Targets: index <= 30 s, each query <= 1 s.

The per-record loop would take minutes per string at 1 M records, so it runs on an evenly spaced sample
of NAIVE_SAMPLE records and its time is scaled up linearly (it is a plain loop over records); on that
sample the index must give exactly the same records.  Peak memory is the process's maximum resident
set size after the run (records, index and all).

The records are real records (CiteSource exports and the labelled sets in ../shared, or the example corpus
where that is absent) replicated with variation: each copy gets a different year and one title word
dropped or repeated, so the index is not a few thousand texts seen a thousand times.
"""

from __future__ import annotations

import random
import resource
import time
from pathlib import Path

from benchmarks._table import print_table
from review_tools.io.importer import import_file
from review_tools.protocol import load_protocol
from review_tools.query import QueryIndex, parse, run
from review_tools.records import Record, assign_ids

ROOT = Path(__file__).resolve().parents[1]
EXTERNAL = ROOT.parent / "shared" / "data" / "external"
N = 1_000_000
NAIVE_SAMPLE = 20_000
# The protocol's strings are about pharmaceutical CRM and match few of the real records (which come from
# medical and software-engineering reviews), so strings of every query kind that match many are timed too.
KINDS = [
    ("phrases + NOT", "generic",
     '("hormone replacement" OR estrogen* OR oestrogen*) AND (risk* OR "breast cancer") NOT rat*'),
    ("truncation", "generic", "(nudg* OR remind* OR alert*) AND (physician* OR clinician* OR prescri*)"),
    ("inner wildcards", "generic", "wom?n OR organi*ation OR behavio#r"),
    ("proximity between OR-groups", "scopus",
     'TITLE-ABS-KEY((screen* OR review*) W/3 (automat* OR "machine learning" OR test*))'),
    ("ordered proximity", "scopus", 'TITLE-ABS-KEY("systematic review*" PRE/3 (method* OR automat*))'),
    ("chained proximity", "generic", "fire* NEAR/3 smoke NEAR/5 health"),
    ("variants (Scopus)", "scopus", 'TITLE-ABS-KEY("neural network" OR behaviour OR colour)'),
    ("limits", "scopus", 'TITLE-ABS-KEY(estrogen* OR fire*) AND PUBYEAR > 2005 AND LIMIT-TO(LANGUAGE, "English")'),
    ("subject heading", "pubmed", '"Humans"[Mesh] AND smok*[tiab]'),
]


def pool() -> list[Record]:
    files = [*(EXTERNAL / "citesource-exports").glob("*.ris"), EXTERNAL / "srd-screening" / "Nagtegaal_2019.csv",
             EXTERNAL / "srd-screening" / "Cohen_2006_Estrogens.csv"]
    records = [r for f in files if f.exists() for r in import_file(f).records]
    return records or import_file(ROOT / "review" / "corpus" / "seed_references.ris").records


def replicate(base: list[Record], n: int, seed: int = 5) -> list[Record]:
    rng = random.Random(seed)
    out = []
    for k in range(n):
        r = base[k % len(base)]
        words = r.title.split()
        if words and rng.random() < 0.5:
            i = rng.randrange(len(words))
            words = words[:i] + words[i + 1:] if rng.random() < 0.5 else [*words[:i], words[i], *words[i:]]
        out.append(Record(title=" ".join(words), abstract=r.abstract, keywords=r.keywords,
                          year=(r.year or 2000) + rng.randint(-3, 3), database=r.database, language=r.language))
    assign_ids(out)
    return out


def main() -> None:
    strings = [(f"protocol: {d.name}", d.search_syntax, d.search_string)
               for d in load_protocol(ROOT / "review" / "protocol.yaml").databases] + KINDS
    base = pool()
    t0 = time.perf_counter()
    records = replicate(base, N)
    made = time.perf_counter() - t0
    t0 = time.perf_counter()
    index = QueryIndex(records)
    built = time.perf_counter() - t0
    sample = records[:: N // NAIVE_SAMPLE]
    in_sample = {r.id for r in sample}
    rows = []
    for name, syntax, text in strings:
        tree = parse(text, syntax)
        t0 = time.perf_counter()
        fast = index.run(tree)
        t_index = time.perf_counter() - t0
        t0 = time.perf_counter()
        slow = run(tree, sample)
        t_naive = (time.perf_counter() - t0) * N / len(sample)
        assert sorted(i for i in fast if i in in_sample) == sorted(slow), name
        rows.append([name, syntax, f"{len(fast):,}", f"{t_index:.2f}", f"{t_naive:.0f}",
                     f"{t_naive / max(t_index, 1e-3):.0f} x", "yes" if t_index <= 1 else "NO"])
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{N:,} records replicated from {len(base):,} real records in {made:.1f} s; index built in {built:.1f} s "
          f"({len(index._cons)} shard(s), once per record set; target <= 30 s: {'yes' if built <= 30 else 'NO'}); "
          f"peak memory {peak:,.0f} MB")
    print(f"per-record loop timed on {len(sample):,} of the records and scaled to {N:,}; the index gives the same "
          "records on them\n")
    print_table(["query", "syntax", "matches", "index s", "per-record loop s (scaled)", "speed-up", "<= 1 s"], rows)
    index.close()


if __name__ == "__main__":
    main()
