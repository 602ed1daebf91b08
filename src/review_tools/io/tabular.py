"""Tabular exports: Scopus, Web of Science tab-delimited, Embase, Lens, PubMed and Publish or Perish CSV, and any
CSV/TSV/XLSX.

One table (:data:`COLUMNS`) lists, per record field, the column names exports use (compared
case-insensitively, the first non-empty one wins); a database whose layout differs (:data:`LAYOUTS`: Web
of Science's PG is a page count, Embase hides year, volume and pages in 'Source') is recognised by its
header and has its own columns; a user mapping (``{"title": "Article Title"}``) overrides both.  Rows
are read as text with the standard library's csv module, so nothing is converted silently; XLSX is read
with openpyxl.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from review_tools.csv_cells import from_cell
from review_tools.i18n import tr
from review_tools.io.problems import ImportFileError, ImportProblem
from review_tools.records import Record, join_pages, normalise_language, parse_year, split_keywords

COLUMNS: dict[str, tuple[str, ...]] = {
    "title": ("title", "ti", "article title", "document title", "primary_title", "publication title",
              "display_name", "item title"),
    "abstract": ("abstract", "ab", "abstract note", "description"),
    "authors": ("author full names", "af", "authors", "author", "au", "author names", "author/s", "creators",
                "authorships.author.display_name"),
    "year": ("year", "py", "publication year", "publication_year", "pubyear", "date", "publication date"),
    "journal": ("source title", "journal", "so", "source", "journal title", "secondary_title", "journal_name",
                "publication title", "journal/book", "host_venue", "venue", "publication",
                "primary_location.source.display_name"),
    "volume": ("volume", "vl", "journal volume"),
    "issue": ("issue", "number", "is", "issue number", "journal issue"),
    "start_page": ("page start", "start page", "bp", "first page", "spage"),
    "end_page": ("page end", "end page", "ep", "last page", "epage"),
    "pages": ("pages", "page", "page range"),
    "article_number": ("art. no.", "article number", "ar"),
    "doi": ("doi", "di", "item doi"),
    "issn": ("issn", "sn", "issns", "eissn", "ei", "primary_location.source.issn_l"),
    "isbn": ("isbn", "bn", "isbns"),
    "keywords": ("author keywords", "keywords", "de", "manual tags", "mesh terms", "kw", "keyword"),
    "language": ("language of original document", "language", "la"),
    "document_type": ("document type", "dt", "item type", "publication type", "entrytype", "type",
                      "type_of_reference", "pt", "content type"),
    "url": ("link", "url", "urls"),
    "accession": ("eid", "ut", "ut (unique id)", "ut (unique wos id)", "unique-id", "lens id", "pmid",
                  "accession number", "an"),
}
FIELDS = tuple(COLUMNS)


@dataclass(frozen=True)
class Layout:
    """A database's own CSV layout: how its header is recognised (every name in one of ``marks``), the
    columns that differ from :data:`COLUMNS` (``()`` switches a field off), and the database it names."""

    format: str
    database: str
    marks: tuple[frozenset[str], ...]
    columns: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    authors_separator: str = ""  # '' : ';' or '|' if present, else Scopus' 'Surname I.,' list
    notes: Mapping[str, str] = field(default_factory=dict)  # fields read another way, for the field map
    grows_after: str = ""  # the column after which a row may hold more cells than the header names


LAYOUTS = (
    # Web of Science tab-delimited: PG is the number of pages, BP/EP the pages, AR the article number;
    # AF the full names (AU has initials only).
    Layout("Web of Science tab-delimited", "Web of Science", (frozenset({"pt", "ut", "ti"}),),
           {"title": ("ti",), "abstract": ("ab",), "authors": ("af", "au"), "year": ("py",), "journal": ("so",),
            "volume": ("vl",), "issue": ("is",), "start_page": ("bp",), "end_page": ("ep",), "pages": (),
            "article_number": ("ar",), "doi": ("di",), "issn": ("sn", "ei"), "isbn": ("bn",),
            "keywords": ("de",), "language": ("la",), "document_type": ("dt",), "url": (),
            "accession": ("ut",)},
           notes={"pages": "BP-EP, else AR; PG is the page count and is not read"}),
    Layout("Scopus CSV", "Scopus", (frozenset({"source title", "eid"}), frozenset({"source title", "link"})),
           {"pages": (), "year": ("year",), "journal": ("source title",), "accession": ("eid",),
            "keywords": ("author keywords", "index keywords")},
           notes={"pages": "Page start-Page end, else Art. No.", "keywords": "Author Keywords and Index Keywords",
                  "authors": "Author full names without the Scopus ids, else Authors"},
           # Scopus writes a record's further funding texts as cells after 'Funding Text 1' that the header
           # may not name; every later cell of such a row is one column further right
           grows_after="funding text 1"),
    # Web of Science's "Excel" export (savedrecs.xls): full column names, and a title or abstract only in
    # another language's column for records of its regional indexes (SciELO, KCI, CSCD, RSCI)
    Layout("Web of Science Excel", "Web of Science", (frozenset({"article title", "ut (unique id)"}),
                                                      frozenset({"article title", "ut (unique wos id)"})),
           {"title": ("article title", "article title - scielo", "article title - chinese", "article title - russian",
                      "article title - korean"),
            "abstract": ("abstract", "abstract - english transliteration", "abstract - foreign", "abstract - korean"),
            "journal": ("source title", "source title - korean", "source title - arabic")}),
    # Embase (both layouts): year, volume, issue and pages may only be in 'Source', the DOI in 'Open URL Link'.
    Layout("Embase CSV", "Embase", (frozenset({"emtree medical index terms"}), frozenset({"emtree drug index terms"}),
                                    frozenset({"author names", "open url link"})),
           {"keywords": ("author keywords", "keywords", "emtree medical index terms"), "journal": ("source title",),
            "accession": ("embase accession id", "pui", "embase pui")},
           notes={"journal": "Source title, else the journal in Source", "year": "Publication Year, else Source",
                  "volume": "Volume, else Source ('Journal (2014) 3:3 (152-160)')", "issue": "Issue, else Source",
                  "pages": "First Page-Last Page, else Source (or its Article Number)",
                  "doi": "DOI, else the doi in Open URL Link"}),
    Layout("Lens CSV", "Lens", (frozenset({"lens id", "title"}),),
           {"authors": ("author/s",), "year": ("publication year", "date published"), "issn": ("issns",),
            "url": ("external url", "source urls"), "accession": ("lens id",)}, authors_separator=";",
           notes={"issn": "ISSNs (the first)", "keywords": "Keywords and MeSH Terms"}),
    # Publish or Perish (Google Scholar and the other sources it queries): 0 for an unknown volume, issue or
    # page, authors split at commas ('AG Meyer, J Smith'), the database only known from its Google Scholar links
    Layout("Publish or Perish CSV", "", (frozenset({"gsrank", "citesurl"}), frozenset({"gsrank", "articleurl"})),
           {"journal": ("source",), "start_page": ("startpage",), "end_page": ("endpage",), "pages": (),
            "url": ("articleurl", "fulltexturl"), "accession": ()}, authors_separator=",",
           notes={"volume": "Volume (0 is empty)", "issue": "Issue (0 is empty)",
                  "pages": "StartPage-EndPage (0 is empty)",
                  "database": "Google Scholar where CitesURL or RelatedURL is a Google Scholar link"}),
    Layout("PubMed CSV", "PubMed", (frozenset({"pmid", "citation", "first author"}),),
           {"journal": ("journal/book",), "accession": ("pmid",), "authors": ("authors",)},
           authors_separator=",", notes={"volume": "from Citation ('Nature. 2021;1(2):10-11')",
                                         "issue": "from Citation", "pages": "from Citation"}),
)
_SUFFIX = re.compile(r"^(?:jr|sr|ii|iii|iv|v|2nd|3rd|[4-9]th)\.?$", re.IGNORECASE)
_SCOPUS_AUTHOR_SPLIT = re.compile(r"(?<=\.),\s+")
_SCOPUS_ID = re.compile(r"\s*\(\d{6,}\)\s*$")
# 'Endoscopic Ultrasound (2014) 3:3 (152-160). Date of Publication: 2014'
_EMBASE_SOURCE = re.compile(r"^(?P<journal>.+?)\s+\((?P<year>\d{4})\)"
                            r"(?:\s+(?P<volume>[^\s:(]+)(?::(?P<issue>[^\s(]+))?)?(?:\s+\((?P<pages>[^)]*)\))?"
                            r"(?:\s+Article Number:\s*(?P<article>[^.\s]+))?")
# 'Nature. 2021 Dec 21;1(2):10-11. doi: ...'
_PUBMED_CITATION = re.compile(r";\s*(?P<volume>[^(:;\s]+)?(?:\((?P<issue>[^)]*)\))?:(?P<pages>[^.;\s]+)")
FIELD_LIMIT = 64 * 1024 * 1024


def layout_of(header: list[str]) -> Layout | None:
    """The database layout whose marks the header has, if any."""
    names = {h.strip().lstrip("\ufeff").lower() for h in header}
    for layout in LAYOUTS:
        if any(mark <= names for mark in layout.marks):
            return layout
    return None


def _resolve(header: list[str], mapping: Mapping[str, str] | None, layout: Layout | None) -> dict[str, list[int]]:
    """Field -> the columns that may fill it, best first."""
    lower: dict[str, int] = {}
    for i, h in enumerate(header):
        lower.setdefault(h.strip().lstrip("\ufeff").lower(), i)
    table = {**COLUMNS, **(layout.columns if layout else {})}
    cols = {name: [lower[c] for c in candidates if c in lower] for name, candidates in table.items()}
    for name, column in (mapping or {}).items():
        if name not in COLUMNS:
            raise ImportFileError(f"column mapping names unknown field {name!r}; known: {', '.join(COLUMNS)}")
        if column.strip().lower() not in lower:
            raise ImportFileError(f"column mapping: no column {column!r} (for {name}) in the header")
        cols[name] = [lower[column.strip().lower()]]
    return {name: found for name, found in cols.items() if found}


def split_authors(value: str, separator: str = "") -> list[str]:
    """The names in one authors cell: ';' or '|' lists, ' and ' lists, Scopus' 'Surname I.,' lists, or the
    given separator; a suffix ('Jr.', '2nd', 'III') stays with its name; Scopus ids '(5720...)' dropped."""
    if not value.strip():
        return []
    if separator:
        parts = value.split(separator)
    elif ";" in value or "|" in value:
        parts = re.split(r"[;|]", value)
    elif " and " in value:
        parts = value.split(" and ")
    elif _SCOPUS_AUTHOR_SPLIT.search(value):
        parts = _SCOPUS_AUTHOR_SPLIT.split(value)
    elif value.count(",") >= 2 and all(len(p.split()) >= 2 for p in value.split(",")):
        parts = value.split(",")  # 'Joseph Rottman, Erran Carmel, Mary Lacity' (IEEE Xplore)
    else:
        parts = [value]
    names: list[str] = []
    for part in (_SCOPUS_ID.sub("", p).strip() for p in parts):
        if not part:
            continue
        if names and _SUFFIX.match(part):
            names[-1] = f"{names[-1]}, {part}"
        else:
            names.append(part)
    return names


def _embase_source(rec: Record, source: str) -> None:
    """Fill what is missing from Embase's 'Source' citation: journal, year, volume, issue, pages."""
    m = _EMBASE_SOURCE.match(source)
    if not m:
        return
    rec.journal = rec.journal or m["journal"].strip()
    rec.year = rec.year or parse_year(m["year"])
    rec.volume = rec.volume or (m["volume"] or "")
    rec.issue = rec.issue or (m["issue"] or "")
    rec.pages = rec.pages or (m["pages"] or m["article"] or "")


