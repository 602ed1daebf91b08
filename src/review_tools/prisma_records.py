"""The records behind every box of the PRISMA flow, each with its decision trail (PRISMA 2020 item 16b).

An examiner who reads "Reports excluded: I4 (n = 1)" can open the list and see which report, decided by
whom and when, for which criterion (by its name, not only its code).  The lists are built from the same
state as the counts (:meth:`review_tools.review_state.ReviewState.prisma_counts`), so each list has as many
rows as its box says; a test holds them to it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from review_tools.i18n import message, tr
from review_tools.prisma import PrismaCounts
from review_tools.records import Record
from review_tools.review_state import ReviewState
from review_tools.screening import Decision

# Box key (as in the diagram's links) -> heading of its list
BOXES = {
    "database_results": message("Records identified from databases"),
    "duplicates": message("Duplicate records removed"),
    "excluded_automatic": message("Records marked as ineligible by automation tools"),
    "records_screened": message("Records screened"),
    "records_excluded": message("Records excluded at title/abstract"),
    "awaiting": message("Records awaiting a title/abstract decision"),
    "dbr_sought_reports": message("Reports sought for retrieval"),
    "dbr_notretrieved_reports": message("Reports not retrieved"),
    "dbr_assessed": message("Reports assessed for eligibility"),
    "dbr_excluded": message("Reports excluded at full text, with reasons"),
    "awaiting_full_text": message("Reports awaiting a full-text decision"),
    "other_results": message("Records identified by other methods"),
    "other_sought_reports": message("Reports sought from other methods"),
    "other_notretrieved_reports": message("Reports from other methods not retrieved"),
    "other_assessed": message("Reports from other methods assessed"),
    "other_excluded": message("Reports from other methods excluded, with reasons"),
    "new_studies": message("Studies included in the review"),
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
    """Every box's records, in the order of :data:`BOXES`; boxes the flow does not draw are left out.  The
    lists are :meth:`ReviewState.prisma_flow`'s, the same ids the counts are the lengths of."""
    criteria = {c.code: c.text for c in state.log.protocol.criteria}
    by_id = state.by_id
    f = state.prisma_flow()

    def rows(ids: list[str], decisions: Mapping[str, Decision]) -> list[dict[str, str]]:
        return [_row(by_id[i], decisions.get(i), criteria) for i in ids]

    ta, ft = state.title_abstract, state.full_text
    out = {
        "database_results": _identified(state, criteria),
        "duplicates": [_duplicate(e) for e in state.deduplicated.log],
        "excluded_automatic": rows(f.automatic, ta),
        "records_screened": rows(f.screened, ta),
        "records_excluded": rows(f.excluded, ta),
        "awaiting": rows(f.awaiting, ta),
    }
    columns = [("dbr_", f.databases)]
    if counts.other_methods:
        out["other_results"] = rows([i for ids in f.other.values() for i in ids], {})
        columns.append(("other_", f.elsewhere))
    for prefix, reports in columns:
        out[f"{prefix}sought_reports"] = rows(reports.sought, ft)
        out[f"{prefix}notretrieved_reports"] = rows(reports.not_retrieved, ft)
        out[f"{prefix}assessed"] = rows(reports.assessed, ft)
        out[f"{prefix}excluded"] = rows(reports.excluded, ft)
    out["awaiting_full_text"] = rows(f.databases.waiting + f.elsewhere.waiting, ft)
    out["new_studies"] = rows(f.databases.included + f.elsewhere.included, ft)
    return [BoxList(key, BOXES[key], out[key]) for key in BOXES if key in out]


def _identified(state: ReviewState, criteria: Mapping[str, str]) -> list[dict[str, str]]:
    """One row per record as identified: the kept records and the duplicates removed from them."""
    return [_row(r, None, criteria) for r in state.records] + [_duplicate(e) for e in state.deduplicated.log]


def _duplicate(entry: Mapping[str, str]) -> dict[str, str]:
    return {"record": entry["removed_id"], "title": entry.get("title", ""), "year": "",
            "databases": entry.get("database", ""), "decision": tr("duplicate of {id}", id=entry["kept_id"]),
            "reasons": entry.get("reason", ""), "by": "review-tools", "when": ""}


STAGE_NAMES = {"title_abstract": message("title/abstract"), "full_text": message("full text")}
DECISION_NAMES = {"include": message("include"), "exclude": message("exclude"), "maybe": message("maybe")}


def decision_text(decision: Decision) -> str:
    """'exclude (full text)' in the report's language."""
    return tr("{decision} ({stage})", decision=tr(DECISION_NAMES.get(decision.decision, decision.decision)),
              stage=tr(STAGE_NAMES.get(decision.stage, decision.stage)))


def _row(record: Record, decision: Decision | None, criteria: Mapping[str, str]) -> dict[str, str]:
    reasons = "; ".join(f"{code}: {criteria.get(code) or tr('(not in the protocol)')}" for code in
                        (decision.reasons if decision else ()))
    return {
        "record": record.id, "title": record.title, "year": str(record.year or ""),
        "databases": ", ".join(record.databases or [record.database]),
        "decision": "" if decision is None else decision_text(decision),
        "reasons": reasons, "by": "" if decision is None else (decision.reviewer if decision.source != "automatic"
                                                                 else tr("protocol rule")),
        "when": "" if decision is None else decision.timestamp[:16].replace("T", " "),
    }


