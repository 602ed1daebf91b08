"""PRISMA 2020 flow counts computed from the imported records, the deduplication and the decisions.

Every box is derived from data, and the boxes are checked against each other: a box that does not equal
the sum it should is an error naming the boxes, never a diagram that quietly does not add up.  The box
names follow the ``data`` keys of the PRISMA2020 R package's template (database_results, duplicates, ...).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from review_tools import i18n
from review_tools.atomic import atomic_write
from review_tools.csv_cells import safe_row
from review_tools.dedup import DedupResult
from review_tools.errors import ReviewToolsError
from review_tools.i18n import message
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
    previous_studies: int | None = None
    previous_reports: int | None = None
    other_specific_results: dict[str, int] = field(default_factory=dict)
    other_sought_reports: int = 0
    other_notretrieved_reports: int = 0
    other_assessed: int = 0
    other_excluded: dict[str, int] = field(default_factory=dict)

    @property
    def other_methods(self) -> bool:
        """True when studies were also sought by other methods (websites, organisations, citation
        searching): the diagram gets the 'other methods' column."""
        return bool(self.other_specific_results)

    @property
    def updated(self) -> bool:
        """True for an updated review (studies of the previous version given): the diagram gets the
        'previous studies' column and the totals."""
        return self.previous_studies is not None

    @property
    def total_studies(self) -> int:
        """Studies in an updated review: the previous version's plus the new ones."""
        return (self.previous_studies or 0) + self.new_studies

    @property
    def total_reports(self) -> int:
        return (self.previous_reports or 0) + self.new_studies

    @property
    def database_results(self) -> int:
        return sum(self.database_specific_results.values())

    @property
    def provisional(self) -> bool:
        """Screening is not finished: some records or reports still wait for a final decision."""
        return bool(self.awaiting or self.awaiting_full_text)

    def check(self, *, provisional: bool = False) -> None:
        """Raise :class:`PrismaError` naming every box that is not the sum it should be.  ``provisional``:
        records and reports still awaiting a decision are a box of their own, not an error (a flow drawn
        while screening goes on)."""
        wait, wait_ft = (self.awaiting, self.awaiting_full_text) if provisional else (0, 0)
        rules = [
            ("records_screened", self.records_screened,
             "database_results - duplicates - excluded_automatic - excluded_other",
             self.database_results - self.duplicates - self.excluded_automatic - self.excluded_other),
            ("dbr_sought_reports", self.dbr_sought_reports,
             "records_screened - records_excluded" + (" - awaiting" if wait else ""),
             self.records_screened - self.records_excluded - wait),
            ("dbr_assessed", self.dbr_assessed, "dbr_sought_reports - dbr_notretrieved_reports",
             self.dbr_sought_reports - self.dbr_notretrieved_reports),
            ("other_sought_reports", self.other_sought_reports, "sum(other_specific_results)",
             sum(self.other_specific_results.values())),
            ("other_assessed", self.other_assessed, "other_sought_reports - other_notretrieved_reports",
             self.other_sought_reports - self.other_notretrieved_reports),
            ("new_studies", self.new_studies,
             "dbr_assessed - sum(dbr_excluded) + other_assessed - sum(other_excluded)"
             + (" - awaiting_full_text" if wait_ft else ""),
             self.dbr_assessed - sum(self.dbr_excluded.values()) + self.other_assessed
             - sum(self.other_excluded.values()) - wait_ft),
        ]
        wrong = [f"{box} is {value} but {formula} is {expected}" for box, value, formula, expected in rules
                 if value != expected]
        negative = [f"{k} is negative ({v})" for k, v in self.as_dict().items() if isinstance(v, int) and v < 0]
        if self.awaiting and not provisional:
            wrong.append(f"{self.awaiting} screened record(s) have no final title/abstract decision (not screened "
                         "yet, or reviewers in conflict)")
        if self.awaiting_full_text and not provisional:
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
            **({"website_results": self.other_specific_results.get("websites", 0),
                "organisation_results": self.other_specific_results.get("organisations", 0),
                "citations_results": self.other_specific_results.get("citations", 0),
                "other_sought_reports": self.other_sought_reports,
                "other_notretrieved_reports": self.other_notretrieved_reports, "other_assessed": self.other_assessed,
                "other_excluded": dict(self.other_excluded)} if self.other_methods else {}),
            **({"previous_studies": self.previous_studies, "previous_reports": self.previous_reports,
                "new_reports": self.new_studies, "total_studies": self.total_studies,
                "total_reports": self.total_reports} if self.updated else {}),
        }


