"""Import one export file, or every export of a review: detect format and encoding, read, check, id.

Format is decided by the content (the extension is only a hint, and a mismatch is reported): an export
saved as ``.txt`` is read as what it is.  After reading, every record is checked (missing title, a DOI
that is not one, an oversized abstract) and given its stable id.
"""

from __future__ import annotations

import codecs
import csv
import gc
import os
import re
import stat
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import BinaryIO

from review_tools.i18n import tr
from review_tools.io import (
    bibtex,
    endnote,
    endnote_xml,
    json_records,
    medline,
    ovid,
    proquest,
    pubmed_xml,
    tabular,
    tagged,
    zotero_rdf,
)
from review_tools.io.cleaning import clean_record
from review_tools.io.encoding import decode, wide
from review_tools.io.pieces import PIECE_BYTES, pieces
from review_tools.io.problems import ImportFileError, ImportProblem, ImportResult
from review_tools.records import IdAssigner, Record, normalise_doi, normalise_pages

MAX_ABSTRACT = 100_000
MAX_FILE_BYTES = 2 * 1024**3
EXTENSIONS = {
    ".ris": "RIS", ".bib": "BibTeX", ".nbib": "MEDLINE", ".medline": "MEDLINE", ".csv": "CSV",
    ".tsv": "CSV", ".xlsx": "XLSX", ".xls": "XLS", ".isi": "Web of Science plain text", ".enw": "EndNote tagged",
    ".json": "JSON", ".rdf": "Zotero RDF",
}
_RIS = re.compile(r"^TY  - ", re.MULTILINE)
_WOS = re.compile(r"^(?:FN |PT [A-Z]\s*$)", re.MULTILINE)
_MEDLINE = re.compile(r"^(?:PMID|OWN |STAT|FAU |DP  )- ", re.MULTILINE)
_BIBTEX = re.compile(r"^\s*@\s*[A-Za-z]+\s*[{(]", re.MULTILINE)
_ENDNOTE = re.compile(r"^%[0ATDJBKX] \S", re.MULTILINE)
_ENDNOTE_TAG = re.compile(r"%\S ")


# Formats told by a sign of their own anywhere in the first 20 kB, tried in this order (XML, ProQuest's report
# and JSON before RIS and MEDLINE, whose tags an abstract inside them could hold)
_SIGNATURES: tuple[tuple[str, Callable[[str], object]], ...] = (
    ("Zotero RDF", zotero_rdf.is_zotero_rdf), ("PubMed XML", pubmed_xml.is_pubmed_xml),
    ("EndNote XML", endnote_xml.is_endnote_xml),
    ("ProQuest text", proquest.is_proquest), ("JSON", json_records.is_json_export), ("RIS", _RIS.search),
    ("Ovid", ovid.is_ovid), ("MEDLINE", _MEDLINE.search),
)
_READERS: dict[str, Callable[[str, str], tuple[list[Record], list[ImportProblem]]]] = {
    "RIS": tagged.read_ris, "Web of Science plain text": tagged.read_wos, "MEDLINE": medline.read_medline,
    "EndNote tagged": endnote.read_endnote, "PubMed XML": pubmed_xml.read_pubmed_xml,
    "EndNote XML": endnote_xml.read_endnote_xml, "ProQuest text": proquest.read_proquest, "Ovid": ovid.read_ovid,
    "JSON": json_records.read_json, "Zotero RDF": zotero_rdf.read_zotero_rdf,
}


def _endnote(head: str) -> bool:
    """EndNote tagged: at least two lines of its main tags, and tag lines at least half of the lines
    (a line of other text before the records, or an abstract's continuation lines, do not change that)."""
    lines = [line for line in head.splitlines() if line.strip()]
    tagged = sum(1 for line in lines if _ENDNOTE_TAG.match(line))
    return len(_ENDNOTE.findall(head)) >= 2 and 2 * tagged >= len(lines)


