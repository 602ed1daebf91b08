"""The one-pass structure check that lets rispy read a well-formed RIS/WoS file whole, and its fallback."""

from __future__ import annotations

import pytest

from review_tools.io.tagged import _well_formed, read_ris, read_wos

REC = "TY  - JOUR\nTI  - {}\nER  - \n"
WOS = "FN Clarivate Analytics Web of Science\nVR 1.0\nPT J\nTI First\nER\n\nPT J\nTI Second\nER\n\nEF\n"


def test_line_numbers_of_a_good_ris_file() -> None:
    text = REC.format("a") + "\n\n" + REC.format("b") + REC.format("c")
    assert _well_formed(text, "TY", "ER") == [1, 6, 9]


def test_line_numbers_of_a_wos_file_with_header_and_end_of_file_tag() -> None:
    assert _well_formed(WOS, "PT", "ER") == [3, 7]
    records, problems = read_wos(WOS, "x.txt")
    assert [r.line for r in records] == [3, 7] and [r.title for r in records] == ["First", "Second"]
    assert problems == []


@pytest.mark.parametrize("text", [
    REC.format("a") + "stray note\n" + REC.format("b"),  # text between records
    "TY  - JOUR\nTI  - a\n" + REC.format("b"),  # a record not closed before the next
    REC.format("a") + "TY  - JOUR\nTI  - b\n",  # last record truncated
    "ER  - \n" + REC.format("a"),  # an end tag before any record
    REC.format("a") + "ER  - \n",  # an end tag outside a record
    "Exported from somewhere\n" + REC.format("a"),  # a header that is not FN/VR
    REC.format("a") + "\ntrailing words\n",  # text after the last record
    "no records here\n",
])
def test_anything_else_is_not_well_formed(text: str) -> None:
    assert _well_formed(text, "TY", "ER") is None


def test_stray_text_is_reported_with_its_line_and_both_records_kept() -> None:
    records, problems = read_ris(REC.format("a") + "\nstray note\n" + REC.format("b"), "x.ris")
    assert [r.title for r in records] == ["a", "b"] and [r.line for r in records] == [1, 6]
    assert [(p.line, p.reason) for p in problems] == [(5, "text outside any record (no TY tag) ignored from this line")]