def compute(identified: Mapping[str, int], dedup: DedupResult, screening: Mapping[str, Decision],
            full_text: Mapping[str, Decision], *, not_retrieved_codes: tuple[str, ...] = (),
            excluded_other: int = 0, previous_studies: int | None = None,
            previous_reports: int | None = None, other: Mapping[str, Sequence[str]] | None = None) -> PrismaCounts:
    """Counts from the records identified per database, the deduplication result, and the final decision
    per record at title/abstract (``screening``) and at full text (``full_text``).

    Automatic exclusions are the title/abstract decisions whose source is ``automatic``.  A record with no
    final title/abstract decision yet (not screened, or reviewers in conflict) is 'awaiting' and makes the
    check fail: the diagram is drawn when screening is complete.  At full text, exclusions whose reason is
    one of ``not_retrieved_codes`` (the protocol's criteria declared ``outcome: not_retrieved``; none by
    default) count as reports not retrieved; other exclusions are counted by their first reason code.
    ``other`` gives, per other method (``websites``, ``organisations``, ``citations``), the ids of the
    records it found that the databases did not: each is a report sought, decided at full text only.
    For an updated review give ``previous_studies`` (and
    ``previous_reports``, which defaults to the same number); each newly included record counts as one
    study and one report.
    """
    f = flow(dedup, screening, full_text, not_retrieved_codes=not_retrieved_codes, other=other)
    db, elsewhere = f.databases, f.elsewhere
    return PrismaCounts(
        database_specific_results=dict(identified), duplicates=dedup.removed,
        excluded_automatic=len(f.automatic), excluded_other=excluded_other,
        records_screened=len(f.screened), records_excluded=len(f.excluded), dbr_sought_reports=len(db.sought),
        dbr_notretrieved_reports=len(db.not_retrieved), dbr_assessed=len(db.assessed), dbr_excluded=db.reasons,
        new_studies=len(db.included) + len(elsewhere.included), awaiting=len(f.awaiting),
        awaiting_full_text=len(db.waiting) + len(elsewhere.waiting), previous_studies=previous_studies,
        previous_reports=previous_studies if previous_reports is None and previous_studies is not None
        else previous_reports,
        other_specific_results={kind: len(ids) for kind, ids in f.other.items()},
        other_sought_reports=len(elsewhere.sought),
        other_notretrieved_reports=len(elsewhere.not_retrieved), other_assessed=len(elsewhere.assessed),
        other_excluded=elsewhere.reasons,
    )


@dataclass
class Reports:
    """One column's full-text boxes (databases, or other methods) as record ids."""

    sought: list[str]
    not_retrieved: list[str]
    assessed: list[str]
    excluded: list[str]
    included: list[str]
    waiting: list[str]
    reasons: dict[str, int]  # reports excluded per first reason code


@dataclass
class Flow:
    """Which records sit in which box of the flow; the counts are the lengths of these lists, and the
    report's record lists (:mod:`review_tools.prisma_records`) are these lists."""

    automatic: list[str]
    screened: list[str]
    excluded: list[str]
    awaiting: list[str]
    databases: Reports
    other: dict[str, list[str]]
    elsewhere: Reports


