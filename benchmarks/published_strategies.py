"""How many published search strategies review-tools reads as printed, and writes in every other syntax.

The strategies are the Cochrane reviews' MEDLINE searches collected by the CLEF eHealth Technology Assisted
Review tasks of 2017-2019 (https://github.com/CLEF-TAR/tar, the ``Query:`` section of each topic file): Ovid
MEDLINE strategies one search a line, most without their line numbers, and PubMed strings.  The repository
carries no licence, so nothing of it is copied here: clone it (``git clone --depth 1
https://github.com/CLEF-TAR/tar build/clef-tar``) or name a copy in ``CLEF_TAR_DIR``.

Each distinct strategy is read in Ovid's syntax where it has Ovid's marks (``.ti,ab.``, ``exp X/``, a heading
ending in ``/``, ``adjN``), else in PubMed's.  A strategy read is then translated into each of the eight
database syntaxes and the translation read again in its own syntax.  The table counts strategies read, those
refused (the first error of each is printed: a refusal is right where the published text itself is broken),
and translations that failed.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from pathlib import Path

from benchmarks._table import print_table
from review_tools.query import QuerySyntaxError, analyse, translate

CLEF_TAR = Path(os.environ.get("CLEF_TAR_DIR", Path(__file__).resolve().parents[1] / "build" / "clef-tar"))
TARGETS = ("pubmed", "ovid", "cochrane", "embase", "scopus", "wos", "ebsco", "proquest", "scholar")
_QUERY = re.compile(r"^Query:\s*\n(.*?)\n\s*Pids:", re.S | re.M)
_OVID_MARKS = re.compile(r"(?im)\.(?:ti|ab|tw|mp|sh|pt|kf|fs)\b|^\s*exp\s|/\s*$|\badj\d*\b")


def strategies(root: Path) -> dict[str, str]:
    """Each distinct published strategy under ``root`` and the first topic file it comes from."""
    found: dict[str, str] = {}
    for path in sorted(root.rglob("*")):
        if path.is_file() and ("topics" in path.parent.name):
            m = _QUERY.search(path.read_text(encoding="utf-8", errors="replace"))
            if m and m.group(1).strip():
                found.setdefault(m.group(1).strip(), str(path.relative_to(root)))
    return found


def syntax_of(text: str) -> str:
    return "ovid" if _OVID_MARKS.search(text) else "pubmed"


def main() -> None:
    if not CLEF_TAR.is_dir():
        print(f"not run: no CLEF TAR topics at {CLEF_TAR} (git clone --depth 1 https://github.com/CLEF-TAR/tar "
              f"{CLEF_TAR}, or set CLEF_TAR_DIR)")
        return
    read, refused, failed = Counter(), [], Counter()
    for text, origin in strategies(CLEF_TAR).items():
        syntax = syntax_of(text)
        try:
            parsed = analyse(text, syntax)
        except QuerySyntaxError as error:
            refused.append((syntax, origin, error))
            continue
        read[syntax, "lines" if parsed.lines > 1 else "one string"] += 1
        for target in TARGETS:
            try:
                written, _ = translate(parsed.tree, target)
                analyse(written, target)
            except (QuerySyntaxError, ValueError):
                failed[target] += 1
    rows = [[syntax, read[syntax, "lines"], read[syntax, "one string"],
             sum(1 for s, _, _ in refused if s == syntax)] for syntax in ("ovid", "pubmed")]
    print(f"{sum(read.values()) + len(refused)} distinct strategies in {CLEF_TAR}\n")
    print_table(["syntax", "read: line by line", "read: one string", "refused"], rows)
    print(f"\ntranslations that failed to be written or read back (of {sum(read.values())} per syntax): "
          + (", ".join(f"{t} {failed[t]}" for t in TARGETS if failed[t]) or "none"))
    print("\nrefused, with the first error of each:")
    for _, origin, error in refused:
        print(f"  {origin}: {error.message} (line {error.line}, column {error.column})")


if __name__ == "__main__":
    main()
