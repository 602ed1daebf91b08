"""BibTeX exports and reference-manager libraries, parsed with bibtexparser v2.

@string macros are resolved by bibtexparser; LaTeX is decoded here, field by field, because bibtexparser's
decoding middleware reads every bare '%' as a comment and every '&' as a table column: exports write them
bare (Scopus: 'R&D', URLs with '%2f' and '&doi='), so 'R&D' became 'R D' and URLs were cut.  URL, DOI and
file fields are only unescaped ('\\&' -> '&'); other fields are decoded with pylatexenc where they hold
LaTeX, with bare '%' and '&' kept as characters.  A block that fails to parse is reported with its line and
the rest of the file is imported.  An entry whose key repeats
an earlier one is still imported (with a warning): a duplicate key is the library's problem, not a reason
to lose a record.
"""

from __future__ import annotations

import logging
import re

import bibtexparser
from bibtexparser import middlewares as mw
from bibtexparser.model import DuplicateBlockKeyBlock, Entry

from review_tools.io.cleaning import latex_text
from review_tools.io.problems import ImportProblem
from review_tools.io.sources import database_name
from review_tools.records import Record, normalise_language, parse_year, split_keywords

TYPES = {
    "article": "article", "book": "book", "inbook": "book chapter", "incollection": "book chapter",
    "inproceedings": "conference paper", "conference": "conference paper", "proceedings": "book",
    "phdthesis": "thesis", "mastersthesis": "thesis", "thesis": "thesis", "techreport": "report",
    "report": "report", "misc": "other", "online": "web page", "unpublished": "other",
}
# Record field -> BibTeX fields tried in order
FIELDS = {
    "title": ("title",), "abstract": ("abstract",), "journal": ("journal", "journaltitle", "booktitle", "series",
                                                                "publisher"),
    "volume": ("volume",), "issue": ("number", "issue"), "pages": ("pages",), "doi": ("doi",), "issn": ("issn",),
    "isbn": ("isbn",), "url": ("url",), "accession": ("unique-id", "eid", "pmid"),
}
SPECIAL = {
    "authors": "author, else editor; split at 'and'",
    "year": "year, else date",
    "keywords": "keywords, keyword or mesh; split at ';', else at ','",
    "language": "language, else langid",
    "document_type": "the entry type (@article -> article, @inproceedings -> conference paper ...)",
    "database": "source (Scopus writes 'Scopus'); else Web of Science for a WOS:/ISI: unique-id; else the url's host",
}
_BRACES = re.compile(r"[{}]")
_COMMAND = re.compile(r"\\[A-Za-z]+|\\[\"'`^~=.&%$#_{}]|\$|~|--")
_ESCAPED = re.compile(r"\\([&%$#_{}])")
RAW_FIELDS = frozenset({"url", "doi", "file", "eprint", "howpublished", "unique-id", "eid", "pmid", "isbn", "issn"})


def decode(value: str, field: str = "") -> str:
    """A field's text: LaTeX decoded to Unicode (bare '%' and '&' kept), or for URL-like fields only the
    escapes removed.  The common cases (escaped characters, '--', '~', \\textless) are replaced directly;
    pylatexenc, which takes milliseconds per abstract, only sees what is left of real LaTeX."""
    if field in RAW_FIELDS:
        return _ESCAPED.sub(r"\1", value)
    if not _COMMAND.search(value):
        return value
    if not _REAL_LATEX.search(value):
        return _ESCAPED.sub(r"\1", _SIMPLE.sub(lambda m: _SIMPLE_TEXT[m.group(0)], value))
    return latex_text(value)


_SIMPLE_TEXT = {"---": "\u2014", "--": "\u2013", "~": "\u00a0", "\\textless": "<", "\\textgreater": ">",
                "\\textless{}": "<", "\\textgreater{}": ">", "\\textbackslash": "\\", "\\textbackslash{}": "\\"}
# LaTeX that needs pylatexenc: a command other than the three replaced directly, an accent, math
_REAL_LATEX = re.compile(r"\\(?!text(?:less|greater|backslash)(?![A-Za-z]))[A-Za-z]|\\[\"'`^~=.]|(?<!\\)\$")
_SIMPLE = re.compile("|".join(re.escape(k) for k in sorted(_SIMPLE_TEXT, key=len, reverse=True)))


def _clean(value: object, field: str = "") -> str:
    return " ".join(_BRACES.sub("", decode(str(value), field)).split()) if value is not None else ""


