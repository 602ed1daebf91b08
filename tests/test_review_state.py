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
    assert state.from_corpus and len(state.records) == 10
    counts = state.prisma_counts()
    counts.check()
    # review/screening holds example decisions: 1 work before 2004 fails I1 automatically; of 9 screened,
    # 6 are excluded and 3 sought (two after a consensus decision); E4 (not obtained) for 1; of 2 assessed,
    # 1 excluded for I4 by a consensus decision at full text, 1 included.
    assert (counts.excluded_automatic, counts.records_screened, counts.records_excluded, counts.dbr_sought_reports,
            counts.dbr_notretrieved_reports, counts.dbr_assessed, counts.dbr_excluded, counts.new_studies) == (
        1, 9, 6, 3, 1, 2, {"I4": 1}, 1)
    assert [(r.authors[0], r.year) for r in state.included] == [("Christy, A. Joy", 2021)]


def test_consensus_overrides_an_automatic_exclusion(tmp_path) -> None:
    review, protocol = _copy(tmp_path)
    state = review_state.load(protocol, review)
    old = state.automatic[0].record_id
    assert state.title_abstract[old].source == "automatic"
    DecisionLog(review / "screening", protocol).record([Decision(old, "title_abstract", "consensus", "include",
                                                                 note="a classic; include despite I1")])
    again = review_state.load(protocol, review)
    assert again.title_abstract[old].reviewer == "consensus"
    assert again.prisma_counts().excluded_automatic == 0


def test_form_rows_are_added_for_new_studies_only(tmp_path) -> None:
    review, protocol = _copy(tmp_path)
    (review / "appraisal" / "reviewer_2.csv").unlink()
    before = (review / "appraisal" / "reviewer_1.csv").read_bytes()
    added = review_state.add_form_rows(protocol, review)
    assert added == {review / "appraisal" / "reviewer_1.csv": 0, review / "appraisal" / "reviewer_2.csv": 1,
                     review / "extraction" / "extraction.csv": 0}
    assert (review / "appraisal" / "reviewer_1.csv").read_bytes() == before
    lines = (review / "appraisal" / "reviewer_2.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "record_id,study,design,S1,S2,C1,C2,C3,C4,C5,comment"
    assert [line.split(",")[1] for line in lines[1:]] == ["Christy et al. (2021)"]


CITATIONS = """TY  - JOUR
AU  - Christy, A. J.
PY  - 2021
TI  - RFM ranking: an effective approach to customer segmentation
JO  - J King Saud Univ Comput Inf Sci
VL  - 33
SP  - 1251
ER  -

TY  - JOUR
AU  - Kumar, V.
PY  - 2008
TI  - Customer lifetime value approaches and best practice applications
JO  - Journal of Interactive Marketing
VL  - 18
SP  - 60
ER  -

TY  - JOUR
AU  - Kumar, V.
PY  - 2008
TI  - Customer Lifetime Value Approaches and Best Practice Applications.
JO  - J Interact Mark
VL  - 18
SP  - 60-72
ER  -

TY  - BOOK
AU  - Hannus, J.
PY  - 2004
TI  - Strateginen uudistuminen ja toiminnan kehittäminen
ER  -
"""


def test_records_found_by_citation_searching_go_to_full_text(tmp_path) -> None:
    review, protocol = _copy(tmp_path)
    text = (review / "protocol.yaml").read_text(encoding="utf-8").replace("\ncriteria:", (
        "\nother_methods:\n  - kind: citations\n    description: Reference lists of the included studies\n"
        "    export_dir: other/citations\n\ncriteria:"), 1)
    (review / "protocol.yaml").write_text(text, encoding="utf-8")
    (review / "other" / "citations").mkdir(parents=True)
    (review / "other" / "citations" / "backward.ris").write_text(CITATIONS, encoding="utf-8")
    protocol = load_protocol(review / "protocol.yaml")
    state = review_state.load(protocol, review)
    # Christy 2021 is already in the corpus; the two Kumar records are one work
    assert [r.title[:20] for r in state.other["citations"]] == ["Customer lifetime va", "Strateginen uudistum"]
    assert (state.other_already_found, state.other_repeated) == (1, 1)
    kumar, hannus = (r.id for r in state.other["citations"])
    assert [r.id for r in state.to_screen("full_text")][-2:] == [kumar, hannus]
    assert kumar not in {r.id for r in state.to_screen("title_abstract")}
    with_ft = review_state.load(protocol, review).prisma_counts()
    assert with_ft.awaiting_full_text == 2  # the two new reports are not decided yet
    DecisionLog(review / "screening", protocol).record([
        Decision(kumar, "full_text", "consensus", "include"), Decision(hannus, "full_text", "consensus", "exclude",
                                                                       ("I4",))])
    state = review_state.load(protocol, review)
    counts = state.prisma_counts()
    counts.check()
    assert (counts.other_specific_results, counts.other_sought_reports, counts.other_assessed,
            counts.other_excluded, counts.new_studies) == ({"citations": 2}, 2, 2, {"I4": 1}, 2)
    assert state.included[-1].id == kumar and state.by_id[kumar].databases == ["Citation searching"]


def test_not_retrieved_is_what_the_protocol_declares_never_a_guess_from_a_code(tmp_path) -> None:
    """A full-text criterion E4 'Wrong study design' is an exclusion, not 'reports not retrieved'."""
    review = tmp_path / "review"
    shutil.copytree(ROOT / "review", review)
    text = (review / "protocol.yaml").read_text(encoding="utf-8")
    declared = "    outcome: not_retrieved               # counted as 'reports not retrieved' in the PRISMA flow"
    text = text.replace("    text: Full text not available to the reviewer.\n    stage: full_text\n" + declared,
                        "    text: Wrong study design.\n    stage: full_text")
    (review / "protocol.yaml").write_text(text, encoding="utf-8")
    protocol = load_protocol(review / "protocol.yaml")
    state = review_state.load(protocol, review)
    sought = [r for r in state.to_screen("full_text") if r.id not in state.full_text]
    record = sought[0] if sought else state.to_screen("full_text")[0]
    DecisionLog(review / "screening", protocol).record([Decision(record.id, "full_text", "consensus", "exclude",
                                                                 ("E4",))])
    counts = review_state.load(protocol, review).prisma_counts()
    declared = load_protocol(ROOT / "review" / "protocol.yaml")
    assert [c.code for c in declared.criteria if c.outcome == "not_retrieved"] == ["E4"]
    before = review_state.load(declared, ROOT / "review").prisma_counts().dbr_notretrieved_reports
    assert counts.dbr_notretrieved_reports == 0 and counts.dbr_excluded.get("E4") == before + 1
