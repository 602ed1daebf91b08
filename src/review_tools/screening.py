"""Screening decisions: an append-only log per reviewer and stage, automatic criteria, agreement, carry-over.

Decisions live in ``review/screening/<stage>__<reviewer>.csv``, one row per decision, never rewritten:
a changed mind is a new row, and the latest row for a record wins.  New rows are appended under the
file's lock with one write and fsync (:func:`review_tools.atomic.append_lines`), so two processes saving
decisions to one file at once (two notebook kernels, two terminals) both keep every row, and a killed
writer never leaves a half row that a later row runs into.  A file saved by Excel (UTF-8 with a BOM,
CRLF line ends) reads the same.  Reason codes are the protocol's criterion codes valid at the stage.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from sklearn.metrics import cohen_kappa_score

from review_tools.atomic import append_lines
from review_tools.csv_cells import from_cell, safe_row
from review_tools.errors import ReviewToolsError
from review_tools.i18n import message
from review_tools.protocol import STAGES, Protocol
from review_tools.records import Record

INCLUDE, EXCLUDE, MAYBE = "include", "exclude", "maybe"
DECISIONS = (INCLUDE, EXCLUDE, MAYBE)
# A row that takes a reviewer's decision back (the app's undo): the record is undecided again.  The log stays
# append-only: the undone decision and its undoing are both on file.
UNDECIDED = "undecided"
RECORDED = (*DECISIONS, UNDECIDED)
AUTOMATIC = "automatic"
RESOLVERS = ("consensus",)  # who resolves the reviewers' conflicts: a third reviewer or a consensus meeting
COLUMNS = ("record_id", "stage", "reviewer", "decision", "reasons", "note", "timestamp", "source")
_REVIEWER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


class ScreeningError(ReviewToolsError):
    """A decision that cannot be recorded or a decision file that cannot be read."""


@dataclass(frozen=True)
class Decision:
    record_id: str
    stage: str
    reviewer: str
    decision: str
    reasons: tuple[str, ...] = ()
    note: str = ""
    timestamp: str = ""
    source: str = "manual"

    def row(self) -> dict[str, str]:
        return {"record_id": self.record_id, "stage": self.stage, "reviewer": self.reviewer,
                "decision": self.decision, "reasons": ";".join(self.reasons), "note": self.note,
                "timestamp": self.timestamp, "source": self.source}


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")


class DecisionLog:
    """The decisions of one review folder, checked against the protocol and (optionally) the records."""

    def __init__(self, directory: str | Path, protocol: Protocol, record_ids: Iterable[str] | None = None):
        self.directory = Path(directory)
        self.protocol = protocol
        self.record_ids = set(record_ids) if record_ids is not None else None

    def path(self, stage: str, reviewer: str) -> Path:
        return self.directory / f"{stage}__{reviewer}.csv"

    def validate(self, d: Decision) -> None:
        """Raise :class:`ScreeningError` saying what is wrong with a decision."""
        if d.stage not in STAGES:
            raise ScreeningError(f"stage {d.stage!r} is not one of {', '.join(STAGES)}")
        if not _REVIEWER.match(d.reviewer):
            raise ScreeningError(f"reviewer name {d.reviewer!r}: use letters, digits, '_', '-' or '.'")
        if d.decision not in RECORDED:
            raise ScreeningError(f"decision {d.decision!r} is not one of {', '.join(RECORDED)}")
        if d.decision == UNDECIDED and d.reasons:
            raise ScreeningError(f"undoing the decision on {d.record_id} takes no reason code")
        if self.record_ids is not None and d.record_id not in self.record_ids:
            raise ScreeningError(f"unknown record {d.record_id!r}: not in the current record set")
        valid = {c.code for c in self.protocol.criteria_for(d.stage)}
        unknown = [code for code in d.reasons if code not in valid]
        if unknown:
            raise ScreeningError(f"reason code(s) {', '.join(unknown)} not valid at {d.stage}; "
                                 f"valid: {', '.join(sorted(valid))}")
        if d.decision == EXCLUDE and not d.reasons:
            raise ScreeningError(f"excluding {d.record_id} needs a reason code (e.g. {sorted(valid)[0]})")

    def record(self, decisions: Sequence[Decision]) -> None:
        """Validate all, then append them (grouped per file, each file under its lock); nothing is written
        if any is bad."""
        stamped = [d if d.timestamp else Decision(**{**d.__dict__, "timestamp": now()}) for d in decisions]
        for d in stamped:
            self.validate(d)
        by_file: dict[Path, list[Decision]] = {}
        for d in stamped:
            by_file.setdefault(self.path(d.stage, d.reviewer), []).append(d)
        for path, new in by_file.items():
            _append(path, new)

    def read(self, stage: str | None = None, reviewer: str | None = None) -> list[Decision]:
        """Every decision ever recorded (in file order), optionally for one stage and/or reviewer."""
        out: list[Decision] = []
        if not self.directory.is_dir():
            return out
        for path in sorted(self.directory.glob("*__*.csv")):
            file_stage, _, file_reviewer = path.stem.partition("__")
            if (stage and file_stage != stage) or (reviewer and file_reviewer != reviewer):
                continue
            out.extend(read_decision_file(path))
        return out

    def latest(self, stage: str, reviewer: str | None = None) -> dict[str, dict[str, Decision]]:
        """``{reviewer: {record_id: latest decision}}`` for a stage (the last row for a record wins; a record
        whose last row is an undo has no decision)."""
        out: dict[str, dict[str, Decision]] = {}
        for d in self.read(stage, reviewer):
            own = out.setdefault(d.reviewer, {})
            if d.decision == UNDECIDED:
                own.pop(d.record_id, None)
            else:
                own[d.record_id] = d
        return out


def read_decision_file(path: Path) -> list[Decision]:
    """Decisions in one file; a malformed row is an error naming the file and line.  A last line that a
    killed writer cut off (no newline, and not a whole row) is not a decision and is left out."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ScreeningError(f"{path}: not UTF-8 text (byte {exc.start}); save it as CSV UTF-8") from None
    lines = text.splitlines(keepends=True)
    cut = bool(lines) and not lines[-1].endswith(("\n", "\r"))
    reader = csv.DictReader(io.StringIO(text, newline=""))
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise ScreeningError(f"{path}: missing column(s) {', '.join(missing)} (found: "
                             f"{', '.join(reader.fieldnames or []) or 'no header'})")
    out = []
    rows = list(reader)
    for line, row in enumerate(rows, 2):
        whole = all(row.get(c) is not None for c in COLUMNS) and None not in row
        row = {k: from_cell(v) if isinstance(v, str) else v for k, v in row.items()}
        if cut and line == len(rows) + 1 and (not whole or row["decision"] not in RECORDED):
            break
        if row["decision"] not in RECORDED or not row["record_id"]:
            raise ScreeningError(f"{path}:{line}: decision {row['decision']!r} for record "
                                 f"{row['record_id']!r} is not one of {', '.join(RECORDED)}")
        out.append(Decision(row["record_id"], row["stage"], row["reviewer"], row["decision"],
                            tuple(c for c in (row["reasons"] or "").split(";") if c), row["note"] or "",
                            row["timestamp"] or "", row["source"] or ""))
    return out


