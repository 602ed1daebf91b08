"""Reading people's CSV forms and adding template rows without touching existing ones."""

from __future__ import annotations

import pytest

from review_tools.errors import Problem
from review_tools.forms import FormError, add_rows, problems_table, read_rows, unexpected_columns


def test_rows_keep_their_line_numbers_and_accept_excel_utf8(tmp_path) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes("\ufeffrecord_id, study \r\nr1,Smith (2004)\r\n\r\n,,\r\nr2,\"Yim, F. (2004)\"\r\n".encode())
    header, rows, problems = read_rows(path)
    assert header == ["record_id", "study"]
    assert problems == []
    assert rows == [(2, {"record_id": "r1", "study": "Smith (2004)"}),
                    (5, {"record_id": "r2", "study": "Yim, F. (2004)"})]


def test_not_utf8_and_extra_cells_are_named(tmp_path) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes("record_id,study\nr1,M\xe4kinen\n".encode("cp1252"))
    with pytest.raises(FormError, match=r"a\.csv: not UTF-8 text .*CSV UTF-8"):
        read_rows(path)
    path.write_text("record_id,study\nr1,Smith, J. (2004)\nr2,Payne\n", encoding="utf-8")
    _, rows, problems = read_rows(path)
    assert rows == [(3, {"record_id": "r2", "study": "Payne"})]
    assert [str(p) for p in problems] == [f"{path}:2: 3 cells but 2 columns in the header (an unquoted comma?); "
                                          "the row is skipped"]


def test_add_rows_never_changes_existing_rows(tmp_path) -> None:
    path = tmp_path / "f.csv"
    assert add_rows(path, ["record_id", "study", "q"], [{"record_id": "r1", "study": "A"}]) == 1
    path.write_text(path.read_text(encoding="utf-8").replace("r1,A,", "r1,A,yes"), encoding="utf-8")
    before = path.read_text(encoding="utf-8")
    assert add_rows(path, ["record_id", "study", "q"], [{"record_id": "r1", "study": "changed"},
                                                        {"record_id": "r2", "study": "B"}]) == 1
    after = path.read_text(encoding="utf-8")
    assert after.startswith(before)
    assert after.splitlines() == ["record_id,study,q", "r1,A,yes", "r2,B,"]
    assert add_rows(path, ["record_id", "study", "q"], [{"record_id": "r2"}]) == 0
    assert not list(tmp_path.glob(".*tmp*"))


def test_add_rows_refuses_a_file_that_is_not_utf8(tmp_path) -> None:
    path = tmp_path / "f.csv"
    path.write_bytes("record_id,study\nr1,M\xe4ki\n".encode("cp1252"))
    before = path.read_bytes()
    with pytest.raises(FormError, match="not UTF-8 text"):
        add_rows(path, ["record_id", "study"], [{"record_id": "r2"}])
    assert path.read_bytes() == before


def test_unexpected_columns_and_the_problems_table() -> None:
    problems = unexpected_columns("dir/a.csv", ["record_id", "Q1", "", "Q9"], ("record_id", "Q1"), "an item")
    assert problems == [Problem("dir/a.csv", 1, "Q9", "not an item")]
    table = problems_table([*problems, Problem("dir/a.csv", None, "", "not UTF-8 text")], where="field")
    assert list(table.columns) == ["file", "line", "field", "problem"]
    assert table.values.tolist() == [["a.csv", 1, "Q9", "not an item"], ["a.csv", "", "", "not UTF-8 text"]]