def _rows_to_records(header: list[str], body: Iterable[tuple[int, list[str]]], source: str,
                     mapping: Mapping[str, str] | None, fmt: str) -> tuple[list[Record], list[ImportProblem]]:
    """Records from rows given with the line each starts on."""
    layout = layout_of(header)
    cols = _resolve(header, mapping, layout)
    if "title" not in cols:
        raise ImportFileError(f"{source}: no title column found in the header ({', '.join(header[:12])}"
                              f"{'...' if len(header) > 12 else ''}); give a column mapping")
    names = {h.strip().lstrip("\ufeff").lower(): i for i, h in enumerate(header)}
    grown_at = names.get(layout.grows_after) if layout and layout.grows_after else None
    records, problems = [], []
    width = len(header)
    pos = 0
    for line, row in body:
        if not any(cell.strip() for cell in row):
            continue
        pos += 1
        row = _aligned(row, width, grown_at)
        if len(row) < width or any(cell.strip() for cell in row[width:]):
            problems.append(ImportProblem(source, line, pos, tr("row has {n} cells, the header {width}; cells "
                                                                "matched by position as far as they go",
                                                                n=len(row), width=width)))

        def get(name: str, row: list[str] = row) -> str:
            for i in cols.get(name, ()):
                if i < len(row) and row[i].strip():
                    return from_cell(row[i].strip())
            return ""

        def column(name: str, row: list[str] = row) -> str:
            i = names.get(name)
            return from_cell(row[i].strip()) if i is not None and i < len(row) else ""

        keywords = list(dict.fromkeys(k for i in cols.get("keywords", ()) if i < len(row)
                                      for k in _split_list(from_cell(row[i].strip()))))
        rec = Record(
            title=get("title"), abstract=get("abstract"),
            authors=split_authors(get("authors"), layout.authors_separator if layout else ""),
            year=parse_year(get("year")), journal=get("journal"), volume=get("volume"), issue=get("issue"),
            pages=get("pages") or join_pages(get("start_page"), get("end_page")) or get("article_number"),
            doi=get("doi"), issn=get("issn").split(";")[0].strip(), isbn=get("isbn"),
            keywords=keywords,
            language=normalise_language(get("language")), document_type=get("document_type").lower(),
            url=get("url"), accession=get("accession"), source_file=source, position=pos, line=line,
        )
        if layout is not None:
            rec.database = layout.database
            if layout.format == "Embase CSV":
                _embase_source(rec, column("source"))
                rec.doi = rec.doi or _doi_in_link(column("open url link"))
            elif layout.format == "PubMed CSV" and (m := _PUBMED_CITATION.search(column("citation"))):
                rec.volume, rec.issue, rec.pages = m["volume"] or "", m["issue"] or "", m["pages"] or ""
            elif layout.format == "Publish or Perish CSV":
                _publish_or_perish(rec, get("start_page"), get("end_page"), column("citesurl") + column("relatedurl"))
        records.append(rec)
    return records, problems