def detect_format(text: str) -> str | None:
    """The export format from the text's first 20 kB, or None.  A header row with a title column makes
    a CSV even when a cell further down starts with '@' (a title such as '@Home care ...')."""
    head = text[:20_000]
    first = head.lstrip("\ufeff").split("\n", 1)[0]
    if first.startswith("PT\tAU\t") or (first.count("\t") > 5 and "\tTI\t" in first and "\tUT" in first):
        return "Web of Science tab-delimited"
    signed = next((fmt for fmt, signs in _SIGNATURES if signs(head)), None)
    if signed:
        return signed
    if _WOS.search(head) and re.search(r"^ER\s*$", head, re.MULTILINE):
        return "Web of Science plain text"
    low = first.lower()
    csv_header = any(sep in first for sep in (",", ";", "\t")) and not first.lstrip().startswith(("@", "{", "[")) \
        and re.search(r"\btitle\b|\bti\b|\bdisplay_name\b", low)
    if not csv_header and _endnote(head):
        return "EndNote tagged"
    if not csv_header and _BIBTEX.search(head):
        return "BibTeX"
    if csv_header:
        delimiter = tabular.sniff_delimiter(first)
        layout = tabular.layout_of(next(csv.reader([first], delimiter=delimiter), []))
        return layout.format if layout else "CSV"
    return None


def _check(records: list[Record], source: str, problems: list[ImportProblem]) -> int:
    """Clean every record (:mod:`.cleaning`) and check it; the number of placeholder values read as empty."""
    placeholders = 0
    for rec in records:
        placeholders += clean_record(rec)
        rec.pages = normalise_pages(rec.pages)
        if rec.doi:
            doi = normalise_doi(rec.doi)
            if not doi:
                problems.append(ImportProblem(source, rec.line, rec.position,
                                              tr("DOI {doi} is not a DOI; dropped", doi=repr(rec.doi[:80]))))
            rec.doi = doi
        if not rec.title:
            problems.append(ImportProblem(source, rec.line, rec.position, tr("record has no title")))
        if len(rec.abstract) > MAX_ABSTRACT:
            problems.append(ImportProblem(
                source, rec.line, rec.position,
                tr("abstract is {n} characters (limit {limit}); cut to the limit", n=len(rec.abstract),
                   limit=MAX_ABSTRACT)))
            rec.abstract = rec.abstract[:MAX_ABSTRACT]
    return placeholders


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Switch Python's cyclic garbage collector off while a file is read, and back on after.

    Reading makes tens of thousands of records, dicts and lists that all stay alive and hold no reference
    cycles, so each automatic collection walks them again for nothing: for 19,738 RIS records that was a
    fifth of the import (1.05 s with the collector on, 0.84 s paused, measured in one process, alternating).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def open_export(path: Path) -> BinaryIO:
    """The export opened for reading, refusing folders, devices and pipes with an error that says so
    (instead of a traceback, or reading /dev/zero until memory runs out)."""
    source = str(path)
    try:
        info = path.stat()
    except FileNotFoundError:
        raise ImportFileError(f"{source}: file not found") from None
    except OSError as exc:
        raise ImportFileError(f"{source}: cannot be read ({exc.strerror})") from None
    if stat.S_ISDIR(info.st_mode):
        raise ImportFileError(f"{source}: is a folder; give the export files in it (or the folder's files)")
    if not stat.S_ISREG(info.st_mode):
        raise ImportFileError(f"{source}: not a regular file (a device or pipe)")
    try:
        return path.open("rb")
    except OSError as exc:
        raise ImportFileError(f"{source}: cannot be read ({exc.strerror})") from None


def read_bounded(path: Path, limit: int | None = None) -> bytes:
    """A file's bytes, refusing folders, devices and files over ``limit`` bytes (MAX_FILE_BYTES): for
    what must be read whole (UTF-16 exports)."""
    source = str(path)
    limit = MAX_FILE_BYTES if limit is None else limit
    with open_export(path) as fh:
        size = os.fstat(fh.fileno()).st_size
        if size > limit:
            raise ImportFileError(f"{source}: {size:,} bytes, more than the {limit:,} an export can have")
        data = _read(fh, limit + 1, source)
    if len(data) > limit:
        raise ImportFileError(f"{source}: more than {limit:,} bytes")
    return data


