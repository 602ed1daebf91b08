"""PRISMA 2020 flow counts computed from the imported records, the deduplication and the decisions.

Every box is derived from data, and the boxes are checked against each other: a box that does not equal
the sum it should is an error naming the boxes, never a diagram that quietly does not add up.  The box
names follow the ``data`` keys of the PRISMA2020 R package's template (database_results, duplicates, ...).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field

from review_tools.dedup import DedupResult
from review_tools.errors import ReviewToolsError
from review_tools.screening import EXCLUDE, INCLUDE, Decision


class PrismaError(ReviewToolsError):
    """Counts that do not add up; the message names the boxes."""


@dataclass
class PrismaCounts:
    database_specific_results: dict[str, int]
    duplicates: int
    excluded_automatic: int
    excluded_other: int
    records_screened: int
    records_excluded: int
    dbr_sought_reports: int
    dbr_notretrieved_reports: int
    dbr_assessed: int
    dbr_excluded: dict[str, int] = field(default_factory=dict)
    new_studies: int = 0
    awaiting: int = 0
    awaiting_full_text: int = 0

    @property
    def database_results(self) -> int:
        return sum(self.database_specific_results.values())

    def check(self) -> None:
        """Raise :class:`PrismaError` naming every box that is not the sum it should be."""
        rules = [
            ("records_screened", self.records_screened,
             "database_results - duplicates - excluded_automatic - excluded_other",
             self.database_results - self.duplicates - self.excluded_automatic - self.excluded_other),
            ("dbr_sought_reports", self.dbr_sought_reports, "records_screened - records_excluded",
             self.records_screened - self.records_excluded),
            ("dbr_assessed", self.dbr_assessed, "dbr_sought_reports - dbr_notretrieved_reports",
             self.dbr_sought_reports - self.dbr_notretrieved_reports),
            ("new_studies", self.new_studies, "dbr_assessed - sum(dbr_excluded)",
             self.dbr_assessed - sum(self.dbr_excluded.values())),
        ]
        wrong = [f"{box} is {value} but {formula} is {expected}" for box, value, formula, expected in rules
                 if value != expected]
        negative = [f"{k} is negative ({v})" for k, v in self.as_dict().items() if isinstance(v, int) and v < 0]
        if self.awaiting:
            wrong.append(f"{self.awaiting} screened record(s) have no final title/abstract decision (not screened "
                         "yet, or reviewers in conflict)")
        if self.awaiting_full_text:
            wrong.append(f"{self.awaiting_full_text} report(s) assessed for eligibility have no final full-text "
                         "decision")
        if wrong or negative:
            raise PrismaError("PRISMA counts do not add up: " + "; ".join(wrong + negative))

    def as_dict(self) -> dict[str, object]:
        return {
            "database_results": self.database_results,
            "database_specific_results": dict(self.database_specific_results),
            "duplicates": self.duplicates, "excluded_automatic": self.excluded_automatic,
            "excluded_other": self.excluded_other, "records_screened": self.records_screened,
            "records_excluded": self.records_excluded, "dbr_sought_reports": self.dbr_sought_reports,
            "dbr_notretrieved_reports": self.dbr_notretrieved_reports, "dbr_assessed": self.dbr_assessed,
            "dbr_excluded": dict(self.dbr_excluded), "new_studies": self.new_studies,
        }


def compute(identified: Mapping[str, int], dedup: DedupResult, screening: Mapping[str, Decision],
            full_text: Mapping[str, Decision], *, not_retrieved_codes: tuple[str, ...] = ("E4",),
            excluded_other: int = 0) -> PrismaCounts:
    """Counts from the records identified per database, the deduplication result, and the final decision
    per record at title/abstract (``screening``) and at full text (``full_text``).

    Automatic exclusions are the title/abstract decisions whose source is ``automatic``.  A record with no
    final title/abstract decision yet (not screened, or reviewers in conflict) is 'awaiting' and makes the
    check fail: the diagram is drawn when screening is complete.  At full text, exclusions whose reason is
    one of ``not_retrieved_codes`` count as reports not retrieved; other exclusions are counted by their
    first reason code.
    """
    records = [r.id for r in dedup.records]
    automatic = {i for i, d in screening.items() if d.source == "automatic" and d.decision == EXCLUDE}
    screened = [i for i in records if i not in automatic]
    excluded = [i for i in screened if i in screening and screening[i].decision == EXCLUDE]
    sought = [i for i in screened if i in screening and screening[i].decision == INCLUDE]
    awaiting = len(screened) - len(excluded) - len(sought)
    not_retrieved = [i for i in sought if i in full_text and full_text[i].decision == EXCLUDE
                     and set(full_text[i].reasons) & set(not_retrieved_codes)]
    assessed = [i for i in sought if i not in set(not_retrieved)]
    reasons: Counter[str] = Counter()
    included = waiting = 0
    for i in assessed:
        d = full_text.get(i)
        if d is None or d.decision not in (INCLUDE, EXCLUDE):
            waiting += 1
            continue
        if d.decision == EXCLUDE:
            reasons[d.reasons[0] if d.reasons else "no reason"] += 1
        else:
            included += 1
    return PrismaCounts(
        database_specific_results=dict(identified), duplicates=dedup.removed,
        excluded_automatic=len(automatic & set(records)), excluded_other=excluded_other,
        records_screened=len(screened), records_excluded=len(excluded), dbr_sought_reports=len(sought),
        dbr_notretrieved_reports=len(not_retrieved), dbr_assessed=len(assessed), dbr_excluded=dict(reasons),
        new_studies=included, awaiting=awaiting, awaiting_full_text=waiting,
    )
