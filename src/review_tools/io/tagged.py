"""RIS and Web of Science plain-text exports, parsed by rispy one record at a time.

rispy parses a whole file in one pass and silently drops a record that is not closed by its end tag, and
it keeps no line numbers.  So the text is cut into records here (start tag ``TY``/``PT`` to ``ER``),
each record is handed to rispy's parser, and every oddity (an unclosed record, text outside records) is
reported with its line.  The mapping from rispy's keys to :class:`Record` fields is a table per format.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import rispy
from rispy.config import LIST_TYPE_TAGS, WOK_LIST_TYPE_TAGS, WOK_TAG_KEY_MAPPING

from review_tools.i18n import tr
from review_tools.io.problems import ImportProblem
from review_tools.io.sources import database_name
from review_tools.records import Record, join_pages, normalise_language, parse_year, split_keywords

_RIS_TAG = re.compile(r"^[A-Z][A-Z0-9]  -( |$)")
_WOS_TAG = re.compile(r"^[A-Z][A-Z0-9](?: |$)")

# Record field -> rispy keys tried in order (RIS)
RIS_FIELDS = {
    "title": ("title", "primary_title", "translated_title", "short_title"),
    "abstract": ("abstract", "notes_abstract"),
    "journal": ("journal_name", "secondary_title", "alternate_title3", "alternate_title1", "alternate_title2"),
    "volume": ("volume",),
    "issue": ("number",),
    "issn": ("issn",),
    "language": ("language",),
    "document_type": ("type_of_reference",),
    "database": ("name_of_database", "database_provider"),
    "accession": ("accession_number",),
}
RIS_TYPES = {
    "JOUR": "article", "JFULL": "article", "EJOUR": "article", "MGZN": "article", "NEWS": "news",
    "BOOK": "book", "EBOOK": "book", "CHAP": "book chapter", "ECHAP": "book chapter", "EDBOOK": "book",
    "CONF": "conference paper", "CPAPER": "conference paper", "THES": "thesis", "RPRT": "report",
    "GEN": "other", "ELEC": "web page", "ABST": "abstract", "INPR": "article", "SER": "book",
}
RIS_SPECIAL = {
    "authors": "AU (A1), else A2 ... as rispy gives them, in order",
    "year": "PY, else Y1 or DA (the first four-digit year)",
    "pages": "SP-EP",
    "doi": "DO",
    "issn": "SN (unless it has 10 or 13 digits: then it is the ISBN)",
    "isbn": "SN when it has 10 or 13 digits",
    "keywords": "KW (every line; ';' inside a line splits)",
    "url": "UR (the first)",
    "database": "DB or DP (EBSCO codes named: ecn -> EconLit); else the host of UR (lens.org -> Lens)",
}
# Record field -> WoS tags (rispy's WOK keys)
WOS_FIELDS = {
    "title": ("document_title",),
    "abstract": ("abstract",),
    "journal": ("publication_name",),
    "volume": ("volume",),
    "issue": ("issue",),
    "issn": ("issn", "eissn"),
    "language": ("language",),
    "document_type": ("document_type",),
}


WOS_SPECIAL = {
    "authors": "AF (full names), else AU",
    "year": "PY, else PD",
    "pages": "BP-EP, else AR (the article number); PG is the page count and is not read",
    "doi": "DI",
    "isbn": "BN",
    "keywords": "DE",
    "accession": "UT",
    "database": "Web of Science",
}


def _as_text(value: object) -> str:
    """One rispy value as text: a string stripped, a list joined with spaces."""
    if type(value) is str:
        return value.strip()
    return (" ".join(str(v) for v in value if v) if isinstance(value, list) else str(value)).strip()


def _first(raw: dict, keys: tuple[str, ...]) -> str:
    for key in keys:
        value = raw.get(key)
        if value:
            return _as_text(value)
    return ""


def _chunks(lines: list[str], start: str, end: str, tag_re: re.Pattern[str], source: str,
            problems: list[ImportProblem]) -> Iterator[tuple[int, list[str]]]:
    """Yield ``(first line number, lines)`` per record; report unclosed records and stray text."""
    current: list[str] | None = None
    first = 0
    stray_at = None
    for n, line in enumerate(lines, 1):
        tag = line[:2] if tag_re.match(line) else None
        if tag == start:
            if current is not None:
                problems.append(ImportProblem(source, first, None, tr(
                    "record is not closed by {end} before the next record starts at line {n}; imported as far as it "
                    "goes", end=end, n=str(n))))
                yield first, [*current, end + "  -" if start == "TY" else end]
            current, first = [line], n
        elif current is not None:
            current.append(line)
            if tag == end:
                yield first, current
                current = None
        elif line.strip() and stray_at is None and tag not in ("FN", "VR", "EF"):
            stray_at = n
    if current is not None:
        problems.append(ImportProblem(source, first, None, tr(
            "last record is not closed by {end} (file truncated?); imported as far as it goes", end=end)))
        yield first, [*current, end + "  -" if start == "TY" else end]
    if stray_at is not None:
        problems.append(ImportProblem(source, stray_at, None, _stray(start)))


def _stray(start: str) -> str:
    return tr("text outside any record (no {start} tag) ignored from this line", start=start)


def reported_once(problem: ImportProblem) -> bool:
    """True for the warning given once per file (at the first text outside any record): a file read in
    pieces keeps only the first piece's."""
    return problem.record is None and problem.reason in (_stray("TY"), _stray("PT"))


