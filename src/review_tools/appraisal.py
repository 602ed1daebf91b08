"""Quality appraisal: each reviewer's ratings of the included studies, validated against the instrument,
scored by the protocol's rule, reconciled between reviewers, and summarised.

Ratings live in ``review/appraisal/<reviewer>.csv``, one row per study: ``record_id``, an optional
``study`` label for the person filling it in, ``design`` (for instruments with several study designs,
such as MMAT), one column per item holding an answer from the instrument's scale, and ``comment``.
``consensus.csv`` holds agreed ratings where reviewers differed.  The files are people's work:
review-tools reads them and adds template rows for new studies, but never rewrites a row.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from review_tools.errors import Problem
from review_tools.forms import FormError, add_rows, read_rows, study_rows, unexpected_columns
from review_tools.i18n import tr
from review_tools.instruments import SINGLE_DESIGN, Instrument, Item
from review_tools.screening import kappa_band, percent_and_kappa

RESOLVER = "consensus"
META_COLUMNS = ("record_id", "study", "design", "comment")
_REVIEWER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


@dataclass(frozen=True)
class StudyAppraisal:
    """One reviewer's ratings of one study; ``answers`` maps item id to a scale value (or free text for
    free-text items); an item not answered is absent."""

    record_id: str
    reviewer: str
    design: str
    answers: Mapping[str, str]
    comment: str = ""
    file: str = ""
    line: int = 0


@dataclass(frozen=True)
class Score:
    record_id: str
    positive: int
    applicable: int
    value: float | None
    passed: bool | None
    status: str


@dataclass(frozen=True)
class Conflict:
    record_id: str
    differences: dict[str, dict[str, str]] = field(default_factory=dict)  # item -> {reviewer: answer}


def read_appraisals(directory: str | Path, instrument: Instrument,
                    record_ids: Iterable[str] | None = None) -> tuple[list[StudyAppraisal], list[Problem]]:
    """Every reviewer's ratings in ``directory`` and every problem found (unknown item column, answer off
    the scale, unknown or repeated study, unknown design).  A bad answer is reported and left unanswered;
    a row that cannot be attributed to a study is reported and skipped; the rest is read."""
    directory = Path(directory)
    known = set(record_ids) if record_ids is not None else None
    out: list[StudyAppraisal] = []
    problems: list[Problem] = []
    if not directory.is_dir():
        return out, problems
    for path in sorted(directory.glob("*.csv")):
        try:
            got, found = _read_file(path, instrument, known)
        except FormError as exc:
            got, found = [], exc.problems
        out.extend(got)
        problems.extend(found)
    return out, problems


def _read_file(path: Path, instrument: Instrument, known: set[str] | None) -> tuple[list[StudyAppraisal],
                                                                                     list[Problem]]:
    name = str(path)
    problems: list[Problem] = []
    reviewer = path.stem
    if not _REVIEWER.match(reviewer):
        return [], [Problem(name, None, "", f"file name {path.name!r} must be <reviewer>.csv with letters, "
                            "digits, '_', '-' or '.'")]
    header, rows, unreadable = read_rows(path)
    problems.extend(unreadable)
    if "record_id" not in header:
        return [], [*problems, Problem(name, 1, "", "no record_id column; the file is skipped")]
    if instrument.multi_design and "design" not in header:
        problems.append(Problem(name, 1, "", f"no design column; {instrument.name} needs one of "
                                f"{', '.join(instrument.designs)}"))
        return [], problems
    items = instrument.item_ids()
    problems += unexpected_columns(name, header, (*META_COLUMNS, *items), f"an item of {instrument.id} (items: "
                                   f"{', '.join(items)}); its answers are ignored")
    out: list[StudyAppraisal] = []
    for line, record_id, row in study_rows(name, rows, known, problems, "rated"):
        if not row.get("design") and not any(row.get(i) for i in items):
            continue  # a template row not filled in yet: the study is not appraised by this reviewer
        design = row.get("design", "") if instrument.multi_design else SINGLE_DESIGN
        if design not in instrument.designs:
            problems.append(Problem(name, line, "design", f"{design!r} is not one of "
                                    f"{', '.join(instrument.designs)}; the row is skipped"))
            continue
        allowed = {i.id: i for i in instrument.items(design)}
        answers: dict[str, str] = {}
        for item in items:
            raw = row.get(item, "")
            if not raw:
                continue
            if item not in allowed:
                problems.append(Problem(name, line, item, f"answered, but not an item of design {design!r}"))
                continue
            if allowed[item].free_text:
                answers[item] = raw
                continue
            value = instrument.normalise(raw)
            if value is None:
                problems.append(Problem(name, line, item, f"{raw!r} is not on the scale "
                                        f"({', '.join(instrument.scale)}); left unanswered"))
                continue
            answers[item] = value
        out.append(StudyAppraisal(record_id, reviewer, design, answers, row.get("comment", ""), name, line))
    return out, problems


def score(appraisal: StudyAppraisal, instrument: Instrument, scoring: str, threshold: float) -> Score:
    """Score one study: positive answers counted (``count_yes``) or as a percentage of the applicable
    items (``percent_yes``; 'not applicable' answers are left out).  Screening questions must all be
    positive, else the study does not pass (its other items may be left empty, as MMAT advises);
    otherwise an unanswered item leaves the study unscored."""
    scored = [i for i in instrument.designs[appraisal.design].items if not i.free_text]
    answered = [appraisal.answers.get(i.id) for i in instrument.screening]
    if any(a is not None and a != instrument.positive for a in answered):
        return Score(appraisal.record_id, 0, 0, None, False, tr("screening questions not met"))
    missing = [i.id for i in (*instrument.screening, *scored) if i.id not in appraisal.answers]
    if missing:
        return Score(appraisal.record_id, 0, 0, None, None, tr("incomplete: {items} not answered",
                                                                items=", ".join(missing)))
    applicable = [i for i in scored if appraisal.answers[i.id] not in instrument.not_applicable]
    positive = sum(appraisal.answers[i.id] == instrument.positive for i in applicable)
    percent = 100.0 * positive / len(applicable) if applicable else 0.0
    value = float(positive) if scoring == "count_yes" else percent
    passed = value >= threshold
    return Score(appraisal.record_id, positive, len(applicable), value, passed,
                 tr("meets threshold") if passed else tr("below threshold"))


def final_appraisals(appraisals: Sequence[StudyAppraisal]) -> tuple[dict[str, StudyAppraisal], list[Conflict]]:
    """One appraisal per study: the consensus rating where there is one, else the reviewers' when they
    gave the same design and answers (or only one reviewer rated it); studies where they differ are
    returned as conflicts, with every differing item."""
    by_record: dict[str, dict[str, StudyAppraisal]] = {}
    for a in appraisals:
        by_record.setdefault(a.record_id, {})[a.reviewer] = a
    final: dict[str, StudyAppraisal] = {}
    conflicts: list[Conflict] = []
    for record_id, ratings in sorted(by_record.items()):
        if RESOLVER in ratings:
            final[record_id] = ratings[RESOLVER]
            continue
        diffs: dict[str, dict[str, str]] = {}
        reviewers = sorted(ratings)
        if len({ratings[r].design for r in reviewers}) > 1:
            diffs["design"] = {r: ratings[r].design for r in reviewers}
        for item in sorted({i for r in reviewers for i in ratings[r].answers}):
            answers = {r: ratings[r].answers.get(item, "") for r in reviewers}
            if len(set(answers.values())) > 1:
                diffs[item] = answers
        if diffs:
            conflicts.append(Conflict(record_id, diffs))
        else:
            final[record_id] = ratings[reviewers[0]]
    return final, conflicts


@dataclass(frozen=True)
class ItemAgreement:
    reviewers: tuple[str, str]
    studies: int
    ratings: int
    percent: float
    kappa: float
    band: str


def agreement(appraisals: Sequence[StudyAppraisal], first: str, second: str,
              instrument: Instrument) -> ItemAgreement:
    """Agreement of two reviewers over every item both answered on the studies both rated (scale answers
    only; free text is not compared): percent agreement and Cohen's kappa with its Landis & Koch band."""
    a = {x.record_id: x for x in appraisals if x.reviewer == first}
    b = {x.record_id: x for x in appraisals if x.reviewer == second}
    common = sorted(set(a) & set(b))
    x: list[str] = []
    y: list[str] = []
    for record_id in common:
        if a[record_id].design != b[record_id].design:
            x.append(f"design:{a[record_id].design}")
            y.append(f"design:{b[record_id].design}")
            continue
        for item in instrument.items(a[record_id].design):
            if not item.free_text and item.id in a[record_id].answers and item.id in b[record_id].answers:
                x.append(a[record_id].answers[item.id])
                y.append(b[record_id].answers[item.id])
    if not x:
        raise ValueError(f"{first} and {second} have no rated item in common")
    percent, kappa = percent_and_kappa(x, y)
    return ItemAgreement((first, second), len(common), len(x), percent, kappa, kappa_band(kappa))