def _append(path: Path, new: Sequence[Decision]) -> None:
    buf = io.StringIO()
    csv.DictWriter(buf, COLUMNS, lineterminator="\n").writerows(safe_row(d.row()) for d in new)
    header = io.StringIO()
    csv.writer(header, lineterminator="\n").writerow(COLUMNS)
    append_lines(path, buf.getvalue().splitlines(keepends=True), header.getvalue())


def fails_rule(rule, record: Record) -> bool:
    """Whether ``record`` fails one machine rule.  A missing field is not evidence: a record without a
    year or language passes those rules; only the has-abstract rule is about a missing field."""
    if rule.type == "year_range":
        year = record.year
        return year is not None and ((rule.min is not None and year < rule.min)
                                     or (rule.max is not None and year > rule.max))
    if rule.type == "language":
        return bool(record.language) and record.language not in rule.allowed
    if rule.type == "document_type":
        return bool(record.document_type) and record.document_type not in rule.allowed
    return rule.type == "has_abstract" and not record.abstract.strip()


def automatic_exclusions(records: Iterable[Record], protocol: Protocol, stage: str) -> list[Decision]:
    """Exclusions by the protocol's machine rules (year range, language, document type, abstract present)
    at ``stage``; each names every rule the record fails."""
    rules = [c for c in protocol.criteria_for(stage) if c.rule is not None]
    stamp = now()
    out = []
    for r in records:
        failed = tuple(c.code for c in rules if fails_rule(c.rule, r))
        if failed:
            out.append(Decision(r.id, stage, AUTOMATIC, EXCLUDE, failed, "excluded by automation tools", stamp,
                                AUTOMATIC))
    return out