class BibtexReader:
    """Reads a BibTeX file whole or piece by piece (:mod:`.pieces`): each piece is parsed with the
    @string macros of the pieces before it (their text is put in front, and the line numbers corrected),
    and an entry key that an earlier piece used is reported as in a whole file."""

    def __init__(self, source: str) -> None:
        self.source = source
        self._strings: list[str] = []
        self._keys: set[str] = set()

    def read(self, text: str) -> tuple[list[Record], list[ImportProblem]]:
        source = self.source
        prefix = "".join(f"{raw}\n" for raw in self._strings)
        shift = prefix.count("\n")
        splitter_log = logging.getLogger("bibtexparser.splitter")
        level = splitter_log.level
        splitter_log.setLevel(logging.ERROR)  # its warnings about broken blocks are reported as problems below
        try:
            library = bibtexparser.parse_string(prefix + text, append_middleware=[mw.SeparateCoAuthors()])
        finally:
            splitter_log.setLevel(level)
        problems: list[ImportProblem] = []
        entries: list[tuple[Entry, str | None]] = [(e, None) for e in library.entries]
        found = _first_lines(prefix + text, library.blocks)

        def line_of(block) -> int:
            return found.get(id(block), (block.start_line or 0) + 1) - shift

        for block in library.failed_blocks:
            line = line_of(block)
            recovered = block.ignore_error_block
            if isinstance(block, DuplicateBlockKeyBlock) and isinstance(recovered, Entry):
                found[id(recovered)] = line + shift
                entries.append((recovered, f"entry key '{block.key}' is used twice; both entries imported"))
            elif line > 0:
                raw = (block.raw or "").strip().splitlines()
                head = raw[0][:60] if raw else ""
                why = getattr(block.error, "abort_reason", None) or str(block.error) or type(block.error).__name__
                problems.append(ImportProblem(source, line, None, f"cannot parse block {head!r}: {why}",
                                              skipped=True))
        self._strings.extend(block.raw for block in library.strings if (block.start_line or 0) >= shift)
        entries.sort(key=lambda pair: line_of(pair[0]))
        records = []
        for pos, (entry, warning) in enumerate(entries, 1):
            line = line_of(entry)
            if warning is None and entry.key in self._keys:
                warning = f"entry key '{entry.key}' is used twice; both entries imported"
            self._keys.add(entry.key)
            if warning:
                problems.append(ImportProblem(source, line, pos, warning))
            records.append(_from_entry(entry, source, pos, line))
        return records, problems


def _first_lines(text: str, blocks: list) -> dict[int, int]:
    """Each block's first line, found from where its text is: bibtexparser's own ``start_line`` loses a
    line at every line that ends in a backslash (``{\\TUB\\`` in TUGboat's bibliography)."""
    out: dict[int, int] = {}
    cursor, line = 0, 1
    for block in blocks:
        at = text.find(block.raw, cursor) if block.raw else -1
        if at >= 0:
            line += text.count("\n", cursor, at)
            cursor = at
            out[id(block)] = line
    return out


def read_bibtex(text: str, source: str) -> tuple[list[Record], list[ImportProblem]]:
    return BibtexReader(source).read(text)


def _keywords(value: str) -> list[str]:
    """Keywords separated by ';' (Zotero, our writer) or else by ',' (JabRef, biblatex)."""
    return split_keywords(value, ";" if ";" in value else ",")


def _from_entry(entry: Entry, source: str, pos: int, line: int) -> Record:
    f = {k.lower(): v for k, v in entry.items()}

    def get(*keys: str) -> str:
        for key in keys:
            if f.get(key):
                return _clean(f[key], key)
        return ""

    authors = f.get("author") or f.get("editor") or []
    if isinstance(authors, str):
        authors = [a.strip() for a in re.split(r"\s+and\s+", authors, flags=re.IGNORECASE)]
    kw = {name: get(*keys) for name, keys in FIELDS.items()}
    return Record(
        **kw,
        authors=[_clean(a) for a in authors if _clean(a)],
        year=parse_year(get("year") or get("date")),
        keywords=_keywords(get("keywords", "keyword", "mesh")),
        language=normalise_language(get("language", "langid")),
        document_type=TYPES.get(entry.entry_type.lower(), entry.entry_type.lower()),
        database=database_name(get("source") if len(get("source")) <= 60 else "", get("url"),
                               get("unique-id")),
        source_file=source,
        position=pos,
        line=line,
    )

