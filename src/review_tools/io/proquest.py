"""ProQuest's plain-text export ("Text only" / "Report Information from ProQuest"): ABI/INFORM, ProQuest
Dissertations & Theses, PsycINFO and the other databases on the ProQuest platform.

Written by hand: no maintained PyPI package reads it.  The file opens with a report header and a table of
contents; each record starts at ``Document N of M``, its title on the next line, then ``Label: value``
fields separated by blank lines, and ends at a line of underscores.  An abstract (or a full text) can run
over several paragraphs, so inside one only ProQuest's own labels start a new field; elsewhere any
``Label:`` line after a blank line does.
"""

from __future__ import annotations

import re

from review_tools.io.medline import first_value
from review_tools.io.problems import ImportProblem
from review_tools.records import Record, normalise_doi, normalise_language, parse_year

_DOCUMENT = re.compile(r"^Document (\d+) of \d+\s*$")
_RULE = re.compile(r"^_{20,}\s*$")
_LABEL = re.compile(r"^([A-Z][A-Za-z0-9 /&().,'-]{0,48}?):\s+(.*)$")
_LONG = {"abstract", "full text"}  # fields whose paragraphs may themselves start with 'Word: '
LABELS = frozenset({
    "abstract", "full text", "author", "title", "publication title", "volume", "issue", "pages", "first page",
    "publication year", "publication date", "year", "publisher", "place of publication", "country of publication",
    "publication subject", "issn", "e-issn", "isbn", "e-isbn", "coden", "source type", "language of publication",
    "language", "document type", "document feature", "doi", "proquest document id", "document url", "copyright",
    "last updated", "database", "subject", "identifier / keyword", "classification", "location",
    "company / organization", "section", "links", "advisor", "committee member", "degree", "degree date",
    "department", "dissertation/thesis number", "number of pages", "school code", "source", "university location",
    "university/institution", "accession number", "update", "publication history", "mesh subject", "keywords",
    "author e-mail address", "affiliation", "notes", "credit", "editor", "conference title", "conference date",
    "conference location", "methodology", "population", "age group", "supplemental data", "references",
})
# Record field -> labels tried in order (the first with a value), as the field map documents it
FIELDS = {
    "title": ("Title", "the line after 'Document N of M'"), "abstract": ("Abstract",),
    "journal": ("Publication title",), "volume": ("Volume",), "issue": ("Issue",),
    "pages": ("Pages", "First page"), "doi": ("DOI",), "issn": ("ISSN", "e-ISSN"), "isbn": ("ISBN", "e-ISBN"),
    "language": ("Language of publication", "Language"), "document_type": ("Document type",),
    "url": ("Document URL", "the link under the authors"), "accession": ("ProQuest document ID", "Accession number"),
    "database": ("Database",),
}
SPECIAL = {
    "authors": "Author, split at ';'",
    "year": "Publication year, else Publication date, else Year",
    "keywords": "Identifier / keyword (split at ','), then Subject and MeSH subject (split at ';')",
}


def is_proquest(head: str) -> bool:
    """Whether the start of a file is ProQuest's plain-text export."""
    return "Report Information from ProQuest" in head or (
        bool(re.search(r"^Document 1 of \d+\s*$", head, re.MULTILINE)) and "ProQuest document ID:" in head)


def _documents(lines: list[str]) -> list[tuple[int, str, dict[str, list[str]]]]:
    """(line, title line, label -> values) of each document; text outside documents is the report's frame."""
    out: list[tuple[int, str, dict[str, list[str]]]] = []
    fields: dict[str, list[str]] | None = None
    label: str | None = None
    blank = True
    for n, line in enumerate(lines, 1):
        if _DOCUMENT.match(line):
            fields, label = {}, None
            out.append((n, "", fields))
        elif fields is None:
            continue
        elif _RULE.match(line):
            fields = None
        elif not line.strip():
            blank = True
            continue
        else:
            m = _LABEL.match(line)
            known = m is not None and m.group(1).lower() in LABELS
            if not out[-1][1] and not fields and label is None:
                out[-1] = (out[-1][0], line.strip(), fields)  # the title line after 'Document N of M'
            elif m and (known or (blank and (label or "").lower() not in _LONG)):
                label = m.group(1).lower()
                fields.setdefault(label, []).append(m.group(2).strip())
            elif blank and line.startswith(("http://", "https://")):
                fields.setdefault("link", []).append(line.strip())  # the record's link, under its authors
            elif label is not None and (not blank or label in _LONG):
                joiner = "\n" if blank else " "  # another paragraph of an abstract, or a wrapped line
                fields[label][-1] = f"{fields[label][-1]}{joiner}{line.strip()}"
        blank = False
    return out


def read_proquest(text: str, source: str) -> tuple[list[Record], list[ImportProblem]]:
    """Read the documents of a ProQuest plain-text export (or of a piece cut before a document)."""
    records: list[Record] = []
    for pos, (line, title, raw) in enumerate(_documents(text.split("\n")), 1):
        def one(*labels: str, raw: dict[str, list[str]] = raw) -> str:
            return first_value(raw, tuple(label.lower() for label in labels))

        rec = Record(source_file=source, position=pos, line=line)
        rec.title = one("Title") or title
        rec.abstract = " ".join(one("Abstract").split())
        rec.authors = [a.strip() for value in raw.get("author", []) for a in value.split(";") if a.strip()]
        rec.year = parse_year(one("Publication year", "Publication date", "Year"))
        rec.journal, rec.volume, rec.issue = one("Publication title"), one("Volume"), one("Issue")
        rec.pages = one("Pages", "First page")
        rec.doi = one("DOI") if normalise_doi(one("DOI")) else ""
        rec.issn, rec.isbn = one("ISSN", "e-ISSN"), one("ISBN", "e-ISBN")
        rec.language = normalise_language(one("Language of publication", "Language"))
        rec.document_type = one("Document type").lower()
        rec.url, rec.accession = one("Document URL", "link"), one("ProQuest document ID", "Accession number")
        rec.database = one("Database")
        splits = (("identifier / keyword", ","), ("subject", ";"), ("mesh subject", ";"))
        rec.keywords = [k.strip() for label, at in splits for value in raw.get(label, []) for k in value.split(at)
                        if k.strip()]
        records.append(rec)
    return records, []
