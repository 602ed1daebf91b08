"""Data extraction: the protocol's extraction form filled in per included study, read and checked.

The form lives in ``review/extraction/extraction.csv``: ``record_id``, an optional ``study`` label, and one
column per field of the protocol's form.  Values are checked against the field's type (integer, number,
yes/no, one choice, several choices separated by ';') and required fields must be filled.  A bad value is
reported with file, line and column and left empty; the rest of the row and file is read.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from review_tools.errors import Problem
from review_tools.forms import FormError, add_rows, read_rows, study_rows, unexpected_columns
from review_tools.protocol import ExtractionField, Protocol

Value = str | int | float | bool | tuple[str, ...]
META_COLUMNS = ("record_id", "study")
_BOOLEAN = {"yes": True, "true": True, "1": True, "no": False, "false": False, "0": False}


def read_extraction(path: str | Path, protocol: Protocol, record_ids: Iterable[str] | None = None
                    ) -> tuple[dict[str, dict[str, Value]], list[Problem]]:
    """``{record_id: {field: value}}`` for the rows of the extraction file and every problem found.

    Multi-choice values are tuples in the form's choice order; a field left empty is absent."""
    path = Path(path)
    if not path.exists():
        return {}, []
    name = str(path)
    try:
        header, rows, unreadable = read_rows(path)
    except FormError as exc:
        return {}, exc.problems
    fields = {f.name: f for f in protocol.extraction.fields}
    problems: list[Problem] = list(unreadable)
    if "record_id" not in header:
        return {}, [*problems, Problem(name, 1, "", "no record_id column; the file is skipped")]
    problems += unexpected_columns(name, header, (*META_COLUMNS, *fields), "a field of the protocol's extraction "
                                   f"form (fields: {', '.join(fields)}); its values are ignored")
    known = set(record_ids) if record_ids is not None else None
    out: dict[str, dict[str, Value]] = {}
    for line, record_id, row in study_rows(name, rows, known, problems, "extracted"):
        if not any(row.get(f) for f in fields):
            continue  # a template row not filled in yet: the study is not extracted
        values: dict[str, Value] = {}
        for fname, spec in fields.items():
            raw = row.get(fname, "")
            if not raw:
                if spec.required:
                    problems.append(Problem(name, line, fname, "required, but empty"))
                continue
            value, error = parse_value(raw, spec)
            if error:
                problems.append(Problem(name, line, fname, f"{error}; left empty"))
            else:
                values[fname] = value
        out[record_id] = values
    return out, problems


def parse_value(raw: str, spec: ExtractionField) -> tuple[Value, str]:
    """The typed value of one cell, or an error message."""
    if spec.type == "integer":
        try:
            return int(raw), ""
        except ValueError:
            return "", f"{raw!r} is not a whole number"
    if spec.type == "number":
        try:
            return float(raw), ""
        except ValueError:
            return "", f"{raw!r} is not a number (use a decimal point)"
    if spec.type == "boolean":
        key = raw.casefold()
        return (_BOOLEAN[key], "") if key in _BOOLEAN else ("", f"{raw!r} is not yes or no")
    if spec.type in ("choice", "multichoice"):
        canon = {c.casefold(): c for c in spec.choices}
        parts = [p.strip() for p in raw.split(";") if p.strip()] if spec.type == "multichoice" else [raw]
        off = [p for p in parts if p.casefold() not in canon]
        if off:
            return "", f"{', '.join(map(repr, off))} not among the choices ({'; '.join(spec.choices)})"
        chosen = {canon[p.casefold()] for p in parts}
        if spec.type == "choice":
            return canon[raw.casefold()], ""
        return tuple(c for c in spec.choices if c in chosen), ""
    return raw, ""


def write_template(path: str | Path, protocol: Protocol, studies: Mapping[str, str]) -> int:
    """Add an empty row for each study (``{record_id: label}``) the file does not have yet; rows already
    there are never changed.  Returns how many were added."""
    columns = ["record_id", "study", *(f.name for f in protocol.extraction.fields)]
    return add_rows(Path(path), columns, [{"record_id": r, "study": label} for r, label in studies.items()])
