"""Translations against the Polyglot Search Translator's own test pairs (issue 13).

Each pair is Polyglot's neutral input, a target database and Polyglot's expected output.  The input is
read in review-tools' ``polyglot`` syntax (an untagged term meaning the target's default fields, as in
Polyglot), translated with :func:`review_tools.query.translate`, and both translations are read back in
the target's syntax and compared as trees:

* ``same``: review-tools' translation means what Polyglot's does;
* ``exact, Polyglot differs``: review-tools' translation means exactly what the input means and
  Polyglot's does not (it drops or narrows a field, miscounts a proximity distance, maps a wildcard to
  one that finds other words, drops a major-topic restriction, turns a publication type into a word);
* ``nearest, warned``: neither database can say it exactly; review-tools writes the nearest form and a
  warning says what changed, Polyglot says nothing;
* ``silent change``: review-tools changes the meaning without a warning -- a bug (the test fails).

The full 536 pairs are read from ``../shared/data/external/polyglot-fixtures`` (MIT); without it, the
excerpt in ``tests/data/polyglot_pairs.json``.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path

from benchmarks._table import print_table
from review_tools.query import parse, translate
from review_tools.query.syntaxes import grammar
from review_tools.query.tree import Node, Term, map_leaves, normalise

ROOT = Path(__file__).resolve().parents[1]
FULL = ROOT.parent / "shared" / "data" / "external" / "polyglot-fixtures" / "translation_pairs.json"
EXCERPT = ROOT / "tests" / "data" / "polyglot_pairs.json"
ENGINES = {"PubMed abbreviation": "pubmed", "Ovid MEDLINE": "ovid", "PsycInfo (Ovid)": "ovid",
           "CINAHL (Ebsco)": "ebsco", "PsycInfo (Ebsco)": "ebsco", "Business Source Ultimate (Ebsco)": "ebsco",
           "Scopus (advanced search)": "scopus", "Web of Science": "wos", "WoS Advanced": "wos",
           "Cochrane Library": "cochrane", "Embase (Elsevier)": "embase"}
KINDS = ("same", "exact, Polyglot differs", "nearest, warned", "silent change")


@dataclass
class Result:
    engine: str
    target: str
    input: str
    expected: str
    ours: str
    warnings: list[str]
    kind: str


def pairs() -> list[dict]:
    path = FULL if FULL.exists() else EXCERPT
    return [p for p in json.loads(path.read_text(encoding="utf-8")) if p["engine"] in ENGINES]


def _plain(node: Node) -> Node:
    return normalise(map_leaves(node, lambda n: replace(n, variants=False) if isinstance(n, Term) else n))


def compare(pair: dict) -> Result:
    target = ENGINES[pair["engine"]]
    source = parse(pair["input"], "polyglot", default_fields=grammar(target).default_fields)
    try:
        ours, warnings = translate(source, target)
    except ValueError as error:  # nothing of it can be written in the target (a limit it has no way to write)
        ours, warnings = "", [str(error)]
    if not ours:
        kind = "same" if not pair["expected"].strip() else "nearest, warned"
        return Result(pair["engine"], target, pair["input"], pair["expected"], ours, warnings, kind)
    mine = _plain(parse(ours, target))
    if mine == _plain(parse(pair["expected"], target)):
        kind = "same"
    elif mine == _plain(source):
        kind = "exact, Polyglot differs"
    elif warnings:
        kind = "nearest, warned"
    else:
        kind = "silent change"
    return Result(pair["engine"], target, pair["input"], pair["expected"], ours, warnings, kind)


def main() -> None:
    results = [compare(p) for p in pairs()]
    counts = Counter((r.target, r.kind) for r in results)
    targets = sorted({r.target for r in results})
    print(f"{len(results)} Polyglot test pairs for {len(targets)} target syntaxes "
          f"({'full set' if FULL.exists() else 'excerpt'})\n")
    print_table(["target", *KINDS], [[t, *(counts[(t, k)] for k in KINDS)] for t in targets]
                + [["all", *(sum(counts[(t, k)] for t in targets) for k in KINDS)]])
    print("\nwhere review-tools differs from Polyglot (first of each kind):")
    seen: set[tuple[str, str]] = set()
    for r in results:
        if r.kind != "same" and (r.target, r.kind) not in seen:
            seen.add((r.target, r.kind))
            print(f"  {r.target:9} {r.input!r}: Polyglot {r.expected!r}, review-tools {r.ours!r}"
                  + (f" ({r.warnings[0]})" if r.warnings else ""))


if __name__ == "__main__":
    main()
