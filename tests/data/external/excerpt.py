"""Make the excerpts of ``../shared/data/external`` kept here, so a user's clone runs the real-file tests.

Run by hand (``.venv/bin/python tests/data/external/excerpt.py``) when the test files change.  Only folders
under MIT, BSD, Apache or Creative Commons licences are copied (``SOURCES.md`` there names each folder's
licence); the GPL ones are never copied and their tests skip in a user's clone.  A file up to 25 kB is
copied byte for byte; a larger one is cut after its first 5 records (RIS and Web of Science at the 5th
``ER``, BibTeX before the 6th entry, CSV after the 5th row), keeping its byte-order mark and line endings.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
from pathlib import Path

HERE = Path(__file__).resolve().parent
SHARED = HERE.parents[3] / "shared" / "data" / "external"
PERMISSIVE = {
    "asreview-demo-data": "Apache-2.0", "bib-dedupe-benchmark": "MIT", "bibtexparser-v1-testdata": "MIT",
    "colrev-search-samples": "MIT", "jabref-testresources": "MIT", "lifetimes-cdnow": "MIT",
    "litstudy-testdata": "Apache-2.0", "prisma2020-extdata": "MIT", "pybtex-data": "MIT", "rispy-testdata": "MIT",
    "srd-screening": "MIT (datasets CC0 / CC-BY)", "wosfile-data": "BSD", "wostools-examples": "MIT",
}
WHOLE_UP_TO = 25_000
RECORDS = 5


def referenced(tests: Path) -> set[str]:
    """Every 'folder/file' of a permissive folder that a test module names."""
    folders = "|".join(re.escape(f) for f in PERMISSIVE)
    found: set[str] = set()
    for module in tests.rglob("test_*.py"):
        text = module.read_text(encoding="utf-8")
        found |= {m.group(1) for m in re.finditer(rf'"(({folders})/[^"{{}}]+)"', text)}
        for m in re.finditer(rf'f"({folders})/{{n}}" for n in \(([^)]*)\)', text, re.DOTALL):
            found |= {f"{m.group(1)}/{n}" for n in re.findall(r'"([^"]+)"', m.group(2))}
        for m in re.finditer(rf'external / "({folders})" / "([^"]+)"', text):
            found.add(f"{m.group(1)}/{m.group(2)}")
    return found


def cut(text: str, suffix: str) -> str | None:
    """The first records of ``text`` (fewer than RECORDS where records are long: at most about 40 kB, at least
    one record); None when its format is not one cut here."""
    for n in range(RECORDS, 0, -1):
        short = _first(text, suffix, n)
        if short is None or n == 1 or len(short.encode("utf-8")) <= 40_000:
            return short
    return None


def _first(text: str, suffix: str, records: int) -> str | None:
    lines = text.splitlines(keepends=True)
    ends = [i for i, line in enumerate(lines) if re.match(r"^ER(  -)?\s*$", line)]
    if ends and len(ends) > records:
        tail = [line for line in lines[ends[-1] + 1:] if line.startswith("EF")]
        return "".join(lines[: ends[records - 1] + 1]) + "\n" + "".join(tail)
    starts = [i for i, line in enumerate(lines) if re.match(r"^\s*@(?!string|comment|preamble)\w+\s*[{(]", line,
                                                            re.IGNORECASE)]
    if starts and len(starts) > records:
        return "".join(lines[: starts[records]])
    if suffix in (".csv", ".tsv", ".txt"):
        delimiter = "\t" if lines and lines[0].count("\t") > lines[0].count(",") else ","
        reader = csv.reader(io.StringIO(text), delimiter=delimiter)
        for n, _ in enumerate(reader):
            if n == records:
                return "".join(lines[: reader.line_num])
    return None


def main() -> None:
    tests = HERE.parents[1]
    for relative in sorted(referenced(tests)):
        source, target = SHARED / relative, HERE / relative
        if not source.is_file():
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        data = source.read_bytes()
        if len(data) <= WHOLE_UP_TO:
            shutil.copyfile(source, target)
            continue
        bom = data.startswith(b"\xef\xbb\xbf")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            continue
        short = cut(text, source.suffix.lower())
        if short is not None:
            target.write_bytes((b"\xef\xbb\xbf" if bom else b"") + short.encode("utf-8"))


if __name__ == "__main__":
    main()