def _publish_or_perish(rec: Record, start: str, end: str, links: str) -> None:
    """Publish or Perish's 0 (not known) taken out of volume, issue and pages; Google Scholar as the
    database where its links say so."""
    rec.volume, rec.issue = ("" if v == "0" else v for v in (rec.volume, rec.issue))
    rec.pages = join_pages(*("" if v == "0" else v for v in (start, end)))
    if "scholar.google." in links:
        rec.database = "Google Scholar"


def _aligned(row: list[str], width: int, grown_at: int | None) -> list[str]:
    """``row`` with the extra cells after column ``grown_at`` (cells the header does not name) taken out,
    so that the later cells sit under their own column names; unchanged where the row is not longer."""
    extra = len(row) - width
    if grown_at is None or extra <= 0:
        return row
    return row[:grown_at + 1] + row[grown_at + 1 + extra:]


def _split_list(text: str) -> list[str]:
    """Keywords separated by ';', else by commas outside parentheses (Embase: 'cyst (diagnosis, surgery)')."""
    if ";" in text:
        return split_keywords(text)
    parts, depth, current = [], 0, ""
    for ch in text:
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if ch == "," and depth <= 0:
            parts.append(current)
            current = ""
        else:
            current += ch
    return [p.strip() for p in [*parts, current] if p.strip()]


