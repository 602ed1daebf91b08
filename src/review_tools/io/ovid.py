"""Ovid's exports (MEDLINE, Embase, PsycINFO on OvidSP): the tagged one, saved for EndNote, Citavi or
Reference Manager (``<1. >`` before each record, ``VN  - Ovid Technologies``, then ``TAG - value`` lines),
and the labelled one Ovid saves as text by default (``<1>``, then each field's name on a line of its own
and its value indented below it).

The lines are MEDLINE's (:func:`review_tools.io.medline.tagged_fields` reads them); the tags are Ovid's
own, which differ from PubMed's: ``UI`` is the accession number, ``SO`` the whole citation
("Journal. 12(3):101-20, 2019 Mar."), ``YR`` the year, ``DO`` the DOI, ``LG`` the language, ``DB`` the
database.  The labelled layout names the same fields in words (``Title``, ``Source``, ``Author
Keywords``).  Written by hand: rispy and the MEDLINE readers on PyPI know neither.
"""

from __future__ import annotations

import re

from review_tools.io.medline import first_value, tagged_fields
from review_tools.io.problems import ImportProblem
from review_tools.records import Record, normalise_language, parse_year

_RECORD_START = re.compile(r"^<\d+\.?\s*>\s*$")
_SOURCE = re.compile(r"^(?P<journal>.+?)\.\s+(?:.*?\s)?(?P<volume>\d[\w-]*)\s*\((?P<issue>[^)]*)\)\s*"
                     r"(?::\s*(?P<pages>[\w-]+))?")
# Record field -> tags tried in order (the first value of the first tag present)
FIELDS = {
    "title": ("TI", "BT"), "abstract": ("AB",), "journal": ("JN", "JT", "JA"), "volume": ("VO", "VI"),
    "issue": ("IP",), "pages": ("PG",), "issn": ("IS", "ES"), "isbn": ("IB",), "language": ("LG", "LA"),
    "document_type": ("PT",), "accession": ("UI", "AN"), "url": ("UR", "XL"), "database": ("DB",),
}
SPECIAL = {
    "authors": "AU (FA where it has full names), every value in order",
    "year": "YR, else DP, else the last year in SO",
    "doi": "DO (bare or a resolver link), else DI",
    "journal": "JN/JT/JA, else SO up to its first '. '",
    "volume": "VO/VI, else the number before '(issue)' in SO",
    "issue": "IP, else the '(...)' in SO", "pages": "PG, else what follows ':' in SO",
    "keywords": "KW, then MH (split at ';'; a leading '*' for a major heading removed)",
}

# The labelled layout's field names -> the tags above
LABELS = {
    "title": "TI", "authors": "AU", "author": "AU", "authors full name": "FA", "source": "SO", "abstract": "AB",
    "journal name": "JN", "volume": "VO", "issue": "IP", "pages": "PG", "issn": "IS", "isbn": "IB",
    "language": "LG", "document type": "PT", "publication type": "PT", "unique identifier": "UI",
    "accession number": "AN", "year of publication": "YR", "publication year": "YR", "database": "DB",
    "url": "UR", "digital object identifier": "DO", "doi number": "DO", "doi": "DO",
    "author keywords": "KW", "keyword heading": "KW", "keywords": "KW", "mesh subject headings": "MH",
    "subject headings": "MH", "major subject headings": "MH", "minor subject headings": "MH",
}
_AFFILIATION_MARKS = re.compile(r"\s+\d+(?:\s*,\s*\d+)*$")
_TYPE_AFTER_TITLE = re.compile(r"\s*\[[^\]]*\]\s*$")
_YEAR = re.compile(r"\b(?:1[89]|20)\d{2}\b")


def is_ovid(head: str) -> bool:
    """Whether the start of a file is one of Ovid's exports."""
    return bool(re.search(r"^VN {1,2}- Ovid Technologies", head, re.MULTILINE)) or (
        bool(re.search(r"^<\d+\.?\s*>\s*$", head, re.MULTILINE)) and (
            bool(re.search(r"^(?:UI|TI|DB) {1,2}- ", head, re.MULTILINE))
            or sum(line.strip().lower() in LABELS for line in head.splitlines() if not line[:1].isspace()) >= 2))


def _labelled(lines: list[str]) -> list[tuple[int, dict[str, list[str]]]]:
    """The labelled layout as tag -> values: each indented line under a label is one value."""
    out: list[tuple[int, dict[str, list[str]]]] = []
    current: dict[str, list[str]] = {}
    tag: str | None = None
    for n, line in enumerate(lines, 1):
        if _RECORD_START.match(line):
            current, tag = {}, None
            out.append((n, current))
        elif line.strip() and not line[:1].isspace() and out:
            tag = LABELS.get(line.strip().lower(), line.strip().lower())
        elif line.strip() and tag is not None:
            value = line.strip()
            # the layout ends every value with '.', which is not part of a language, a type or an id
            current.setdefault(tag, []).append(value[:-1] if value.endswith(".") and tag not in ("TI", "AB")
                                               else value)
    return out


def read_ovid(text: str, source: str) -> tuple[list[Record], list[ImportProblem]]:
    """Read the records of an Ovid export, tagged or labelled."""
    problems: list[ImportProblem] = []
    lines = text.split("\n")
    if re.search(r"^[A-Z][A-Z0-9]{1,3} {1,2}- ", text, re.MULTILINE):
        found = tagged_fields(["" if _RECORD_START.match(line) else line for line in lines], source, problems,
                              loose=True)
    else:
        found = _labelled(lines)
    records: list[Record] = []
    for pos, (line, raw) in enumerate(found, 1):
        def one(*tags: str, raw: dict[str, list[str]] = raw) -> str:
            return first_value(raw, tags)

        rec = Record(source_file=source, position=pos, line=line)
        for name, tags in FIELDS.items():
            setattr(rec, name, one(*tags))
        cited = _SOURCE.match(one("SO"))
        if cited:
            rec.journal = rec.journal or cited.group("journal").strip()
            rec.volume = rec.volume or cited.group("volume")
            rec.issue = rec.issue or cited.group("issue").strip()
            rec.pages = rec.pages or (cited.group("pages") or "")
        elif not rec.journal and one("SO"):
            rec.journal = one("SO").split(". ", 1)[0].strip()
        rec.authors = [_AFFILIATION_MARKS.sub("", a).strip() for value in raw.get("FA") or raw.get("AU") or []
                       for a in value.split(";") if a.strip()]
        rec.title = _TYPE_AFTER_TITLE.sub("", rec.title)  # the labelled layout ends a title with '[Article]'
        rec.abstract = " ".join(raw.get("AB", [])) if len(raw.get("AB", [])) > 1 else rec.abstract
        years = _YEAR.findall(one("SO"))
        rec.year = parse_year(one("YR", "DP") or (years[-1] if years else ""))
        rec.doi = one("DO", "DI")
        rec.keywords = [k.lstrip("*").strip() for t in ("KW", "MH") for value in raw.get(t, [])
                        for k in value.split(";") if k.lstrip("*").strip()]
        rec.language = normalise_language(rec.language)
        rec.document_type = rec.document_type.lower()
        records.append(rec)
    return records, problems
