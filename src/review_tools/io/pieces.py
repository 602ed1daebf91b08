"""Cut an export file into pieces of whole records, so that a large export is read a piece at a time.

A 1,000,000-record export is about 2 GB of text; read whole, its bytes, its decoded text and its records
are all in memory at once (about 11 kB per record).  Read in pieces of :data:`PIECE_BYTES`, memory stays
the same whatever the file's size.  Each piece ends where the next record starts, found in the bytes by
the format's own record start: ``TY  -`` (RIS), ``PT`` (Web of Science), a blank line (MEDLINE, EndNote),
an ``@type{`` line (BibTeX), a ``<PubmedArticle>`` or ``<record>`` (XML), a ``Document N of M`` line
(ProQuest), a ``<N. >`` line (Ovid), or a row end that is outside any quoted cell (CSV).  The readers
(rispy, bibtexparser, the csv module) then parse each piece as they would a whole file.  No library does
this: they read a whole string or, for the csv module, lines of one known encoding.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable, Iterator
from typing import BinaryIO

from review_tools.io.problems import ImportFileError

PIECE_BYTES = 16 * 1024**2
MAX_RECORD_BYTES = 256 * 1024**2
_BIBTEX_START = re.compile(rb"[ \t]*@[ \t]*[A-Za-z]+[ \t]*[{(]")
_DOCUMENT = re.compile(rb"Document \d+ of \d+\s")
_OVID_START = re.compile(rb"<\d+\.?[ \t]*>[ \t]*\r?$", re.M)  # the reader's own record start, '<12>' or '<12. >'


def _last_marker(marker: bytes) -> Callable[[bytes, int], int]:
    """The start of the last line that begins with ``marker`` before ``end`` (0 if none)."""
    def find(buf: bytes, end: int) -> int:
        at = buf.rfind(b"\n" + marker, 0, end)
        return at + 1 if at >= 0 else 0
    return find


def _last_blank_line(buf: bytes, end: int) -> int:
    """MEDLINE: records are separated by blank lines; the start of the line after the last one."""
    at = max(buf.rfind(b"\n\n", 0, end), buf.rfind(b"\n\r\n", 0, end))
    if at < 0:
        return 0
    return at + (2 if buf[at + 1:at + 2] == b"\n" else 3)


def _last_line(pattern: re.Pattern[bytes], opening: bytes = b"") -> Callable[[bytes, int], int]:
    """The start of the last line before ``end`` that ``pattern`` matches (0 if none); ``opening``, the bytes
    every such line starts with, lets the search skip the other lines."""
    marker = b"\n" + opening

    def find(buf: bytes, end: int) -> int:
        at = buf.rfind(marker, 0, end)
        while at >= 0:
            if pattern.match(buf, at + 1):
                return at + 1
            at = buf.rfind(marker, 0, at)
        return 0
    return find


def _last_row_end(buf: bytes, end: int) -> int:
    """CSV: the start of the row after the last newline outside a quoted cell.  A piece starts at a row
    start, so a newline is a row end when the quotes before it in the piece are even in number."""
    at = buf.rfind(b"\n", 0, end)
    quotes = buf.count(b'"', 0, at) if at >= 0 else 0
    while at >= 0:
        if quotes % 2 == 0:
            return at + 1
        before = buf.rfind(b"\n", 0, at)
        quotes -= buf.count(b'"', max(before, 0), at)
        at = before
    return 0


def _last_element(*openings: bytes) -> Callable[[bytes, int], int]:
    """XML: the start of the last record element (the reader takes the records out of any piece)."""
    def find(buf: bytes, end: int) -> int:
        return max(0, *(buf.rfind(opening, 0, end) for opening in openings))
    return find


def _last_line_end(buf: bytes, end: int) -> int:
    return buf.rfind(b"\n", 0, end) + 1


BOUNDARIES: dict[str, Callable[[bytes, int], int]] = {
    "RIS": _last_marker(b"TY  - "),
    "Web of Science plain text": _last_marker(b"PT "),
    "MEDLINE": _last_blank_line,
    "EndNote tagged": _last_blank_line,
    "PubMed XML": _last_element(b"<PubmedArticle>", b"<PubmedBookArticle>"),
    "EndNote XML": _last_element(b"<record>"),
    "ProQuest text": _last_line(_DOCUMENT, b"Document "),
    "Ovid": _last_line(_OVID_START, b"<"),
    "BibTeX": _last_line(_BIBTEX_START),
    "Web of Science tab-delimited": _last_line_end,  # read without quoting: every newline ends a row
}


def boundary_for(fmt: str) -> Callable[[bytes, int], int]:
    """The function that finds the last record start in a buffer, for an export format."""
    return BOUNDARIES.get(fmt, _last_row_end)


def _after_text(buf: bytes, cut: int) -> int:
    """``cut``, or 0 when only blank lines (and a byte order mark) come before it: a piece holds a record."""
    head = buf[:min(cut, 4096)].removeprefix(codecs.BOM_UTF8)
    return cut if head.strip() or (cut > 4096 and buf[:cut].strip()) else 0


def pieces(fh: BinaryIO, head: bytes, fmt: str, source: str, piece_bytes: int = PIECE_BYTES) -> Iterator[bytes]:
    """The file's bytes in pieces of whole records, each about ``piece_bytes`` long (``head``, the first
    bytes, already read from ``fh``, a seekable file); raise :class:`ImportFileError` for a single record
    longer than :data:`MAX_RECORD_BYTES` (a file that is not an export of records).  Each piece is read
    from where the last one ended, so the bytes after a cut are read again rather than copied."""
    boundary = boundary_for(fmt)
    start = 0  # where ``buf`` starts in the file
    buf = head + fh.read(piece_bytes + 1 - len(head)) if len(head) <= piece_bytes else head
    while True:
        if len(buf) <= piece_bytes:  # the rest of the file
            if buf:
                yield buf
            return
        cut = _after_text(buf, boundary(buf, piece_bytes))
        while cut == 0:  # one record longer than a piece: read on until the next record starts
            if len(buf) > MAX_RECORD_BYTES:
                raise ImportFileError(f"{source}: a record longer than {MAX_RECORD_BYTES:,} bytes; not an export "
                                      f"of records, or its records do not start with what {fmt} starts them with")
            more = fh.read(piece_bytes)
            if not more:
                yield buf
                return
            buf += more
            cut = _after_text(buf, boundary(buf, len(buf)))
        yield buf[:cut]
        start += cut
        fh.seek(start)
        buf = fh.read(piece_bytes + 1)