def _doi_in_link(link: str) -> str:
    from urllib.parse import unquote

    m = re.search(r"(?:doi[:=/]|info:doi/)(10\.\d{4,9}/[^&\s]+)", unquote(link), re.IGNORECASE)
    return m.group(1) if m else ""


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
    rows = []  # (the line a row starts on, the row): a quoted cell can hold line breaks
    start = 1
    try:
        for row in reader:
            rows.append((start, row))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise ImportFileError(f"{source}: line {reader.line_num}: broken CSV ({exc})") from None
    if not rows:
        raise ImportFileError(f"{source}: no header row")
    return _rows_to_records(rows[0][1], rows[1:], source, mapping, fmt)


def read_xlsx(path: Path, source: str, mapping: Mapping[str, str] | None = None, rows_per_batch: int = 10_000
              ) -> Iterator[tuple[list[Record], list[ImportProblem]]]:
    """The first sheet's records, in batches of rows (openpyxl's read-only mode streams the sheet, so a
    full sheet of a million rows is never in memory at once).  Positions count from 1 in each batch."""
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several types for a broken workbook
        raise ImportFileError(f"{source}: not a readable XLSX workbook ({exc})") from None
    try:
        rows = (["" if v is None else str(v) for v in row] for row in wb.worksheets[0].iter_rows(values_only=True))
        yield from _sheet(rows, source, mapping, "XLSX", rows_per_batch)
    finally:
        wb.close()