def _well_formed(text: str, start: str, end: str) -> list[int] | None:
    """First-line numbers of the records when the file looks well formed (start and end tags alternate,
    nothing but whitespace between an end tag and the next start tag, only FN/VR lines before the first
    record and EF after the last), else None.  One regular-expression pass over the whole text finds the
    tags (anchored on newlines: ``^`` with MULTILINE is ten times slower), so a good file is parsed by rispy
    in one pass, about as fast as rispy alone; the caller also checks that rispy found one record per start
    tag."""
    sep = "  -" if start == "TY" else " "
    tags = re.compile(rf"\n(?:({start}{re.escape(sep)})|{end}(?:{re.escape(sep)}|[ \t]*(?=\n|$)))")
    lines: list[int] = []
    line, pos = 1, 0
    closed: int | None = -1  # end of the last end tag's line; None while a record is open, -1 before any
    if text.startswith(start + sep):
        lines.append(1)
        closed = None
    for m in tags.finditer(text):
        at = m.start()
        if m.group(1):  # a start tag
            if closed is None:
                return None
            if closed >= 0:
                if text[closed:at].strip():
                    return None
            elif not all(h[:2] in ("FN", "VR") for h in text[:at].split("\n") if h.strip()):
                return None  # a header that is not FN/VR lines (an end tag before any record is one)
            line += text.count("\n", pos, at + 1)
            pos = at + 1
            lines.append(line)
            closed = None
        elif closed is None:
            eol = text.find("\n", m.end())
            closed = len(text) if eol < 0 else eol
        else:
            return None  # an end tag outside any record
    if closed is None or not lines:
        return None
    tail = text[closed:].strip()
    return lines if not tail or tail.startswith("EF") else None


def _read_tagged(text: str, source: str, parser: rispy.RisParser, start: str, end: str, tag_re: re.Pattern[str],
                 convert) -> tuple[list[Record], list[ImportProblem]]:
    problems: list[ImportProblem] = []
    starts = _well_formed(text, start, end)
    if starts is not None:
        raws = parser.parse(text)
        if len(raws) == len(starts):
            pairs = zip(raws, starts, strict=True)
            return [convert(raw, source, pos, line) for pos, (raw, line) in enumerate(pairs, 1)], []
    records = []
    for pos, (line, chunk) in enumerate(_chunks(text.split("\n"), start, end, tag_re, source, problems), 1):
        raw = parser.parse_lines(iter(chunk))
        if not raw:
            problems.append(ImportProblem(source, line, pos, tr("record could not be parsed"), skipped=True))
            continue
        records.append(convert(raw[0], source, pos, line))
    return records, problems


