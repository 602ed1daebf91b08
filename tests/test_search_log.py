"""The search log: appended, read back exactly, spreadsheet-safe, and the mismatch spelled out."""

from __future__ import annotations

from review_tools import search_log


def row(**changes) -> search_log.LogRow:
    values = dict(database="OpenAlex", connector="openalex", endpoint="https://api.openalex.org",
                  query_sent="filter=title_and_abstract.search:crm", translated_from="generic: crm",
                  date_window="all dates", since="", started="2026-11-30T10:00:00Z", finished="2026-11-30T10:01:00Z",
                  reported=120, fetched=120, kept=120, file="searches/openalex/x.ris", status="complete",
                  warnings="", tool_version="0.1.0")
    values.update(changes)
    return search_log.LogRow(**values)


def test_rows_are_appended_and_read_back_unchanged(tmp_path) -> None:
    search_log.append(tmp_path, row())
    search_log.append(tmp_path, row(database="Europe PMC", query_sent="=HYPERLINK(\"x\")", reported=130, fetched=100,
                                    warnings="a | b"))
    text = (tmp_path / search_log.LOG_FILE).read_text(encoding="utf-8")
    assert text.count("\n") == 3 and "'=HYPERLINK" in text  # a formula is kept from running in a spreadsheet
    table = search_log.read(tmp_path)
    assert table["database"].tolist() == ["OpenAlex", "Europe PMC"]
    assert table["query_sent"].tolist()[1] == '=HYPERLINK("x")'
    assert table["reported"].tolist() == [120, 130]
    assert search_log.latest(tmp_path)["Europe PMC"]["fetched"] == 100
    assert search_log.report_table(tmp_path)["reported vs fetched"].tolist() == ["", "+30 not fetched"]


def test_no_log_is_an_empty_table(tmp_path) -> None:
    assert search_log.read(tmp_path).empty and search_log.report_table(tmp_path).empty


def test_a_string_changed_after_the_newest_run_is_flagged(tmp_path) -> None:
    from types import SimpleNamespace

    search_log.append(tmp_path, row(translated_from="generic: crm AND pharma*"))
    same = SimpleNamespace(name="OpenAlex", search_syntax="generic", search_string="crm  AND\npharma*")
    changed = SimpleNamespace(name="OpenAlex", search_syntax="generic", search_string="crm AND (pharma* OR drug*)")
    never = SimpleNamespace(name="PubMed", search_syntax="pubmed", search_string="x")
    assert search_log.stale(tmp_path, [same, never]) == []
    [warning] = search_log.stale(tmp_path, [changed])
    assert warning.startswith("OpenAlex: the protocol's search string changed after the newest search run")