def flow(dedup: DedupResult, screening: Mapping[str, Decision], full_text: Mapping[str, Decision], *,
         not_retrieved_codes: tuple[str, ...] = (), other: Mapping[str, Sequence[str]] | None = None) -> Flow:
    """The record ids of every box (see :func:`compute` for what goes where), in record order."""
    records = [r.id for r in dedup.records]
    automatic = [i for i in records if i in screening and screening[i].source == "automatic"
                 and screening[i].decision == EXCLUDE]
    gone = set(automatic)
    screened = [i for i in records if i not in gone]
    excluded = [i for i in screened if i in screening and screening[i].decision == EXCLUDE]
    sought = [i for i in screened if i in screening and screening[i].decision == INCLUDE]
    decided = {*excluded, *sought}
    found = {kind: list(ids) for kind, ids in (other or {}).items()}
    return Flow(automatic, screened, excluded, [i for i in screened if i not in decided],
                _reports(sought, full_text, not_retrieved_codes), found,
                _reports([i for ids in found.values() for i in ids], full_text, not_retrieved_codes))


def _reports(sought: Sequence[str], full_text: Mapping[str, Decision],
             not_retrieved_codes: tuple[str, ...]) -> Reports:
    """The full-text boxes of one column of the flow for its sought reports."""
    codes = set(not_retrieved_codes)
    missing = {i for i in sought if i in full_text and full_text[i].decision == EXCLUDE
               and set(full_text[i].reasons) & codes}
    assessed = [i for i in sought if i not in missing]
    reasons: Counter[str] = Counter()
    excluded, included, waiting = [], [], []
    for i in assessed:
        d = full_text.get(i)
        if d is None or d.decision not in (INCLUDE, EXCLUDE):
            waiting.append(i)
        elif d.decision == EXCLUDE:
            excluded.append(i)
            reasons[d.reasons[0] if d.reasons else "no reason"] += 1
        else:
            included.append(i)
    return Reports(list(sought), [i for i in sought if i in missing], assessed, excluded, included, waiting,
                   dict(reasons))


# The diagram's texts: English messages, translated through the catalogue (review_tools.i18n)
LABELS = {
    "identification": message("Identification"),
    "screening": message("Screening"),
    "included": message("Included"),
    "identified": message("Records identified from databases (n = {n})"),
    "removed": message("Records removed before screening:"),
    "duplicates": message("Duplicate records removed (n = {n})"),
    "automatic": message("Records marked as ineligible\n  by automation tools (n = {n})"),
    "other": message("Records removed for other reasons (n = {n})"),
    "screened": message("Records screened\n(n = {n})"),
    "excluded": message("Records excluded\n(n = {n})"),
    "sought": message("Reports sought for retrieval\n(n = {n})"),
    "not_retrieved": message("Reports not retrieved\n(n = {n})"),
    "assessed": message("Reports assessed for eligibility\n(n = {n})"),
    "excluded_reasons": message("Reports excluded:"),
    "studies": message("Studies included in review\n(n = {n})"),
    "previous_header": message("Previous studies"),
    "new_header": message("Identification of new studies via databases"),
    "previous": message("Studies included in previous version\nof review (n = {n})\n\nReports of studies included "
                        "in\nprevious version of review (n = {r})"),
    "new_studies": message("New studies included in review\n(n = {n})\nReports of new included studies\n(n = {r})"),
    "total": message("Total studies included in review\n(n = {n})\nReports of total included studies\n(n = {r})"),
    "db_header": message("Identification of studies via databases"),
    "other_header": message("Identification of studies via other methods"),
    "new_other_header": message("Identification of new studies via other methods"),
    "other_identified": message("Records identified from:"),
    "websites": message("Websites"),
    "organisations": message("Organisations"),
    "citations": message("Citation searching"),
    "awaiting": message("Awaiting decision (n = {n})"),
    "provisional": message("PROVISIONAL: screening is not finished"),
}