@dataclass
class AppraisalResult:
    """Everything the reports need from the appraisal files: each reviewer's ratings, the problems found,
    the final rating per study, the conflicts, and the score of every final rating."""

    instrument: Instrument
    ratings: list[StudyAppraisal]
    problems: list[Problem]
    final: dict[str, StudyAppraisal]
    conflicts: list[Conflict]
    scores: dict[str, Score]

    def quality(self) -> dict[str, str]:
        """Per study, the appraisal result in words ('80: meets threshold', 'reviewers differ', ...)."""
        out = {c.record_id: tr("reviewers differ") for c in self.conflicts}
        for record_id, s in self.scores.items():
            out[record_id] = s.status if s.value is None else f"{s.value:.0f}: {s.status}"
        return out

    def agreements(self) -> list[ItemAgreement]:
        """Agreement of every pair of reviewers (the resolver left out) who rated an item in common."""
        reviewers = sorted({a.reviewer for a in self.ratings} - {RESOLVER})
        out = []
        for i, first in enumerate(reviewers):
            for second in reviewers[i + 1:]:
                try:
                    out.append(agreement(self.ratings, first, second, self.instrument))
                except ValueError:
                    continue
        return out


def appraise(directory: str | Path, instrument: Instrument, scoring: str, threshold: float,
             record_ids: Iterable[str] | None = None) -> AppraisalResult:
    """Read every reviewer's file in ``directory``, reconcile them and score the final ratings."""
    ratings, problems = read_appraisals(directory, instrument, record_ids)
    final, conflicts = final_appraisals(ratings)
    scores = {r: score(a, instrument, scoring, threshold) for r, a in final.items()}
    return AppraisalResult(instrument, ratings, problems, final, conflicts, scores)


