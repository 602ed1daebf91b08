"""PubMed MEDLINE / .nbib exports.

Written by hand: rispy does not read MEDLINE, and the PyPI parsers for it are unmaintained.  The format
is simple: ``TAG - value`` lines (tag left-justified in four columns), continuation lines indented by
six spaces, records separated by blank lines and starting with ``PMID-``.
"""

from __future__ import annotations

import re

from review_tools.i18n import tr
from review_tools.io.problems import ImportProblem
from review_tools.records import Record, normalise_doi, normalise_language, parse_year

_LINE = re.compile(r"^([A-Z][A-Z0-9]{0,3})\s*-\s?(.*)$")
_DOI_TAG = re.compile(r"^(\S+)\s*\[doi\]", re.IGNORECASE)
MULTI = {"FAU", "AU", "MH", "OT", "PT", "LA", "IS", "LID", "AID", "AD", "AUID", "GR", "RN", "SI"}
# Record field -> MEDLINE tags tried in order (the first value of the first tag present)
FIELDS = {
    "title": ("TI", "BTI"), "abstract": ("AB",), "journal": ("JT", "TA"), "volume": ("VI",), "issue": ("IP",),
    "pages": ("PG",), "isbn": ("ISBN",), "language": ("LA",), "document_type": ("PT",), "accession": ("PMID",),
}
# Fields read another way, as the field map documents them
SPECIAL = {
    "authors": "FAU (full names), else AU; every value in order",
    "year": "DP, else DEP",
    "doi": "LID or AID with [doi]",
    "issn": "IS (the '(Electronic)'/'(Linking)' note removed)",
    "keywords": "OT, then MH",
    "url": "https://pubmed.ncbi.nlm.nih.gov/<PMID>/",
    "database": "PubMed when the record has a PMID",
}


def tagged_fields(lines: list[str], source: str, problems: list[ImportProblem], *, loose: bool = False
                  ) -> list[tuple[int, dict[str, list[str]]]]:
    """(first line, tag -> values) of each record of ``TAG - value`` lines: a record starts at PMID or after
    a blank line; a line indented six spaces continues the value above (MEDLINE, and Ovid's tagged text),
    and so, when ``loose``, does any other line that is not a tag (Ovid prints an abstract's later
    paragraphs unindented)."""
    out: list[tuple[int, dict[str, list[str]]]] = []
    current: dict[str, list[str]] | None = None
    last = None
    after_blank = True
    for n, line in enumerate(lines, 1):
        if not line.strip():
            after_blank = True
            continue
        m = _LINE.match(line) if not line.startswith("      ") else None
        if m:
            tag, value = m.group(1), m.group(2).strip()
            if tag == "PMID" or after_blank or current is None:
                current = {}
                out.append((n, current))
            current.setdefault(tag, []).append(value)
            last, after_blank = tag, False
        elif (loose or line[:1].isspace()) and current is not None and last is not None and not after_blank:
            current[last][-1] = f"{current[last][-1]} {line.strip()}".strip()
        else:
            problems.append(ImportProblem(source, n, None, tr("line is neither a tag nor a continuation; ignored: "
                                                              "{text}", text=repr(line.strip()[:60]))))
    return out


def first_value(fields: dict[str, list[str]], tags: tuple[str, ...]) -> str:
    """The first non-empty value of the first of ``tags`` that has one, in a record read as tag -> values
    (MEDLINE's and Ovid's tags, EndNote's %-tags, ProQuest's labels)."""
    return next((v for tag in tags for v in fields.get(tag, []) if v), "")


def read_medline(text: str, source: str) -> tuple[list[Record], list[ImportProblem]]:
    """Read MEDLINE records (PubMed, and ERIC's .nbib, which has no PMID)."""
    records: list[Record] = []
    problems: list[ImportProblem] = []
    for pos, (line, raw) in enumerate(tagged_fields(text.split("\n"), source, problems), 1):
        rec = Record(source_file=source, position=pos, line=line, database="PubMed" if "PMID" in raw else "")

        def one(tag: str, raw: dict[str, list[str]] = raw) -> str:
            return raw.get(tag, [""])[0]

        for name, tags in FIELDS.items():
            setattr(rec, name, next((one(t) for t in tags if one(t)), ""))
        rec.authors = raw.get("FAU") or raw.get("AU") or []
        rec.year = parse_year(one("DP") or one("DEP"))
        for value in raw.get("LID", []) + raw.get("AID", []):
            m = _DOI_TAG.match(value)
            if m or normalise_doi(value):
                rec.doi = m.group(1) if m else value
                break
        issns = [re.sub(r"\s*\(.*\)", "", v) for v in raw.get("IS", [])]
        rec.issn = issns[0] if issns else ""
        rec.keywords = [*raw.get("OT", []), *raw.get("MH", [])]
        rec.language = normalise_language(rec.language)
        rec.document_type = rec.document_type.lower()
        rec.url = f"https://pubmed.ncbi.nlm.nih.gov/{rec.accession}/" if rec.accession else ""
        records.append(rec)
    return records, problems
