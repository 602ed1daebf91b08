"""Write a record set as RIS, BibTeX or CSV (e.g. the included studies, for Zotero or EndNote).

RIS goes through rispy and BibTeX through bibtexparser v2, so the files are what those tools (and the
reference managers) read back; CSV is one row per record with lists joined by '; '.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import bibtexparser
import rispy
from bibtexparser.model import Entry, Field

from review_tools.atomic import atomic_write
from review_tools.csv_cells import to_cell
from review_tools.records import RECORD_FIELDS, Record, fold

RIS_TYPES = {"article": "JOUR", "book": "BOOK", "book chapter": "CHAP", "conference paper": "CPAPER",
             "thesis": "THES", "report": "RPRT", "web page": "ELEC", "news": "NEWS", "abstract": "ABST"}
BIB_TYPES = {"article": "article", "book": "book", "book chapter": "incollection",
             "conference paper": "inproceedings", "thesis": "phdthesis", "report": "techreport"}


def _pages(pages: str) -> tuple[str, str]:
    parts = re.split(r"\s*[-–]+\s*", pages, maxsplit=1)
    return (parts[0], parts[1]) if len(parts) == 2 else (pages, "")


class _PlainRisWriter(rispy.RisWriter):
    """rispy's writer without the numbered line ('1.') it puts before each record, which is not RIS."""

    def set_header(self, count: int) -> str:
        return ""


def to_ris(records: Iterable[Record]) -> str:
    entries = []
    for r in records:
        start, end = _pages(r.pages)
        entry = {
            "type_of_reference": RIS_TYPES.get(r.document_type, "GEN"),
            "title": r.title, "abstract": r.abstract, "authors": r.authors,
            "year": str(r.year) if r.year else "", "journal_name": r.journal, "volume": r.volume,
            "number": r.issue, "start_page": start, "end_page": end, "doi": r.doi,
            "issn": r.issn or r.isbn, "keywords": r.keywords, "language": r.language,
            "urls": [r.url] if r.url else [], "name_of_database": r.database, "id": r.id,
            "accession_number": r.accession,
        }
        entries.append({k: v for k, v in entry.items() if v})
    return rispy.dumps(entries, implementation=_PlainRisWriter)


def _bibkey(r: Record, used: set[str]) -> str:
    surname = fold(r.authors[0].split(",")[0] if r.authors else "anon").split(" ")[-1] or "anon"
    word = next((w for w in fold(r.title).split() if len(w) > 3), "untitled")
    base = f"{surname}{r.year or ''}{word}"
    key, n = base, 1
    while key in used:
        n += 1
        key = f"{base}{chr(ord('a') + n - 2)}" if n < 28 else f"{base}{n}"
    used.add(key)
    return key


_LATEX_SPECIAL = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "%": r"\%", "$": r"\$", "&": r"\&",
                  "#": r"\#", "_": r"\_", "~": r"\textasciitilde{}", "^": r"\string^", "--": "-{}-",
                  "''": "'{}'", "``": "`{}`"}
_LATEX_RE = re.compile("|".join(re.escape(c) for c in _LATEX_SPECIAL))


def _latex_escape(text: str) -> str:
    """Escape only LaTeX's special characters and ligatures (``--``, ``''``); everything else is written
    as UTF-8, which BibTeX tools (biber, Zotero, JabRef) read.  Literal braces do not survive a BibTeX
    round trip: readers drop braces, which BibTeX uses to protect capitals."""
    return _LATEX_RE.sub(lambda m: _LATEX_SPECIAL[m.group(0)], text)


def to_bibtex(records: Iterable[Record], used: set[str] | None = None) -> str:
    """BibTeX entries; ``used`` holds the keys given so far when a file is written in batches."""
    library = bibtexparser.Library()
    used = set() if used is None else used
    for r in records:
        values = {
            "title": r.title, "author": " and ".join(r.authors), "year": str(r.year or ""),
            "journal" if r.document_type in ("article", "") else "booktitle": r.journal,
            "volume": r.volume, "number": r.issue, "pages": r.pages.replace("-", "--"), "doi": r.doi,
            "issn": r.issn, "isbn": r.isbn, "keywords": "; ".join(r.keywords), "abstract": r.abstract,
            "language": r.language, "url": r.url, "note": f"review-tools id {r.id}" if r.id else "",
        }
        fields = [Field(k, _latex_escape(v)) for k, v in values.items() if v]
        library.add(Entry(BIB_TYPES.get(r.document_type, "misc"), _bibkey(r, used), fields))
    return bibtexparser.write_string(library)


def to_csv(records: Iterable[Record], header: bool = True) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    if header:
        writer.writerow(RECORD_FIELDS)
    for r in records:
        row = []
        for name in RECORD_FIELDS:
            value = getattr(r, name)
            row.append(to_cell("; ".join(value) if isinstance(value, list) else ("" if value is None else value)))
        writer.writerow(row)
    return out.getvalue()


WRITERS = {".ris": to_ris, ".bib": to_bibtex, ".csv": to_csv}
BATCH = 5_000


@contextmanager
def record_writer(path: str | Path) -> Iterator[Callable[[list[Record]], None]]:
    """A function that appends records to ``path`` (.ris, .bib or .csv by extension), batch after batch,
    so that a record set of any size is written without being held whole.  The file appears when the
    block ends without error, atomically; an error leaves the previous file as it was."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in WRITERS:
        raise ValueError(f"{path}: write .ris, .bib or .csv, not {path.suffix!r}")
    used: set[str] = set()  # BibTeX keys given so far
    text = {".csv": lambda records: to_csv(records, header=False), ".bib": lambda records: to_bibtex(records, used),
            ".ris": to_ris}[suffix]
    between = {".csv": "", ".bib": "\n\n", ".ris": "\n"}[suffix]  # what one whole writing puts between records
    with atomic_write(path, newline=None) as fh:
        if suffix == ".csv":
            fh.write(to_csv([]))
        started = False

        def write(records: list[Record]) -> None:
            nonlocal started
            if records:
                fh.write(f"{between if started else ''}{text(records)}")
                started = True

        yield write


def write_records(records: Iterable[Record], path: str | Path) -> Path:
    """Write by extension (.ris, .bib, .csv), atomically: a crash never leaves half a file."""
    records = list(records)
    with record_writer(path) as write:
        for start in range(0, len(records), BATCH):
            write(records[start:start + BATCH])
    return Path(path)
