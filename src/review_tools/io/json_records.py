"""JSON exports: CSL JSON (Zotero, Mendeley, Crossref's citation export) and Publish or Perish's JSON
(Google Scholar searches).

The file is one array of objects (or an object with the array under ``items``; a search API's reply, an
object of metadata around its results, is not read as an export), read with the standard
library's decoder one element at a time, so each record keeps the line it starts on and, where the file is
damaged, the records before the damage are imported and the damage is reported at its line.  Which layout
an object has is told by its keys: CSL names authors as ``{"family", "given"}`` and dates as
``issued.date-parts``; Publish or Perish lists author strings under ``authors`` and the journal as
``source``.
"""

from __future__ import annotations

import json
import re
from typing import Any

from review_tools.i18n import tr
from review_tools.io.problems import ImportProblem
from review_tools.records import Record, normalise_language, parse_year

# Record field -> keys tried in order (CSL JSON first, then Publish or Perish)
FIELDS = {
    "title": ("title",), "abstract": ("abstract",), "journal": ("container-title", "source"),
    "volume": ("volume",), "issue": ("issue",), "pages": ("page",), "doi": ("DOI", "doi"),
    "issn": ("ISSN", "issn"), "isbn": ("ISBN", "isbn"), "language": ("language",), "document_type": ("type",),
    "url": ("URL", "article_url"), "accession": ("PMID", "uid"),
}
SPECIAL = {
    "authors": "author (CSL: family, given; or literal), else authors (a list of names)",
    "year": "issued.date-parts (CSL), else year",
    "pages": "page (CSL), else startpage-endpage (Publish or Perish; 0 is empty)",
    "keywords": "keyword (CSL, split at ',' or ';'), else keywords",
    "database": "Google Scholar when uid is a Publish or Perish 'GS:' id",
}
_EMPTY_NUMBERS = {"", "0"}
_BIBLIOGRAPHIC = {"title", "author", "authors", "container-title", "source", "DOI", "doi"}
_KINDS = {int: "number", float: "number", str: "string", list: "array", bool: "boolean", type(None): "null"}


def is_json_export(head: str) -> bool:
    """Whether the start of a file is a JSON array (or ``items`` object) of bibliographic objects; a search
    API's reply (an object of metadata around its results) is not an export."""
    start = head.lstrip("\ufeff \t\r\n")
    return bool(re.match(r'\[\s*\{|\{\s*"items"\s*:\s*\[', start)) and \
        bool(re.search(r'"(?:title|container-title|article_url)"\s*:', head))


def _text(value: Any) -> str:
    if isinstance(value, list):  # CSL allows a list for some text fields
        value = value[0] if value else ""
    return "" if value is None or isinstance(value, dict) else str(value).strip()


def _authors(obj: dict[str, Any]) -> list[str]:
    out = []
    for a in obj.get("author") or []:
        if isinstance(a, dict):
            family, given = _text(a.get("family")), _text(a.get("given"))
            name = f"{family}, {given}" if family and given else family or given or _text(a.get("literal"))
        else:
            name = _text(a)
        if name:
            out.append(name)
    return out or [n for n in (_text(a) for a in obj.get("authors") or []) if n]


def _year(obj: dict[str, Any]) -> int | None:
    issued = obj.get("issued")
    if isinstance(issued, dict):
        parts = issued.get("date-parts")
        if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]:
            return parse_year(str(parts[0][0]))
        if issued.get("raw"):
            return parse_year(str(issued["raw"]))
    return parse_year(_text(obj.get("year")))


def _record(obj: dict[str, Any], source: str, position: int, line: int) -> Record:
    rec = Record(source_file=source, position=position, line=line)
    for name, keys in FIELDS.items():
        value = next((t for t in (_text(obj.get(k)) for k in keys) if t not in _EMPTY_NUMBERS), "")
        setattr(rec, name, value)
    rec.authors = _authors(obj)
    rec.year = _year(obj)
    start, end = _text(obj.get("startpage")), _text(obj.get("endpage"))
    if not rec.pages and start not in _EMPTY_NUMBERS:
        rec.pages = f"{start}-{end}" if end not in _EMPTY_NUMBERS else start
    words = obj.get("keyword") or obj.get("keywords") or []
    words = re.split(r"[;,]", words) if isinstance(words, str) else words
    rec.keywords = [w for w in (_text(k) for k in words) if w]
    rec.language = normalise_language(rec.language)
    rec.document_type = rec.document_type.lower()
    rec.database = "Google Scholar" if rec.accession.startswith("GS:") else ""
    return rec


def read_json(text: str, source: str) -> tuple[list[Record], list[ImportProblem]]:
    """Read the records of a JSON export; a syntax error ends the reading there, reported at its line."""
    decoder = json.JSONDecoder()
    records: list[Record] = []
    problems: list[ImportProblem] = []
    text = text.lstrip("\ufeff")
    i = _skip(text, 0)
    if text.startswith("{", i):  # {"items": [...]} (CSL JSON from some tools)
        m = re.compile(r'\{\s*"items"\s*:\s*').match(text, i)
        i = m.end() if m else i
    if not text.startswith("[", i):
        return [], [ImportProblem(source, _line(text, i), None, tr("not a JSON array of records"), True)]
    i = _skip(text, i + 1)
    position, line, counted = 0, 1, 0
    while i < len(text) and text[i] != "]":
        position += 1
        line += text.count("\n", counted, i)  # counted on from the record before: a large file stays linear
        counted = i
        try:
            obj, end = decoder.raw_decode(text, i)
        except json.JSONDecodeError as exc:
            problems.append(ImportProblem(source, exc.lineno, position, tr(
                "damaged JSON ({error}): this record and the rest of the file are not read", error=exc.msg),
                True))
            break
        if isinstance(obj, dict) and _BIBLIOGRAPHIC & obj.keys():
            records.append(_record(obj, source, position, line))
        elif isinstance(obj, dict):
            problems.append(ImportProblem(source, line, position, tr(
                "not a bibliographic record (no title, authors, journal or DOI)"), True))
        else:
            kind = _KINDS.get(type(obj), "?")
            problems.append(ImportProblem(source, line, position, tr(
                "found a JSON {kind} where a record (a JSON object) should be", kind=kind), True))
        i = _skip(text, end)
        if text.startswith(",", i):
            i = _skip(text, i + 1)
    return records, problems


def _skip(text: str, i: int) -> int:
    while i < len(text) and text[i] in " \t\r\n":
        i += 1
    return i


def _line(text: str, i: int) -> int:
    return text.count("\n", 0, i) + 1