def summary_table(final: Mapping[str, StudyAppraisal], instrument: Instrument, scores: Mapping[str, Score],
                  labels: Mapping[str, str], conflicts: Sequence[Conflict] = ()) -> pd.DataFrame:
    """Study x item table of the final answers with score and result, in the order of ``labels``; a study
    in ``conflicts`` says so instead of 'not appraised'."""
    differ = {c.record_id for c in conflicts}
    rows = []
    for record_id, label in labels.items():
        a = final.get(record_id)
        row: dict[str, object] = {"study": label}
        if instrument.multi_design:
            row["design"] = instrument.designs[a.design].label if a else ""
        for item in instrument.item_ids():
            row[item] = a.answers.get(item, "") if a else ""
        s = scores.get(record_id)
        row["score"] = "" if s is None or s.value is None else f"{s.value:.0f}"
        row["result"] = s.status if s else (tr("reviewers differ") if record_id in differ else tr("not appraised"))
        rows.append(row)
    return pd.DataFrame(rows)


def item_summary(final: Mapping[str, StudyAppraisal], instrument: Instrument) -> pd.DataFrame:
    """Per item: its text and how many studies got each answer on the scale."""
    rows = []
    for item in rated_items(instrument):
        row: dict[str, object] = {"item": item.id, "question": item.text}
        answers = [a.answers.get(item.id) for a in final.values() if item.id in {i.id for i in
                   instrument.items(a.design)}]
        for value in instrument.scale:
            row[value] = sum(x == value for x in answers)
        row["not answered"] = sum(x is None for x in answers)
        rows.append(row)
    return pd.DataFrame(rows)


def rated_items(instrument: Instrument) -> list[Item]:
    """The scale-rated items, once each; where designs word an item differently, the text says so."""
    texts: dict[str, set[str]] = {}
    for design in instrument.designs:
        for item in instrument.items(design):
            if not item.free_text:
                texts.setdefault(item.id, set()).add(item.text)
    return [Item(id=i, text=next(iter(t)) if len(t) == 1 else "(worded per study design; see the instrument)")
            for i, t in texts.items()]


def write_template(path: str | Path, instrument: Instrument, studies: Mapping[str, str]) -> int:
    """Add an empty row for each study (``{record_id: label}``) the reviewer's file does not have yet;
    rows already there are never changed.  Returns how many were added."""
    columns = ["record_id", "study", *(["design"] if instrument.multi_design else []), *instrument.item_ids(),
               "comment"]
    rows = [{"record_id": r, "study": label} for r, label in studies.items()]
    return add_rows(Path(path), columns, rows)
