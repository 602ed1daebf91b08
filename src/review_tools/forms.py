"""CSV forms that people fill in (appraisal and extraction): reading rows with their line numbers,
problems that name file, line and column, and templates that only ever add rows.

A form is edited in a spreadsheet, so it may come back with a byte-order mark (Excel's "CSV UTF-8"), extra
blank lines or columns in another order; all of that is accepted.  What is wrong is reported per row, so
one bad answer does not hide the rest of the file.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

import pandas as pd

from review_tools.atomic import atomic_write, locked
from review_tools.csv_cells import from_cell, safe_row
from review_tools.errors import Problem, ProblemsError


class FormError(ProblemsError):
    """Problems in a form file; the message lists every one with its file, line and column."""


def read_rows(path: Path) -> tuple[list[str], list[tuple[int, dict[str, str]]], list[Problem]]:
    """The header, the non-blank rows with their line numbers (cells stripped of surrounding spaces), and
    the rows that could not be read (more cells than columns: an unquoted comma), which are skipped.

    Raises :class:`FormError` for a file that is not UTF-8 text or has no header.
    """
    return _parse_rows(path, _read_text(path))


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FormError([Problem(str(path), None, "", f"not UTF-8 text ({exc.reason} at byte {exc.start}); "
                                 "save it as 'CSV UTF-8'")]) from None


def _parse_rows(path: Path, text: str) -> tuple[list[str], list[tuple[int, dict[str, str]]], list[Problem]]:
    reader = csv.reader(text.splitlines())
    header = [h.strip() for h in next(reader, [])]
    if not any(header):
        raise FormError([Problem(str(path), 1, "", "no header row")])
    rows = []
    problems = []
    for cells in reader:
        if not any(c.strip() for c in cells):
            continue
        line = reader.line_num
        if len(cells) > len(header):
            extra = [c for c in cells[len(header):] if c.strip()]
            if extra:
                problems.append(Problem(str(path), line, "", f"{len(cells)} cells but {len(header)} columns "
                                        "in the header (an unquoted comma?); the row is skipped"))
                continue
        rows.append((line, {h: (from_cell(cells[i].strip()) if i < len(cells) else "") for i, h in enumerate(header)
                            if h}))
    return header, rows, problems


def add_rows(path: Path, columns: Sequence[str], rows: Iterable[dict[str, str]], key: str = "record_id") -> int:
    """Add the rows whose ``key`` the file does not have yet; never change a row already there.

    The file is read and rewritten under its lock (a second writer waits) and atomically (temporary file
    renamed over it), so neither a concurrent writer nor an interrupted write loses a row.  Returns how
    many rows were added; raises :class:`FormError` for a file that is not UTF-8.
    """
    with locked(path):
        return _add_rows(path, columns, rows, key)


def _add_rows(path: Path, columns: Sequence[str], rows: Iterable[dict[str, str]], key: str) -> int:
    existing_text = _read_text(path) if path.exists() else ""
    header = columns
    have: set[str] = set()
    if existing_text.strip():
        header, old, _ = _parse_rows(path, existing_text)
        have = {row.get(key, "") for _, row in old}
    new = [r for r in rows if r.get(key) not in have]
    if not new:
        return 0
    with atomic_write(path, sync=True) as fh:
        if existing_text.strip():
            fh.write(existing_text if existing_text.endswith("\n") else existing_text + "\n")
        else:
            csv.writer(fh, lineterminator="\n").writerow(header)
        csv.DictWriter(fh, list(header), extrasaction="ignore", lineterminator="\n").writerows(
            safe_row(row) for row in new)
    return len(new)


def problems_table(problems: Iterable[Problem], where: str = "column") -> pd.DataFrame:
    """The problems of form files as a table for a report: file name, line, ``where`` (the column's
    heading), problem."""
    return pd.DataFrame([{"file": Path(p.file).name, "line": p.line or "", where: p.where, "problem": p.message}
                         for p in problems], columns=["file", "line", where, "problem"])


def unexpected_columns(file: str, header: Iterable[str], expected: Iterable[str], why: str) -> list[Problem]:
    """A problem on line 1 for each named column of a form's header that is not in ``expected``; ``why``
    says what such a column should have been and what happens to its cells."""
    allowed = set(expected)
    return [Problem(file, 1, column, f"not {why}") for column in header if column and column not in allowed]


def study_rows(file: str, rows: Iterable[tuple[int, dict[str, str]]], known: set[str] | None,
               problems: list[Problem], done: str) -> Iterator[tuple[int, str, dict[str, str]]]:
    """``(line, record_id, row)`` for each row that names a study once: an empty record id, a study not
    in ``known`` (when given) and a second row for the same study are added to ``problems`` and skipped;
    ``done`` says what the first row did ('rated', 'extracted')."""
    first_line: dict[str, int] = {}
    for line, row in rows:
        record_id = row.get("record_id", "")
        if not record_id:
            problems.append(Problem(file, line, "record_id", "empty; the row is skipped"))
        elif known is not None and record_id not in known:
            problems.append(Problem(file, line, "record_id", f"{record_id!r} is not an included study; "
                                    "the row is skipped"))
        elif record_id in first_line:
            problems.append(Problem(file, line, "record_id", f"{record_id!r} is already {done} on line "
                                    f"{first_line[record_id]}; this row is skipped (keep one row per study)"))
        else:
            first_line[record_id] = line
            yield line, record_id, row
