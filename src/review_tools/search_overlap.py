"""Which databases found which records: the combinations of sources (as CiteSource shows them), as a
table and as an UpSet-style figure (bars for each combination, dots below for its databases).

A source that finds records no other finds earns its place in the search; one whose records all came from
the others too may be dropped next time.  Computed on the deduplicated records (each knows every database
it was found in) or on the included studies only.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import pandas as pd

from review_tools.i18n import tr
from review_tools.plotting import pyplot
from review_tools.records import Record


def sources(record: Record) -> tuple[str, ...]:
    return tuple(sorted(set(record.databases or [record.database])))


def combinations(records: Sequence[Record]) -> pd.DataFrame:
    """One row per combination of databases, most records first: the databases, how many records exactly
    this combination found, and whether it is a single database's unique records."""
    counts = Counter(sources(r) for r in records)
    rows = [{"databases": " + ".join(combo), "records": n, "only this database": "yes" if len(combo) == 1 else ""}
            for combo, n in sorted(counts.items(), key=lambda item: (-item[1], item[0]))]
    return pd.DataFrame(rows, columns=["databases", "records", "only this database"])


def per_database(records: Sequence[Record]) -> pd.DataFrame:
    """Per database: records it found, and how many of them no other database found."""
    found: Counter[str] = Counter()
    unique: Counter[str] = Counter()
    for r in records:
        combo = sources(r)
        for db in combo:
            found[db] += 1
        if len(combo) == 1:
            unique[combo[0]] += 1
    return pd.DataFrame([{"database": db, "records": n, "found by no other database": unique[db]}
                         for db, n in found.most_common()], columns=["database", "records",
                                                                   "found by no other database"])


def upset_figure(records: Sequence[Record], top: int = 15):
    """Bars of the ``top`` largest combinations, each with a dot for every database in it."""
    plt = pyplot()
    counts = Counter(sources(r) for r in records).most_common(top)
    databases = sorted({db for combo, _ in counts for db in combo})
    fig, (bars, dots) = plt.subplots(2, 1, figsize=(max(5, 0.6 * len(counts) + 3), 3 + 0.35 * len(databases)),
                                     sharex=True, gridspec_kw={"height_ratios": [3, max(1, 0.35 * len(databases))]})
    xs = range(len(counts))
    bars.bar(xs, [n for _, n in counts], color="#4c72b0")
    for x, (_, n) in zip(xs, counts, strict=True):
        bars.text(x, n, str(n), ha="center", va="bottom", fontsize=8)
    bars.set_ylabel(tr("records"))
    bars.yaxis.get_major_locator().set_params(integer=True)
    bars.spines[["top", "right"]].set_visible(False)
    for x, (combo, _) in zip(xs, counts, strict=True):
        ys = [databases.index(db) for db in combo]
        dots.scatter([x] * len(databases), range(len(databases)), color="#d0d7de", s=30)
        dots.scatter([x] * len(ys), ys, color="#1f2328", s=30)
        if len(ys) > 1:
            dots.plot([x, x], [min(ys), max(ys)], color="#1f2328", lw=1.5)
    dots.set_yticks(range(len(databases)), databases, fontsize=8)
    dots.set_ylim(len(databases) - 0.5, -0.5)
    dots.set_xticks([])
    dots.spines[["top", "right", "bottom"]].set_visible(False)
    fig.tight_layout()
    return fig
