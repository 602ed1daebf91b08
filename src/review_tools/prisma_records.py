"""The records behind every box of the PRISMA flow, each with its decision trail (PRISMA 2020 item 16b).

An examiner who reads "Reports excluded: I4 (n = 1)" can open the list and see which report, decided by
whom and when, for which criterion (by its name, not only its code).  The lists are built from the same
state as the counts (:meth:`review_tools.review_state.ReviewState.prisma_counts`), so each list has as many
rows as its box says; a test holds them to it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from review_tools.prisma import PrismaCounts
from review_tools.records import Record
from review_tools.review_state import ReviewState
from review_tools.screening import EXCLUDE, INCLUDE, Decision

# Box key (as in the diagram's links) -> heading of its list
BOXES = {
    "database_results": "Records identified from databases",
    "duplicates": "Duplicate records removed",
    "excluded_automatic": "Records marked as ineligible by automation tools",
    "records_screened": "Records screened",
    "records_excluded": "Records excluded at title/abstract",
    "awaiting": "Records awaiting a title/abstract decision",
    "dbr_sought_reports": "Reports sought for retrieval",
    "dbr_notretrieved_reports": "Reports not retrieved",
    "dbr_assessed": "Reports assessed for eligibility",
    "dbr_excluded": "Reports excluded at full text, with reasons",
    "awaiting_full_text": "Reports awaiting a full-text decision",
    "other_results": "Records identified by other methods",
    "other_sought_reports": "Reports sought from other methods",
    "other_notretrieved_reports": "Reports from other methods not retrieved",
    "other_assessed": "Reports from other methods assessed",
    "other_excluded": "Reports from other methods excluded, with reasons",
    "new_studies": "Studies included in the review",
}
COLUMNS = ("record", "title", "year", "databases", "decision", "reasons", "by", "when")


@dataclass
class BoxList:
    key: str
    heading: str
    rows: list[dict[str, str]]

    @property
    def anchor(self) -> str:
        return f"box-{self.key}"


def box_lists(state: ReviewState, counts: PrismaCounts) -> list[BoxList]:
    """Every box's records, in the order of :data:`BOXES`; boxes the flow does not draw are left out."""
    criteria = {c.code: c.text for c in state.log.protocol.criteria}
    not_retrieved = {c.code for c in state.log.protocol.criteria if c.outcome == "not_retrieved"}
    by_id = state.by_id

    def rows(records: Iterable[Record], decisions: Mapping[str, Decision] | None = None) -> list[dict[str, str]]:
        return [_row(r, (decisions or {}).get(r.id), criteria) for r in records]

    automatic = {d.record_id: d for d in state.automatic if d.record_id in by_id}
    screened = [r for r in state.records if r.id not in automatic]
    ta = state.title_abstract
    excluded = [r for r in screened if r.id in ta and ta[r.id].decision == EXCLUDE]
    sought = [r for r in screened if r.id in ta and ta[r.id].decision == INCLUDE]
    waiting = [r for r in screened if r.id not in ta or ta[r.id].decision not in (INCLUDE, EXCLUDE)]
    out = {
        "database_results": _identified(state, criteria),
        "duplicates": [_duplicate(e) for e in state.deduplicated.log],
        "excluded_automatic": rows([by_id[i] for i in automatic], automatic),
        "records_screened": rows(screened, ta),
        "records_excluded": rows(excluded, ta),
        "awaiting": rows(waiting, ta),
    }
    out.update(_reports("dbr_", sought, state.full_text, not_retrieved, criteria))
    other = state.other_records
    if counts.other_methods:
        out["other_results"] = rows(other)
        out.update(_reports("other_", other, state.full_text, not_retrieved, criteria))
    pending = [r for r in [*sought, *other] if (d := state.full_text.get(r.id)) is None
               or d.decision not in (INCLUDE, EXCLUDE)]
    out["awaiting_full_text"] = rows(pending, state.full_text)
    out["new_studies"] = rows(state.included, state.full_text)
    return [BoxList(key, BOXES[key], out[key]) for key in BOXES if key in out]


def _not_retrieved(decision: Decision | None, codes: set[str]) -> bool:
    return decision is not None and decision.decision == EXCLUDE and bool(set(decision.reasons) & codes)


def _reports(prefix: str, sought: list[Record], full_text: Mapping[str, Decision], not_retrieved: set[str],
             criteria: Mapping[str, str]) -> dict[str, list[dict[str, str]]]:
    missing = [r for r in sought if _not_retrieved(full_text.get(r.id), not_retrieved)]
    assessed = [r for r in sought if r not in missing]
    excluded = [r for r in assessed if r.id in full_text and full_text[r.id].decision == EXCLUDE]
    return {f"{prefix}sought_reports": [_row(r, full_text.get(r.id), criteria) for r in sought],
            f"{prefix}notretrieved_reports": [_row(r, full_text.get(r.id), criteria) for r in missing],
            f"{prefix}assessed": [_row(r, full_text.get(r.id), criteria) for r in assessed],
            f"{prefix}excluded": [_row(r, full_text.get(r.id), criteria) for r in excluded]}


def _identified(state: ReviewState, criteria: Mapping[str, str]) -> list[dict[str, str]]:
    """One row per record as identified: the kept records and the duplicates removed from them."""
    return [_row(r, None, criteria) for r in state.records] + [_duplicate(e) for e in state.deduplicated.log]


def _duplicate(entry: Mapping[str, str]) -> dict[str, str]:
    return {"record": entry["removed_id"], "title": entry.get("title", ""), "year": "",
            "databases": entry.get("database", ""), "decision": f"duplicate of {entry['kept_id']}",
            "reasons": entry.get("reason", ""), "by": "review-tools", "when": ""}


def _row(record: Record, decision: Decision | None, criteria: Mapping[str, str]) -> dict[str, str]:
    reasons = "; ".join(f"{code}: {criteria.get(code, '(not in the protocol)')}" for code in
                        (decision.reasons if decision else ()))
    return {
        "record": record.id, "title": record.title, "year": str(record.year or ""),
        "databases": ", ".join(record.databases or [record.database]),
        "decision": "" if decision is None else f"{decision.decision} ({decision.stage.replace('_', ' ')})",
        "reasons": reasons, "by": "" if decision is None else (decision.reviewer if decision.source != "automatic"
                                                                 else "protocol rule"),
        "when": "" if decision is None else decision.timestamp[:16].replace("T", " "),
    }