def read_ris(text: str, source: str) -> tuple[list[Record], list[ImportProblem]]:
    """Read a RIS export (Scopus, WoS, EBSCO, ProQuest, PubMed, EndNote, Zotero flavours)."""
    # rispy's default list and ignore tags are lists, searched on every line; as sets the parse takes
    # 15 % less time with the same result
    parser = rispy.RisParser(list_tags=frozenset(LIST_TYPE_TAGS), ignore=frozenset(rispy.RisParser.DEFAULT_IGNORE))
    return _read_tagged(text, source, parser, "TY", "ER", _RIS_TAG, _from_ris)


_RIS_FIELD_KEYS = tuple(RIS_FIELDS.items())


def _ris_fields(raw: dict) -> dict[str, str]:
    """The Record text fields of one rispy entry: for each, the first non-empty key in RIS_FIELDS' order."""
    kw = {}
    get = raw.get
    for name, keys in _RIS_FIELD_KEYS:
        text = ""
        for key in keys:
            value = get(key)
            if value:
                text = value.strip() if type(value) is str else _as_text(value)
                if text:
                    break
        kw[name] = text
    return kw


def _from_ris(raw: dict, source: str, pos: int, line: int) -> Record:
    kw = _ris_fields(raw)
    doc_type = kw["document_type"]
    kw["document_type"] = RIS_TYPES.get(doc_type.upper(), doc_type.lower())
    kw["language"] = normalise_language(kw["language"])
    issn = kw["issn"]
    if len(issn) >= 10 and len(re.sub(r"[^0-9Xx]", "", issn)) in (10, 13):
        kw["isbn"], kw["issn"] = issn, ""
    urls = raw.get("urls")
    if not kw["database"] or kw["database"].islower():  # no name, or an EBSCO code ('ecn')
        kw["database"] = database_name(kw["database"], urls[0] if urls else "", kw["accession"])
    authors = raw.get("authors") or raw.get("first_authors") or []
    return Record(
        **kw,
        authors=[a for a in authors if a],
        year=parse_year(raw.get("year") or raw.get("publication_year") or raw.get("date")),
        pages=join_pages(raw.get("start_page"), raw.get("end_page")),
        doi=raw.get("doi") or "",
        keywords=split_keywords(raw.get("keywords")),
        url=urls[0] if urls else "",
        source_file=source, position=pos, line=line,
    )


def read_wos(text: str, source: str) -> tuple[list[Record], list[ImportProblem]]:
    """Read a Web of Science plain-text export (FN/VR header, PT ... ER records, EF)."""
    parser = rispy.WokParser(mapping={**WOK_TAG_KEY_MAPPING, "UK": "unknown_tag"},
                             list_tags=frozenset(WOK_LIST_TYPE_TAGS), ignore=frozenset(rispy.WokParser.DEFAULT_IGNORE))
    return _read_tagged(text, source, parser, "PT", "ER", _WOS_TAG, _from_wos)


def _from_wos(raw: dict, source: str, pos: int, line: int) -> Record:
    rec = Record(source_file=source, position=pos, line=line, database="Web of Science")
    for name, keys in WOS_FIELDS.items():
        setattr(rec, name, _first(raw, keys))
    rec.document_type = rec.document_type.lower()
    rec.authors = [a for a in (raw.get("author_full_name") or raw.get("authors") or []) if a]
    rec.year = parse_year(raw.get("publication_year") or raw.get("publication_date"))
    rec.isbn = _first(raw, ("isbn",))
    rec.pages = join_pages(raw.get("beginning_page"), raw.get("ending_page")) or _first(raw, ("article_number",))
    rec.doi = _first(raw, ("doi",))
    rec.keywords = split_keywords(_first(raw, ("author_keywords",)))
    rec.language = normalise_language(rec.language)
    rec.url = ""
    rec.accession = _first(raw, ("accession_number",))
    return rec
