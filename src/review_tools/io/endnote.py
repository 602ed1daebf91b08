"""EndNote tagged ("refer") exports: ``.enw`` files, EndNote's "Export > EndNote" text, AIS eLibrary's
citations.

Written by hand: no maintained PyPI package reads the format, and it is small.  Each line is ``%X value``
(one character after the percent sign names the field, then a space); a line without a tag continues the
field above it; records are separated by blank lines, and a second ``%0`` (reference type) starts a new
record even without one.  The tags are EndNote's own ("Tagged format" in EndNote's help: %A author, %T title,
%J journal, %B secondary title, %D year, %X abstract, %K keywords, %R DOI, %@ ISBN/ISSN, %~ database name).
"""

from __future__ import annotations

import re

from review_tools.i18n import tr
from review_tools.io.medline import first_value
from review_tools.io.problems import ImportProblem
from review_tools.records import Record, issn_or_isbn, normalise_doi, normalise_language, parse_year

_LINE = re.compile(r"^%(\S) ?(.*)$")
# Record field -> tags tried in order (the first value of the first tag present)
FIELDS = {
    "title": ("T",), "abstract": ("X",), "journal": ("J", "B"), "volume": ("V",), "issue": ("N",),
    "pages": ("P",), "language": ("G",), "document_type": ("0", "9"), "url": ("U",), "accession": ("M",),
    "database": ("~", "W"),
}
SPECIAL = {
    "authors": "A, every value in order (editors, %E, are not authors)",
    "year": "D, else 8",
    "doi": "R (bare, doi: or a resolver link), else a DOI link in U",
    "issn": "@ when it is an ISSN (####-####)",
    "isbn": "@ when it is not an ISSN",
    "keywords": "K, each line a keyword (also several on one line, split at ';')",
}


def _records(lines: list[str], source: str, problems: list[ImportProblem]
             ) -> list[tuple[int, dict[str, list[str]]]]:
    out: list[tuple[int, dict[str, list[str]]]] = []
    current: dict[str, list[str]] | None = None
    last: str | None = None
    for n, line in enumerate(lines, 1):
        if not line.strip():
            current = last = None
            continue
        m = _LINE.match(line)
        if m:
            tag, value = m.group(1), m.group(2).strip()
            if current is None or (tag == "0" and "0" in current):
                current = {}
                out.append((n, current))
            current.setdefault(tag, []).append(value)
            last = tag
        elif current is not None and last is not None:
            if last == "K":
                current["K"].append(line.strip())
            else:
                current[last][-1] = f"{current[last][-1]} {line.strip()}".strip()
        else:
            problems.append(ImportProblem(source, n, None, tr("line is neither a tag nor a continuation; ignored: "
                                                              "{text}", text=repr(line.strip()[:60]))))
    return out


def read_endnote(text: str, source: str) -> tuple[list[Record], list[ImportProblem]]:
    """Read the records of an EndNote tagged export."""
    records: list[Record] = []
    problems: list[ImportProblem] = []
    for pos, (line, raw) in enumerate(_records(text.split("\n"), source, problems), 1):
        rec = Record(source_file=source, position=pos, line=line)

        for name, tags in FIELDS.items():
            setattr(rec, name, first_value(raw, tags))
        rec.authors = [a for a in raw.get("A", []) if a]
        rec.year = parse_year(first_value(raw, ("D", "8")))
        links = [v for v in raw.get("R", []) + raw.get("U", []) if normalise_doi(v)]
        rec.doi = links[0] if links else ""
        rec.issn, rec.isbn = issn_or_isbn(first_value(raw, ("@",)))
        rec.keywords = [k.strip() for value in raw.get("K", []) for k in value.split(";") if k.strip()]
        rec.language = normalise_language(rec.language)
        rec.document_type = rec.document_type.lower()
        records.append(rec)
    return records, problems