def read_xls(path: Path, source: str, mapping: Mapping[str, str] | None = None, rows_per_batch: int = 10_000
             ) -> Iterator[tuple[list[Record], list[ImportProblem]]]:
    """The first sheet's records of an Excel 97-2003 workbook (Web of Science's "Excel" export,
    savedrecs.xls), read with xlrd, in batches as :func:`read_xlsx` gives them.  xlrd gives every number
    as a float: whole numbers (years, volumes, pages) are written without '.0'."""
    import xlrd

    try:
        book = xlrd.open_workbook(path, on_demand=True)
        sheet = book.sheet_by_index(0)
    except Exception as exc:  # xlrd raises several types for a file that is not a workbook
        raise ImportFileError(f"{source}: not a readable XLS workbook ({exc})") from None
    try:
        rows = ([_xls_cell(v) for v in sheet.row_values(i)] for i in range(sheet.nrows))
        yield from _sheet(rows, source, mapping, "XLS", rows_per_batch)
    finally:
        book.release_resources()


def _xls_cell(value: object) -> str:
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def _sheet(rows: Iterator[list[str]], source: str, mapping: Mapping[str, str] | None, fmt: str,
           rows_per_batch: int) -> Iterator[tuple[list[Record], list[ImportProblem]]]:
    """A sheet's rows (the header first) as batches of records."""
    header = next(rows, None)
    if header is None:
        raise ImportFileError(f"{source}: the first sheet is empty")
    batch: list[tuple[int, list[str]]] = []
    batches = 0
    for line, row in enumerate(rows, 2):
        batch.append((line, row))
        if len(batch) == rows_per_batch:
            yield _rows_to_records(header, batch, source, mapping, fmt)
            batch, batches = [], batches + 1
    if batch or not batches:  # a header without rows still has its title column checked
        yield _rows_to_records(header, batch, source, mapping, fmt)
