"""Decisions made in other tools, brought into the decision log: Rayyan CSV exports and ASReview exports.

Both exports carry the records too; each row is read with the normal importer, so it gets the same stable
id as the work in the review's record set, and its decision attaches to that work.  A row whose work is
not in the record set is returned, not dropped silently.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Mapping, Sequence
from pathlib import Path

from review_tools.io.importer import import_file
from review_tools.records import Record
from review_tools.screening import EXCLUDE, INCLUDE, MAYBE, Decision, ScreeningError, now

_RAYYAN_INCLUSION = re.compile(r"RAYYAN-INCLUSION:\s*\{([^}]*)\}")
_RAYYAN_PAIR = re.compile(r'"([^"]+)"\s*=>\s*"([^"]+)"')
_RAYYAN_REASONS = re.compile(r"RAYYAN-EXCLUSION-REASONS:\s*([^|]*)")
_RAYYAN_VERDICT = {"included": INCLUDE, "excluded": EXCLUDE, "maybe": MAYBE, "undecided": None}
LABEL_COLUMNS = ("label_included", "included", "asreview_label", "label", "label_abstract_screening")


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def _reviewer(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name.strip()).strip("_") or "reviewer"


def import_rayyan(path: str | Path, records: Sequence[Record], stage: str,
                  reason_map: Mapping[str, str]) -> tuple[list[Decision], list[str]]:
    """Decisions from a Rayyan CSV export (the ``notes`` column's ``RAYYAN-INCLUSION`` and
    ``RAYYAN-EXCLUSION-REASONS``).  ``reason_map`` maps Rayyan's free-text reasons to criterion codes; a
    reason missing from it is an error naming the reason and line.  Returns the decisions and the titles of
    rows whose work is not in ``records``."""
    path = Path(path)
    imported = import_file(path)
    rows = _rows(path)
    known = {r.id for r in records}
    decisions, missing = [], []
    stamp = now()
    for rec in imported.records:
        row = rows[rec.position - 1]
        notes = row.get("notes", "")
        inclusion = _RAYYAN_INCLUSION.search(notes)
        if not inclusion:
            continue
        if rec.id not in known:
            missing.append(rec.title)
            continue
        reasons_text = _RAYYAN_REASONS.search(notes)
        reasons = [r.strip() for r in reasons_text.group(1).split(",") if r.strip()] if reasons_text else []
        unmapped = [r for r in reasons if r not in reason_map]
        if unmapped:
            raise ScreeningError(f"{path}:{rec.line}: Rayyan exclusion reason(s) {', '.join(map(repr, unmapped))} "
                                 "have no criterion code in the reason map")
        codes = tuple(dict.fromkeys(reason_map[r] for r in reasons))
        for name, verdict in _RAYYAN_PAIR.findall(inclusion.group(1)):
            decision = _RAYYAN_VERDICT.get(verdict.strip().lower())
            if decision is None:
                continue
            decisions.append(Decision(rec.id, stage, _reviewer(name), decision,
                                      codes if decision == EXCLUDE else (), "imported from Rayyan", stamp,
                                      "import:rayyan"))
    return decisions, missing


def import_asreview(path: str | Path, records: Sequence[Record], stage: str, reviewer: str,
                    exclusion_code: str) -> tuple[list[Decision], list[str]]:
    """Decisions from an ASReview export (or any labelled dataset): label 1 is include, 0 exclude (with
    ``exclusion_code``, as ASReview records no reasons), blank not screened.  Returns the decisions and
    the titles of rows whose work is not in ``records``."""
    path = Path(path)
    imported = import_file(path)
    rows = _rows(path) if imported.format.endswith("CSV") else []
    column = next((c for c in LABEL_COLUMNS if rows and c in rows[0]), None)
    if column is None:
        raise ScreeningError(f"{path}: no label column ({', '.join(LABEL_COLUMNS)})")
    known = {r.id for r in records}
    decisions, missing = [], []
    stamp = now()
    for rec in imported.records:
        value = (rows[rec.position - 1].get(column) or "").strip()
        if value == "":
            continue
        if value not in ("0", "1", "0.0", "1.0"):
            raise ScreeningError(f"{path}:{rec.line}: label {value!r} in {column} is not 0, 1 or blank")
        if rec.id not in known:
            missing.append(rec.title)
            continue
        include = value.startswith("1")
        decisions.append(Decision(rec.id, stage, reviewer, INCLUDE if include else EXCLUDE,
                                  () if include else (exclusion_code,), "imported from ASReview", stamp,
                                  "import:asreview"))
    return decisions, missing
