"""The review folder reduced to records, final decisions and included studies; form rows for new studies."""

from __future__ import annotations

import shutil
from pathlib import Path

from review_tools import review_state
from review_tools.protocol import load_protocol
from review_tools.screening import Decision, DecisionLog

ROOT = Path(__file__).resolve().parents[1]


def _copy(tmp_path) -> tuple[Path, object]:
    review = tmp_path / "review"
    shutil.copytree(ROOT / "review", review)
    return review, load_protocol(review / "protocol.yaml")


def test_sample_review_flow_adds_up(tmp_path) -> None:
    review, protocol = _copy(tmp_path)
    state = review_state.load(protocol, review)
    assert state.from_corpus and len(state.records) == 11
    counts = state.prisma_counts()
    counts.check()
    # review/screening holds example decisions: 2 works before 2004 fail I1 automatically; of 9 screened,
    # 3 are excluded and 6 sought; E4 (not obtained) for 1; of 5 assessed, 1 excluded (I4), 4 included
    # (one of them after a consensus decision at full text).
    assert (counts.excluded_automatic, counts.records_screened, counts.records_excluded, counts.dbr_sought_reports,
            counts.dbr_notretrieved_reports, counts.dbr_assessed, counts.dbr_excluded, counts.new_studies) == (
        2, 9, 3, 6, 1, 5, {"I4": 1}, 4)
    assert sorted(r.year for r in state.included) == [2004, 2004, 2005, 2006]


def test_consensus_overrides_an_automatic_exclusion(tmp_path) -> None:
    review, protocol = _copy(tmp_path)
    state = review_state.load(protocol, review)
    old = state.automatic[0].record_id
    assert state.title_abstract[old].source == "automatic"
    DecisionLog(review / "screening", protocol).record([Decision(old, "title_abstract", "consensus", "include",
                                                                 note="a classic; include despite I1")])
    again = review_state.load(protocol, review)
    assert again.title_abstract[old].reviewer == "consensus"
    assert again.prisma_counts().excluded_automatic == 1


def test_form_rows_are_added_for_new_studies_only(tmp_path) -> None:
    review, protocol = _copy(tmp_path)
    (review / "appraisal" / "reviewer_2.csv").unlink()
    before = (review / "appraisal" / "reviewer_1.csv").read_bytes()
    added = review_state.add_form_rows(protocol, review)
    assert added == {review / "appraisal" / "reviewer_1.csv": 0, review / "appraisal" / "reviewer_2.csv": 4,
                     review / "extraction" / "extraction.csv": 0}
    assert (review / "appraisal" / "reviewer_1.csv").read_bytes() == before
    lines = (review / "appraisal" / "reviewer_2.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "record_id,study,design,S1,S2,C1,C2,C3,C4,C5,comment"
    assert sorted(line.split(",")[1] for line in lines[1:]) == ["Buttle (2004)", "Payne & Frow (2005)",
                                                               "Payne (2006)", "Reinartz et al. (2004)"]