def diagram(counts: PrismaCounts, *, language: str = "en", links: Mapping[str, str] | None = None,
            reasons: Mapping[str, str] | None = None):
    """The PRISMA 2020 flow diagram drawn with matplotlib; returns the Figure.  A new review gets the
    databases column; studies sought by other methods (websites, organisations, citation searching) get
    the 'other methods' column on the right; an updated review (``counts.previous_studies`` given) also the
    'previous studies' column on the left and the totals at the bottom.  The counts are checked first, so a
    diagram that does not add up is never drawn; while screening goes on the flow is drawn as provisional,
    with the records and reports awaiting a decision.  ``links`` maps a box (:data:`BOXES`) to the address
    of its record list: the box links there in the SVG.  ``reasons`` names the exclusion codes (code ->
    criterion), so a full-text exclusion reads 'I4 Pharmaceutical industry ... (n = 1)', not a bare code."""
    import textwrap

    from matplotlib.patches import FancyBboxPatch

    from review_tools.plotting import pyplot

    plt = pyplot()

    counts.check(provisional=True)
    with i18n.using(language):
        t = {key: i18n.tr(text) for key, text in LABELS.items()}
    links, names = links or {}, reasons or {}
    dx = 30 if counts.updated else 0
    width = 100 + dx + (94 if counts.other_methods else 0)
    headers = counts.updated or counts.other_methods
    fig, ax = plt.subplots(figsize=(width / 10 + 0.5, 12 if counts.updated else 11))
    ax.set_xlim(0, width)
    ax.set_ylim(-10 if counts.updated else 0, 110 + (6 if headers else 0))
    ax.axis("off")

    def box(x, y, w, h, text, colour="white", size=9, align="center", key=""):
        patch = ax.add_patch(FancyBboxPatch((x, y), w, h, boxstyle="round,pad=0.4", fc=colour, ec="#333", lw=1))
        tx = x + w / 2 if align == "center" else x + 1.5
        label = ax.text(tx, y + h / 2, text, ha=align, va="center", fontsize=size, wrap=True)
        if key in links:
            patch.set_url(links[key])
            label.set_url(links[key])

    def arrow(x1, y1, x2, y2):
        ax.annotate("", (x2, y2), (x1, y1), arrowprops={"arrowstyle": "->", "lw": 1.2, "color": "#333"})

    def reports(x, sought, not_retrieved, assessed, excluded, prefix, waiting=0):
        """One column's full-text boxes: sought, not retrieved, assessed, excluded with reasons."""
        box(x, 48, 40, 10, t["sought"].format(n=sought), key=f"{prefix}sought_reports")
        box(x + 46, 48, 40, 10, t["not_retrieved"].format(n=not_retrieved), key=f"{prefix}notretrieved_reports")
        box(x, 30, 40, 10, t["assessed"].format(n=assessed) + ("\n" + t["awaiting"].format(n=waiting) if waiting
                                                               else ""), key=f"{prefix}assessed")
        lines = "\n".join(f"  {code} {textwrap.shorten(names.get(code, ''), 34, placeholder=' ...')} (n = {n})"
                          .replace("  (", " (") for code, n in sorted(excluded.items()))
        box(x + 46, 24, 40, 16, t["excluded_reasons"] + ("\n" + lines if lines else " 0"), align="left",
            key=f"{prefix}excluded")
        arrow(x + 20, 47.6, x + 20, 40.8)
        for y in (53, 35):
            arrow(x + 40.4, y, x + 45.6, y)

    per_db = "\n".join(f"  {name} (n = {n})" for name, n in counts.database_specific_results.items())
    box(dx + 12, 86, 40, 20, t["identified"].format(n=counts.database_results) + ("\n" + per_db if per_db else ""),
        align="left", key="database_results")
    removed = "\n".join([t["removed"], t["duplicates"].format(n=counts.duplicates),
                         t["automatic"].format(n=counts.excluded_automatic),
                         t["other"].format(n=counts.excluded_other)])
    box(dx + 58, 86, 40, 20, removed, align="left", key="duplicates")
    box(dx + 12, 66, 40, 10, t["screened"].format(n=counts.records_screened)
        + ("\n" + t["awaiting"].format(n=counts.awaiting) if counts.awaiting else ""), key="records_screened")
    box(dx + 58, 66, 40, 10, t["excluded"].format(n=counts.records_excluded), key="records_excluded")
    reports(dx + 12, counts.dbr_sought_reports, counts.dbr_notretrieved_reports, counts.dbr_assessed,
            counts.dbr_excluded, "dbr_", counts.awaiting_full_text)
    for y_from, y_to in ((86, 76.8), (66, 58.8), (30, 16.8)):
        arrow(dx + 32, y_from - 0.4, dx + 32, y_to)
    for y in (96, 71):
        arrow(dx + 52.4, y, dx + 57.6, y)
    if counts.other_methods:
        x = dx + 106
        found = "\n".join(f"  {t[kind]} (n = {n})" for kind, n in counts.other_specific_results.items())
        box(x, 86, 40, 20, t["other_identified"] + "\n" + found, align="left", key="other_results")
        arrow(x + 20, 85.6, x + 20, 58.8)
        reports(x, counts.other_sought_reports, counts.other_notretrieved_reports, counts.other_assessed,
                counts.other_excluded, "other_")
        arrow(x + 20, 29.6, dx + 52.8, 11)
        box(x, 109, 86, 5, t["new_other_header" if counts.updated else "other_header"], colour="#d9d9d9", size=9)
    if counts.updated:
        assert counts.previous_reports is not None
        box(dx + 12, 6, 40, 11, t["new_studies"].format(n=counts.new_studies, r=counts.new_studies),
            key="new_studies")
        box(12, 86, 24, 20, t["previous"].format(n=counts.previous_studies, r=counts.previous_reports), size=8)
        box(12, -9, 70, 9, t["total"].format(n=counts.total_studies, r=counts.total_reports))
        arrow(24, 85.6, 24, 0.8)
        arrow(dx + 32, 5.6, dx + 32, 0.8)
        box(12, 109, 24, 5, t["previous_header"], colour="#d9d9d9", size=9)
    else:
        box(dx + 12, 6, 40, 10, t["studies"].format(n=counts.new_studies), key="new_studies")
    if headers:
        box(dx + 12, 109, 86, 5, t["new_header" if counts.updated else "db_header"], colour="#ffd966", size=9)
    bottom = -9 if counts.updated else 4
    for label, y0, y1 in ((t["identification"], 84, 107), (t["screening"], 28, 78), (t["included"], bottom, 18)):
        box(1, y0, 6, y1 - y0, "", colour="#9ec5e8")
        ax.text(4, (y0 + y1) / 2, label, rotation=90, ha="center", va="center", fontsize=10, fontweight="bold")
    if counts.provisional:
        ax.text(width / 2, 116 if headers else 110, t["provisional"], ha="center", va="center", fontsize=11,
                fontweight="bold", color="#b35900")
        ax.set_ylim(ax.get_ylim()[0], (116 if headers else 110) + 3)
    fig.tight_layout()
    return fig