def _located(damage: list[tuple[int, str]], records: list[Record], source: str) -> list[ImportProblem]:
    """Decoding damage as warnings on the records whose lines hold it."""
    if not damage:
        return []
    starts = [(r.line or 0, r.position) for r in records]
    out = []
    for line, what in damage:
        position = None
        for start, pos in starts:
            if start <= line:
                position = pos
            else:
                break
        out.append(ImportProblem(source, line or None, position, what))
    return out


def _read_text(text: str, fmt: str, source: str, mapping: Mapping[str, str] | None,
               bib: bibtex.BibtexReader) -> tuple[list[Record], list[ImportProblem]]:
    if fmt == "BibTeX":
        return bib.read(text)
    reader = _READERS.get(fmt)
    return reader(text, source) if reader else tabular.read_csv(text, source, mapping, fmt)


def _format_of(text: str, source: str, mapping: Mapping[str, str] | None) -> str:
    fmt = detect_format(text)
    if fmt is None and mapping and any(sep in text.split("\n", 1)[0] for sep in (",", ";", "\t")):
        fmt = "CSV"  # the user's column mapping says which column holds the title
    if fmt is None:
        raise ImportFileError(f"{source}: not a recognised export (RIS, BibTeX, MEDLINE, Web of Science, "
                              "EndNote tagged or XML, PubMed XML, Ovid, ProQuest text, CSL or Publish or Perish JSON, "
                              "Zotero RDF, CSV/TSV with a title column, XLSX, XLS)")
    return fmt


class _Reading:
    """One file read piece by piece: line numbers and record positions of each piece moved to where
    the piece sits in the file, records checked, given ids and handed on, problems kept."""

    def __init__(self, source: str, database: str, ids: IdAssigner, sink: Callable[[list[Record]], None] | None):
        self.source, self.database, self.ids, self.sink = source, database, ids, sink
        self.records: list[Record] = []
        self.problems: list[ImportProblem] = []
        self.count = self.placeholders = 0
        self.lines = self.positions = 0
        self.last: Record | None = None
        self.once = False  # the once-per-file warning was given

    def add(self, records: list[Record], problems: list[ImportProblem], damage: list[tuple[int, str]],
            line_shift: int = 0) -> None:
        """A piece's results; ``lines`` (the lines of the pieces before) plus ``line_shift`` is added to
        its line numbers."""
        shift, base = self.lines + line_shift, self.positions
        if shift or base:
            for rec in records:
                rec.line = rec.line + shift if rec.line else rec.line
                rec.position += base
            problems = [replace(p, line=p.line + shift if p.line else p.line,
                                record=p.record + base if p.record else p.record) for p in problems]
            damage = [(line + shift if line else line, what) for line, what in damage]
        self.positions = max(base, records[-1].position if records else 0,
                             max((p.record or 0 for p in problems), default=0))
        if self.once:
            problems = [p for p in problems if not tagged.reported_once(p)]
        self.once = self.once or any(map(tagged.reported_once, problems))
        self.problems.extend(problems)
        self.problems.extend(_located(damage, records, self.source))
        for rec in records:
            rec.database = self.database or rec.database
        self.placeholders += _check(records, self.source, self.problems)
        self.ids.assign(records)
        self.count += len(records)
        if records:
            self.last = records[-1]
        if self.sink is None:
            self.records.extend(records)
        elif records:
            self.sink(records)


