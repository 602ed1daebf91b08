"""Appraisal files: validation against the instrument, scoring and threshold, reviewers' agreement and
conflicts, summary tables, templates that never overwrite."""

from __future__ import annotations

import pytest

from review_tools import appraisal, instruments

JBI = instruments.builtin("jbi_qualitative")
MMAT = instruments.builtin("mmat_2018")
ITEMS = [f"Q{i}" for i in range(1, 11)]


def _write(folder, reviewer, rows, header=None):
    folder.mkdir(parents=True, exist_ok=True)
    header = header or ["record_id", "study", *ITEMS, "comment"]
    lines = [",".join(header), *(",".join(r) for r in rows)]
    (folder / f"{reviewer}.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_reads_every_reviewer_and_normalises_answers(tmp_path) -> None:
    _write(tmp_path, "anna", [["r1", "Smith (2004)", *["Yes"] * 9, "Unclear", "ok"]])
    _write(tmp_path, "ben", [["r1", "Smith (2004)", *["yes"] * 10, ""]])
    got, problems = appraisal.read_appraisals(tmp_path, JBI, {"r1"})
    assert problems == []
    assert [(a.reviewer, a.answers["Q10"], a.line) for a in got] == [("anna", "unclear", 2), ("ben", "yes", 2)]


def test_bad_rows_are_reported_with_file_line_and_column_and_the_rest_is_read(tmp_path) -> None:
    header = ["record_id", "study", *ITEMS[:9], "Q11", "comment"]
    _write(tmp_path, "anna", [
        ["r1", "A", *["yes"] * 8, "perhaps", "yes", ""],   # answer off the scale
        ["r9", "B", *["yes"] * 10, ""],                    # not an included study
        ["r2", "C", *["no"] * 10, ""],
        ["r2", "C again", *["yes"] * 10, ""],              # rated twice
        ["", "D", *["yes"] * 10, ""],
    ], header=header)
    got, problems = appraisal.read_appraisals(tmp_path, JBI, {"r1", "r2"})
    path = str(tmp_path / "anna.csv")
    assert [str(p) for p in problems] == [
        f"{path}:1 Q11: not an item of jbi_qualitative (items: {', '.join(ITEMS)}); its answers are ignored",
        f"{path}:2 Q9: 'perhaps' is not on the scale (yes, no, unclear, not applicable); left unanswered",
        f"{path}:3 record_id: 'r9' is not an included study; the row is skipped",
        f"{path}:5 record_id: 'r2' is already rated on line 4; this row is skipped (keep one row per study)",
        f"{path}:6 record_id: empty; the row is skipped",
    ]
    assert [(a.record_id, len(a.answers)) for a in got] == [("r1", 8), ("r2", 9)]


def test_multi_design_instrument_needs_a_known_design(tmp_path) -> None:
    header = ["record_id", "design", "S1", "S2", "C1", "C2", "C3", "C4", "C5"]
    _write(tmp_path, "anna", [["r1", "qualitative", *["yes"] * 7], ["r2", "survey", *["yes"] * 7]], header=header)
    got, problems = appraisal.read_appraisals(tmp_path, MMAT)
    assert [a.design for a in got] == ["qualitative"]
    assert "anna.csv:3 design: 'survey' is not one of qualitative, randomized" in str(problems[0])
    _write(tmp_path, "anna", [["r1", *["yes"] * 7]], header=header[:1] + header[2:])
    assert "no design column" in str(appraisal.read_appraisals(tmp_path, MMAT)[1][0])


def test_file_named_badly_or_unreadable_is_reported_and_others_still_read(tmp_path) -> None:
    _write(tmp_path, "anna", [["r1", "A", *["yes"] * 10, ""]])
    (tmp_path / "bad name.csv").write_text("record_id\nr1\n", encoding="utf-8")
    (tmp_path / "cp.csv").write_bytes("record_id,study\nr1,M\xe4ki\n".encode("cp1252"))
    got, problems = appraisal.read_appraisals(tmp_path, JBI)
    assert [a.reviewer for a in got] == ["anna"]
    assert len(problems) == 2
    assert "must be <reviewer>.csv" in str(problems[0]) and "not UTF-8" in str(problems[1])


def _jbi(answers, rid="r1", reviewer="anna"):
    return appraisal.StudyAppraisal(rid, reviewer, "all", dict(zip(ITEMS, answers, strict=False)))


def test_percent_and_count_scoring_with_threshold() -> None:
    a = _jbi(["yes"] * 6 + ["no", "unclear", "not applicable", "not applicable"])
    s = appraisal.score(a, JBI, "percent_yes", 75)
    assert (s.positive, s.applicable, s.value, s.passed) == (6, 8, 75.0, True)   # 6 of 8 applicable
    assert appraisal.score(a, JBI, "percent_yes", 76).status == "below threshold"
    s = appraisal.score(a, JBI, "count_yes", 7)
    assert (s.value, s.passed) == (6.0, False)
    incomplete = appraisal.score(_jbi(["yes"] * 9), JBI, "percent_yes", 50)
    assert (incomplete.value, incomplete.passed, incomplete.status) == (None, None, "incomplete: Q10 not answered")


def test_screening_questions_must_be_met_and_free_text_is_not_scored() -> None:
    mmat = appraisal.StudyAppraisal("r1", "anna", "descriptive",
                                    {"S1": "yes", "S2": "can't tell", **{f"C{i}": "yes" for i in range(1, 6)}})
    assert appraisal.score(mmat, MMAT, "percent_yes", 0).status == "screening questions not met"
    casp = instruments.builtin("casp_qualitative")
    answers = {f"Q{i}": "yes" for i in range(1, 10)} | {"Q4": "no"}
    s = appraisal.score(appraisal.StudyAppraisal("r1", "anna", "all", answers), casp, "percent_yes", 80)
    assert (s.positive, s.applicable, round(s.value, 1), s.passed) == (6, 7, 85.7, True)  # Q3-Q9; Q10 free text


def test_final_appraisals_consensus_agreement_and_conflicts() -> None:
    same = ["yes"] * 10
    ratings = [_jbi(same, "r1", "anna"), _jbi(same, "r1", "ben"),
               _jbi(same, "r2", "anna"), _jbi(["no", *same[1:]], "r2", "ben"),
               _jbi(same, "r3", "anna"), _jbi(["no", *same[1:]], "r3", "ben"), _jbi(["unclear", *same[1:]], "r3",
                                                                                    "consensus"),
               _jbi(same, "r4", "ben")]
    final, conflicts = appraisal.final_appraisals(ratings)
    assert sorted(final) == ["r1", "r3", "r4"]
    assert final["r3"].reviewer == "consensus"
    assert conflicts == [appraisal.Conflict("r2", {"Q1": {"anna": "yes", "ben": "no"}})]
    agree = appraisal.agreement(ratings, "anna", "ben", JBI)
    # 3 studies in common x 10 items; 2 disagreements (Q1 of r2 and r3): anna all yes; ben 28 yes, 2 no.
    # p_o = 28/30; p_e = (30/30)(28/30) + 0 = 28/30, so kappa = 0 (anna never varies).
    assert (agree.studies, agree.ratings, round(agree.percent, 4), agree.kappa) == (3, 30, 0.9333, 0.0)
    mixed = [_jbi(["yes", "no", "yes", "no", "yes", "no"], "x", "anna"), _jbi(["yes", "no", "no", "no", "yes", "no"],
                                                                              "x", "ben")]
    # 6 ratings, 5 agree; marginals anna 3 yes/3 no, ben 2 yes/4 no: p_e = .5*.333 + .5*.667 = .5;
    # kappa = (5/6 - .5) / .5 = 0.6667
    assert round(appraisal.agreement(mixed, "anna", "ben", JBI).kappa, 4) == 0.6667
    with pytest.raises(ValueError, match="no rated item in common"):
        appraisal.agreement(ratings, "anna", "carl", JBI)


def test_summary_tables() -> None:
    final = {"r1": _jbi(["yes"] * 10), "r2": _jbi(["no"] * 5 + ["yes"] * 5, "r2")}
    scores = {r: appraisal.score(a, JBI, "percent_yes", 60) for r, a in final.items()}
    table = appraisal.summary_table(final, JBI, scores, {"r2": "Buttle (2004)", "r1": "Payne (2005)",
                                                         "r3": "Smith (1956)"})
    assert list(table["study"]) == ["Buttle (2004)", "Payne (2005)", "Smith (1956)"]
    assert list(table["score"]) == ["50", "100", ""]
    assert list(table["result"]) == ["below threshold", "meets threshold", "not appraised"]
    table = appraisal.summary_table(final, JBI, scores, {"r3": "Smith (1956)"}, [appraisal.Conflict("r3")])
    assert list(table["result"]) == ["reviewers differ"]
    items = appraisal.item_summary(final, JBI)
    assert items.loc[0, ["item", "yes", "no", "not answered"]].tolist() == ["Q1", 1, 1, 0]
    assert list(appraisal.item_summary({}, MMAT)["item"]) == ["S1", "S2", "C1", "C2", "C3", "C4", "C5"]


def test_template_adds_studies_and_keeps_ratings(tmp_path) -> None:
    path = tmp_path / "anna.csv"
    assert appraisal.write_template(path, MMAT, {"r1": "Payne (2005)"}) == 1
    assert path.read_text(encoding="utf-8").splitlines()[0] == "record_id,study,design,S1,S2,C1,C2,C3,C4,C5,comment"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("r1,Payne (2005),,,,", "r1,Payne (2005),qualitative,yes,yes"), encoding="utf-8")
    assert appraisal.write_template(path, MMAT, {"r1": "x", "r2": "Yim et al. (2004)"}) == 1
    got, problems = appraisal.read_appraisals(tmp_path, MMAT)
    assert problems == []
    assert [(a.record_id, a.design, dict(a.answers)) for a in got] == [
        ("r1", "qualitative", {"S1": "yes", "S2": "yes"})]  # r2's empty template row is not an appraisal
    assert path.read_text(encoding="utf-8").splitlines()[1:] == ["r1,Payne (2005),qualitative,yes,yes,,,,,",
                                                                 "r2,Yim et al. (2004),,,,,,,,,"]