# Landis & Koch (1977) bands, the ones the Cochrane Handbook cites for kappa (messages: reports translate them).
KAPPA_BANDS = ((0.0, message("poor")), (0.20, message("slight")), (0.40, message("fair")),
               (0.60, message("moderate")), (0.80, message("substantial")), (1.0, message("almost perfect")))


def kappa_band(kappa: float) -> str:
    if kappa < 0:
        return "poor"
    return next(label for upper, label in KAPPA_BANDS[1:] if kappa <= upper)


@dataclass(frozen=True)
class Agreement:
    reviewers: tuple[str, str]
    stage: str
    n: int
    percent: float
    kappa: float
    band: str


def percent_and_kappa(x: Sequence[str], y: Sequence[str]) -> tuple[float, float]:
    """Share of paired ratings that agree, and Cohen's kappa (1.0 when both used one and the same category
    throughout, where scikit-learn's kappa is undefined)."""
    same = sum(p == q for p, q in zip(x, y, strict=True))
    kappa = 1.0 if len(set(x) | set(y)) == 1 else float(cohen_kappa_score(x, y))
    return same / len(x), kappa


def agreement(a: Mapping[str, Decision], b: Mapping[str, Decision], stage: str) -> Agreement:
    """Percent agreement and Cohen's kappa of two reviewers on the records both decided (maybe counts as
    its own category)."""
    common = sorted(set(a) & set(b))
    if not common:
        raise ScreeningError("the two reviewers have no record in common")
    x = [a[i].decision for i in common]
    y = [b[i].decision for i in common]
    percent, kappa = percent_and_kappa(x, y)
    names = (next(iter(a.values())).reviewer, next(iter(b.values())).reviewer)
    return Agreement(names, stage, len(common), percent, kappa, kappa_band(kappa))


def conflicts(a: Mapping[str, Decision], b: Mapping[str, Decision]) -> list[tuple[Decision, Decision]]:
    """Pairs of decisions on the same record that differ (include vs exclude, or either vs maybe)."""
    return [(a[i], b[i]) for i in sorted(set(a) & set(b)) if a[i].decision != b[i].decision]


def reviewer_decisions(latest: Mapping[str, dict[str, Decision]], resolvers: Sequence[str] = RESOLVERS
                       ) -> dict[str, dict[str, Decision]]:
    """The reviewers' own latest decisions (``DecisionLog.latest``), without the resolvers' and the
    automatic rules'."""
    return {r: d for r, d in latest.items() if r not in resolvers and r != AUTOMATIC}


def screened_in_order(decisions: Iterable[str]) -> list[int]:
    """One reviewer's decisions, in the order made, as what the stopping rules read
    (:mod:`review_tools.stopping`): include 1, exclude 0, 'maybe' left out."""
    return [int(d == INCLUDE) for d in decisions if d in (INCLUDE, EXCLUDE)]


def disagreements(log: DecisionLog, stage: str, resolvers: Sequence[str] = RESOLVERS) -> dict[str, list[Decision]]:
    """Record id -> every reviewer's latest decision on it, for the records on which they differ (what a
    resolver has to decide)."""
    by_record: dict[str, list[Decision]] = {}
    for decisions in reviewer_decisions(log.latest(stage), resolvers).values():
        for record_id, d in decisions.items():
            by_record.setdefault(record_id, []).append(d)
    return {i: ds for i, ds in by_record.items() if len({d.decision for d in ds}) > 1}