@_collector_paused()
def import_file(path: str | Path, *, database: str = "", mapping: Mapping[str, str] | None = None,
                sink: Callable[[list[Record]], None] | None = None, ids: IdAssigner | None = None,
                piece_bytes: int = PIECE_BYTES) -> ImportResult:
    """Read one export; raise :class:`ImportFileError` only when nothing in the file can be read.

    A file larger than ``piece_bytes`` is read in pieces of whole records (:mod:`.pieces`).  With a
    ``sink``, each piece's records are handed to it and not kept (the result then counts them), so a
    file of any size is imported in the memory of one piece.  ``ids`` gives ids unique across several
    files (one assigner for all of them); by default they are unique within the file."""
    path = Path(path)
    source = str(path)
    reading = _Reading(source, database, ids or IdAssigner(), sink)
    hint = EXTENSIONS.get(path.suffix.lower())
    text = ""
    with open_export(path) as fh:
        head = _read(fh, max(piece_bytes, _FORMAT_HEAD), source)  # the format is told from the first 20 kB
        workbook = _WORKBOOKS.get(head[:4])
        if workbook is not None:
            fmt, encoding = workbook, f"binary ({workbook})"
            read_sheet = tabular.read_xlsx if workbook == "XLSX" else tabular.read_xls
            for records, problems in read_sheet(path, source, mapping):
                reading.add(records, problems, [])
        else:
            utf16 = wide(head)
            if utf16:  # UTF-16 is read whole: databases write it only for small exports
                head = read_bounded(path)
            whole = utf16 or len(head) < max(piece_bytes, _FORMAT_HEAD)
            start = decode(head if whole else head[:_FORMAT_HEAD], source)
            fmt, encoding = _format_of(start.text, source, mapping), start.encoding
            if fmt in _WHOLE and not whole:  # one array, or items naming their journals: not cut into pieces
                head, whole = read_bounded(path), True
                start = decode(head, source)
            bib = bibtex.BibtexReader(source)
            header, shift = b"", 0
            for n, piece in enumerate([head] if whole else pieces(fh, head, fmt, source, piece_bytes)):
                if n:  # the last piece's lines, counted only now: a file read whole is not counted at all
                    reading.lines += text.count("\n") + shift
                if n == 0:
                    decoded = start if whole else decode(piece, source)
                    encoding = decoded.encoding
                    if fmt not in _NO_HEADER:
                        header = piece[:piece.find(b"\n") + 1].removeprefix(codecs.BOM_UTF8)
                else:
                    decoded = decode(header + piece, source, start=False)
                text = decoded.text
                records, problems = _read_text(text, fmt, source, mapping, bib)
                shift = -1 if n and header else 0  # a later CSV piece is read with the header row put back
                reading.add(records, problems, decoded.damage, shift)
    if hint and not (hint == fmt or (hint == "CSV" and fmt.endswith(("CSV", "tab-delimited")))):
        reading.problems.insert(0, ImportProblem(source, None, None, tr(
            "extension {ext} suggests {hint}, but the content is {fmt}; read as {fmt}", ext=path.suffix, hint=hint,
            fmt=fmt)))
    if not reading.count and not any(p.skipped for p in reading.problems):
        raise ImportFileError(f"{source}: {fmt} file with no records")
    if text and not text.endswith("\n") and reading.last is not None and fmt not in _ENDS_ANYWHERE:
        last = reading.last
        reading.problems.append(ImportProblem(source, last.line, last.position, tr(
            "the file ends in the middle of a line: it may have been cut off; check this last record")))
    return ImportResult(source, fmt, encoding, reading.records, reading.problems, reading.placeholders,
                        streamed=reading.count - len(reading.records))


_FORMAT_HEAD = 20_000
_WORKBOOKS = {b"PK\x03\x04": "XLSX", b"\xd0\xcf\x11\xe0": "XLS"}  # a zip (XLSX), an OLE2 compound file (XLS)
_XML = frozenset({"PubMed XML", "EndNote XML", "Zotero RDF"})
_WHOLE = frozenset({"JSON", "Zotero RDF"})
_ENDS_ANYWHERE = frozenset({"BibTeX", "JSON", *_XML})  # formats whose last line need not end in a newline
_NO_HEADER = frozenset({"RIS", "Web of Science plain text", "MEDLINE", "BibTeX", "EndNote tagged", "ProQuest text",
                        "Ovid", "JSON", *_XML})


def _read(fh: BinaryIO, size: int, source: str) -> bytes:
    try:
        return fh.read(size)
    except OSError as exc:
        raise ImportFileError(f"{source}: cannot be read ({exc.strerror})") from None