def test_failed_screening_needs_no_further_answers() -> None:
    nonempirical = appraisal.StudyAppraisal("r1", "anna", "qualitative", {"S1": "no", "S2": "no"})
    s = appraisal.score(nonempirical, MMAT, "percent_yes", 60)
    assert (s.passed, s.status) == (False, "screening questions not met")
    half = appraisal.StudyAppraisal("r1", "anna", "qualitative", {"S1": "yes"})
    assert appraisal.score(half, MMAT, "percent_yes", 60).status == "incomplete: S2, C1, C2, C3, C4, C5 not answered"


def test_appraise_reads_reconciles_scores_and_names_the_result(tmp_path) -> None:
    _write(tmp_path, "anna", [["r1", "A", *["yes"] * 10, ""], ["r2", "B", *["yes"] * 10, ""],
                              ["r3", "C", *["no"] * 5, *["yes"] * 5, ""]])
    _write(tmp_path, "ben", [["r1", "A", *["yes"] * 10, ""], ["r2", "B", "no", *["yes"] * 9, ""]])
    result = appraisal.appraise(tmp_path, JBI, "percent_yes", 60, {"r1", "r2", "r3"})
    assert sorted(result.final) == ["r1", "r3"] and [c.record_id for c in result.conflicts] == ["r2"]
    assert result.quality() == {"r1": "100: meets threshold", "r2": "reviewers differ", "r3": "50: below threshold"}
    [ag] = result.agreements()
    assert (ag.reviewers, ag.studies, ag.ratings) == (("anna", "ben"), 2, 20)