def stage_complete(log: DecisionLog, stage: str, record_ids: Iterable[str],
                   resolvers: Sequence[str] = RESOLVERS) -> bool:
    """Whether every reviewer screening ``stage`` has decided every one of ``record_ids``.  Until then the
    reviewers stay blind to each other: report 03 shows agreement and conflicts only after (unless the
    protocol says ``reports: {unblinded: true}``)."""
    ids = set(record_ids)
    return all(ids <= set(d) for d in reviewer_decisions(log.latest(stage), resolvers).values())


def final_decisions(log: DecisionLog, stage: str, resolvers: Sequence[str] = RESOLVERS,
                    automatic: Iterable[Decision] = ()) -> dict[str, Decision]:
    """One decision per record at a stage: a resolver's (third reviewer or consensus) if there is one,
    else the automatic exclusion (logged, or derived from the protocol's rules and given as ``automatic``),
    else the reviewers' when they agree; records in conflict are left out."""
    latest = log.latest(stage)
    if automatic:
        latest.setdefault(AUTOMATIC, {}).update({d.record_id: d for d in automatic})
    out: dict[str, Decision] = {}
    reviewers = list(reviewer_decisions(latest, resolvers))
    ids = {i for decisions in latest.values() for i in decisions}
    for record_id in sorted(ids):
        resolved = [latest[r][record_id] for r in resolvers if record_id in latest.get(r, {})]
        if resolved:
            out[record_id] = resolved[-1]
            continue
        if record_id in latest.get(AUTOMATIC, {}):
            out[record_id] = latest[AUTOMATIC][record_id]
            continue
        votes = [latest[r][record_id] for r in reviewers if record_id in latest[r]]
        if votes and len({v.decision for v in votes}) == 1:
            out[record_id] = votes[-1]
    return out


def link_records(records: Sequence[Record], previous: Sequence[Record] = ()) -> dict[str, str]:
    """Map ids (current and earlier) to the current record that holds the same work.

    A record is reached through its own id or any id merged into it (``duplicate_ids``).  Earlier records
    whose id is gone (say the work now comes with a DOI it lacked before) are matched by deduplicating
    them together with the current records.
    """
    alias: dict[str, str] = {}
    for r in records:
        alias[r.id] = r.id
        for old in r.duplicate_ids:
            alias.setdefault(old, r.id)
    gone = [r for r in previous if r.id not in alias]
    if gone:
        from review_tools.dedup import deduplicate

        for merged in deduplicate([*records, *gone]).records:
            members = [merged.id, *merged.duplicate_ids]
            target = next((alias[m] for m in members if m in alias), None)
            if target is not None:
                for m in members:
                    alias.setdefault(m, target)
    return alias


def carry_over(decisions: Iterable[Decision], records: Sequence[Record],
               previous: Sequence[Record] = ()) -> tuple[list[Decision], list[str]]:
    """Map earlier decisions onto a new record set (see :func:`link_records`).  Returns the carried
    decisions (with current ids) and the ids of records that have none yet."""
    alias = link_records(records, previous)
    carried, decided = [], set()
    for d in decisions:
        new_id = alias.get(d.record_id)
        if new_id is not None:
            carried.append(d if new_id == d.record_id else Decision(**{**d.__dict__, "record_id": new_id}))
            decided.add(new_id)
    return carried, [r.id for r in records if r.id not in decided]


def calibration_sample(records: Sequence[Record], n: int, seed: int) -> list[Record]:
    """A seeded random sample for a calibration round: both reviewers screen it first, and their agreement
    on it shows whether the criteria are understood alike before the rest is split or double-screened."""
    import random

    if not 0 < n <= len(records):
        raise ScreeningError(f"a calibration sample of {n} needs 1 to {len(records)} records")
    return random.Random(seed).sample(list(records), n)