def export_prisma2020_csv(counts: PrismaCounts, template: str | Path, out: str | Path) -> Path:
    """Fill the ``n`` column of the PRISMA2020 R package's template CSV (its ``inst/extdata/PRISMA.csv``,
    read from where it is installed, not shipped here) so the diagram can be drawn there too."""
    import csv

    template, out = Path(template), Path(out)
    with template.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        fields, rows = reader.fieldnames or [], list(reader)
    if "data" not in fields or "n" not in fields:
        raise PrismaError(f"{template}: not a PRISMA2020 template (needs columns data and n)")
    values = counts.as_dict()
    text = {
        "database_specific_results": "; ".join(f"{k}, {v}" for k, v in counts.database_specific_results.items()),
        "dbr_excluded": "; ".join(f"{k}, {v}" for k, v in sorted(counts.dbr_excluded.items())),
    }
    if counts.other_methods:
        text["other_excluded"] = "; ".join(f"{k}, {v}" for k, v in sorted(counts.other_excluded.items()))
    for row in rows:
        key = row["data"]
        if key in text:
            row["n"] = text[key]
        elif key in values:
            row["n"] = str(values[key])
    with atomic_write(out) as fh:
        writer = csv.DictWriter(fh, fields)
        writer.writeheader()
        writer.writerows(safe_row(row) for row in rows)
    return out
