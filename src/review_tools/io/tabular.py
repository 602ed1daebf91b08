"""Tabular exports: Scopus CSV, Web of Science tab-delimited, and any CSV/TSV/XLSX with a column mapping.

One mapping table per field lists the column names databases use (compared case-insensitively); a user
mapping (``{"title": "Article Title"}``) overrides it.  Rows are read as text with the standard library's
csv module, so nothing is converted silently; XLSX is read with openpyxl.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping
from pathlib import Path

from review_tools.csv_cells import from_cell
from review_tools.io.problems import ImportFileError, ImportProblem
from review_tools.records import Record, join_pages, normalise_language, parse_year, split_keywords

COLUMNS: dict[str, tuple[str, ...]] = {
    "title": ("title", "ti", "article title", "document title", "primary_title", "publication title",
              "display_name"),
    "abstract": ("abstract", "ab", "abstract note", "description"),
    "authors": ("authors", "author", "au", "author full names", "af", "author names", "creators",
                "authorships.author.display_name"),
    "year": ("year", "py", "publication year", "publication_year", "pubyear", "date", "publication date"),
    "journal": ("source title", "journal", "so", "source", "journal title", "secondary_title", "journal_name",
                "publication title", "host_venue", "venue", "primary_location.source.display_name"),
    "volume": ("volume", "vl"),
    "issue": ("issue", "number", "is"),
    "start_page": ("page start", "start page", "bp", "first page", "spage"),
    "end_page": ("page end", "end page", "ep", "last page", "epage"),
    "pages": ("pages", "page", "pg"),
    "doi": ("doi", "di"),
    "issn": ("issn", "sn", "eissn", "ei", "primary_location.source.issn_l"),
    "isbn": ("isbn", "bn", "isbns"),
    "keywords": ("author keywords", "keywords", "de", "manual tags", "mesh terms", "kw", "keyword"),
    "language": ("language of original document", "language", "la"),
    "document_type": ("document type", "dt", "item type", "publication type", "entrytype", "type",
                      "type_of_reference", "pt"),
    "url": ("link", "url", "urls"),
}
_SCOPUS_AUTHOR_SPLIT = re.compile(r"(?<=\.),\s+")
FIELD_LIMIT = 64 * 1024 * 1024


def _resolve(header: list[str], mapping: Mapping[str, str] | None) -> dict[str, int]:
    lower = {h.strip().lower(): i for i, h in enumerate(header)}
    cols: dict[str, int] = {}
    for name, candidates in COLUMNS.items():
        for cand in candidates:
            if cand in lower:
                cols[name] = lower[cand]
                break
    for name, column in (mapping or {}).items():
        if name not in COLUMNS:
            raise ImportFileError(f"column mapping names unknown field {name!r}; known: {', '.join(COLUMNS)}")
        if column.strip().lower() not in lower:
            raise ImportFileError(f"column mapping: no column {column!r} (for {name}) in the header")
        cols[name] = lower[column.strip().lower()]
    return cols


def _authors(value: str) -> list[str]:
    if not value.strip() or value.strip().lower() == "[no author name available]":
        return []
    if ";" in value or "|" in value:
        parts = re.split(r"[;|]", value)
    elif " and " in value:
        parts = value.split(" and ")
    elif _SCOPUS_AUTHOR_SPLIT.search(value):
        parts = _SCOPUS_AUTHOR_SPLIT.split(value)
    else:
        parts = [value]
    return [p.strip() for p in parts if p.strip()]


def _rows_to_records(rows: list[list[str]], source: str, mapping: Mapping[str, str] | None, fmt: str,
                     first_line: int = 2) -> tuple[list[Record], list[ImportProblem]]:
    header, body = rows[0], rows[1:]
    cols = _resolve(header, mapping)
    if "title" not in cols:
        raise ImportFileError(f"{source}: no title column found in the header ({', '.join(header[:12])}"
                              f"{'...' if len(header) > 12 else ''}); give a column mapping")
    records, problems = [], []
    width = len(header)
    pos = 0
    for offset, row in enumerate(body):
        line = first_line + offset
        if not any(cell.strip() for cell in row):
            continue
        pos += 1
        if len(row) < width or any(cell.strip() for cell in row[width:]):
            problems.append(ImportProblem(source, line, pos, f"row has {len(row)} cells, the header {width}; "
                                          "cells matched by position as far as they go"))

        def get(name: str, row: list[str] = row) -> str:
            i = cols.get(name)
            return from_cell(row[i].strip()) if i is not None and i < len(row) else ""

        rec = Record(
            title=get("title"), abstract=get("abstract"), authors=_authors(get("authors")),
            year=parse_year(get("year")), journal=get("journal"), volume=get("volume"), issue=get("issue"),
            pages=get("pages") or join_pages(get("start_page"), get("end_page")), doi=get("doi"),
            issn=get("issn"), isbn=get("isbn"), keywords=split_keywords(get("keywords")),
            language=normalise_language(get("language")), document_type=get("document_type").lower(),
            url=get("url"), source_file=source, position=pos, line=line,
        )
        if fmt == "Web of Science tab-delimited":
            rec.database = "Web of Science"
        elif fmt == "Scopus CSV":
            rec.database = "Scopus"
        records.append(rec)
    return records, problems


def sniff_delimiter(text: str) -> str:
    head = text.split("\n", 1)[0]
    counts = {d: head.count(d) for d in (",", ";", "\t")}
    return max(counts, key=lambda d: counts[d])


def read_csv(text: str, source: str, mapping: Mapping[str, str] | None = None,
             fmt: str = "CSV") -> tuple[list[Record], list[ImportProblem]]:
    """Read delimited text (delimiter sniffed from the header: comma, semicolon or tab)."""
    csv.field_size_limit(FIELD_LIMIT)  # abstracts longer than the csv module's 131,072 are cut later, with a warning
    delimiter = "\t" if fmt == "Web of Science tab-delimited" else sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, quoting=csv.QUOTE_NONE if delimiter == "\t"
                        and fmt == "Web of Science tab-delimited" else csv.QUOTE_MINIMAL)
    try:
        rows = list(reader)
    except csv.Error as exc:
        raise ImportFileError(f"{source}: line {reader.line_num}: broken CSV ({exc})") from None
    if not rows:
        raise ImportFileError(f"{source}: no header row")
    return _rows_to_records(rows, source, mapping, fmt)


def read_xlsx(path: Path, source: str, mapping: Mapping[str, str] | None = None
              ) -> tuple[list[Record], list[ImportProblem]]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several types for a broken workbook
        raise ImportFileError(f"{source}: not a readable XLSX workbook ({exc})") from None
    sheet = wb.worksheets[0]
    rows = [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    wb.close()
    if not rows:
        raise ImportFileError(f"{source}: the first sheet is empty")
    return _rows_to_records(rows, source, mapping, "XLSX")
