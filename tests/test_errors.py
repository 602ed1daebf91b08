"""The one problem type for files people write, and the error that lists every problem."""

from __future__ import annotations

from review_tools.errors import Problem, ProblemsError


def test_problem_names_file_line_and_place() -> None:
    assert str(Problem("a.csv", 3, "Q1", "'maybe' is not on the scale")) == "a.csv:3 Q1: 'maybe' is not on the scale"
    assert str(Problem("a.csv", None, "", "not UTF-8 text")) == "a.csv: not UTF-8 text"


def test_error_lists_every_problem_under_its_heading() -> None:
    problems = [Problem("p.yaml", 4, "criteria[0].code", "duplicate"), Problem("p.yaml", 9, "", "bad date")]
    error = ProblemsError(problems, "2 problem(s) in the protocol:")
    assert error.problems == problems
    assert str(error) == "2 problem(s) in the protocol:\np.yaml:4 criteria[0].code: duplicate\np.yaml:9: bad date"
    assert str(ProblemsError(problems[1:])) == "p.yaml:9: bad date"
