"""Live searches end to end against a fake API on 127.0.0.1: export and log, faults, resume, caps, secrets."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pytest
import yaml

sys.path.insert(0, str(Path(__file__).parent / "connectors"))
from fakeapi import FakeApi, FakeServer

from review_tools import live_search, search_log
from review_tools.connectors import Connector, Page, Query, Window
from review_tools.connectors.settings import ConnectorSettings
from review_tools.io.importer import import_file
from review_tools.protocol import load_protocol

ROOT = Path(__file__).resolve().parents[1]
STRING = '(segment* OR "customer portfolio") AND ("customer relationship management" OR CRM) AND pharma*'


def make_review(tmp_path: Path, databases: list[dict]) -> Path:
    doc = yaml.safe_load((ROOT / "review" / "protocol.yaml").read_text(encoding="utf-8"))
    doc["databases"] = [{"platform": "API", "date_searched": "2026-11-30", "search_string": STRING,
                         "syntax": "generic", **d} for d in databases]
    review = tmp_path / "review"
    review.mkdir()
    (review / "protocol.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return review


def plans(review: Path, url: str, names=(), **env):
    protocol = load_protocol(review / "protocol.yaml")
    environ = {"REVIEW_TOOLS_CONFIG": str(review / "none.toml"), "REVIEW_TOOLS_OPENALEX_URL": url,
               "REVIEW_TOOLS_EUROPEPMC_URL": url, **env}
    found, errors = live_search.make_plans(protocol, names, env=environ, sleep=lambda s: None, backoff=0)
    assert not errors
    return found


OPENALEX = {"name": "OpenAlex", "connector": "openalex", "export_dir": "searches/openalex"}


def test_a_search_saves_an_importable_export_and_a_log_row_without_secrets(tmp_path) -> None:
    review = make_review(tmp_path, [OPENALEX])
    with FakeServer(FakeApi(250)) as server:
        [plan] = plans(review, server.url, OPENALEX_API_KEY="KEY-123-SECRET", OPENALEX_MAILTO="me@uni.example")
        assert any("stems words" in w for w in plan.warnings)
        outcome = live_search.run_search(plan, review, progress=False, say=lambda s: None)
        assert all("api_key=KEY-123-SECRET" in r for r in server.api.requests[1:])
    assert (outcome.reported, outcome.fetched, outcome.kept, outcome.status) == (250, 250, 250, "complete")
    imported = import_file(outcome.export, database="OpenAlex")
    assert imported.imported == 250 and not imported.problems
    first = imported.records[0]
    assert first.accession == "W1000000" and first.authors == ["Author0-0 Surname0", "Author0-1 Surname1",
                                                                "Author0-2 Surname2"]
    assert first.doi == "10.5555/fake.0" and first.abstract
    [row] = search_log.read(review).to_dict("records")
    assert row["reported"] == 250 and row["fetched"] == 250 and row["status"] == "complete"
    assert row["query_sent"].startswith("filter=title_and_abstract.search:(segment OR")
    assert row["endpoint"] == server.url and row["file"].startswith("searches/openalex/")
    assert "stems words" in row["warnings"] and row["translated_from"].startswith("generic: (segment*")
    for path in [review / search_log.LOG_FILE, outcome.export]:
        text = path.read_text(encoding="utf-8")
        assert "KEY-123-SECRET" not in text and "uni.example" not in text
    assert not list(outcome.export.parent.glob(".search-*"))  # state and part files are gone


def test_429_500_and_a_dropped_connection_are_retried_and_nothing_is_lost(tmp_path) -> None:
    review = make_review(tmp_path, [OPENALEX])
    with FakeServer(FakeApi(250, faults={2: "429", 3: "500", 5: "drop"})) as server:
        [plan] = plans(review, server.url)
        outcome = live_search.run_search(plan, review, progress=False, say=lambda s: None)
        assert len(server.api.requests) == 1 + 3 + 3  # count, three pages, three retries
    assert outcome.fetched == 250 and len(import_file(outcome.export).records) == 250


def test_a_failure_keeps_the_pages_and_the_next_run_resumes_from_there(tmp_path) -> None:
    review = make_review(tmp_path, [OPENALEX])
    with FakeServer(FakeApi(250, faults={4: "down"})) as server:
        [plan] = plans(review, server.url)
        with pytest.raises(live_search.SearchInterrupted) as caught:
            live_search.run_search(plan, review, progress=False, say=lambda s: None)
    message = str(caught.value)
    assert "stopped after 200 of 250 records" in message and "again to resume" in message
    assert '--database "OpenAlex"' in message
    assert search_log.read(review)["status"].tolist() == ["interrupted"]
    said: list[str] = []
    with FakeServer(FakeApi(250)) as server:
        [plan] = plans(review, server.url)
        outcome = live_search.run_search(plan, review, progress=False, say=said.append)
        assert "cursor=200&" in server.api.requests[0]
        assert len(server.api.requests) == 1  # only the missing page was fetched
    assert "resuming" in said[0] and "200 records already fetched" in said[0]
    records = import_file(outcome.export).records
    assert len(records) == 250 and len({r.accession for r in records}) == 250
    assert search_log.read(review)["status"].tolist() == ["interrupted", "complete"]


def test_an_empty_page_and_a_changed_total_are_shown_not_hidden(tmp_path) -> None:
    review = make_review(tmp_path, [OPENALEX])
    with FakeServer(FakeApi(250, faults={2: "total+5", 3: "empty"})) as server:
        [plan] = plans(review, server.url)
        outcome = live_search.run_search(plan, review, progress=False, say=lambda s: None)
    assert outcome.reported == 255 and outcome.fetched == 100
    assert outcome.mismatch == "155 of 255 reported records not fetched"
    assert any("changed from 250 to 255" in n for n in outcome.notes)
    table = search_log.report_table(review)
    assert table["reported vs fetched"].tolist() == ["+155 not fetched"]


def test_every_run_gets_its_own_export_and_a_changed_query_does_not_resume_an_old_one(tmp_path) -> None:
    review = make_review(tmp_path, [OPENALEX])
    with FakeServer(FakeApi(30)) as server:
        [plan] = plans(review, server.url)
        first = live_search.run_search(plan, review, progress=False, say=lambda s: None)
        second = live_search.run_search(plan, review, progress=False, say=lambda s: None)
    assert first.export != second.export and first.export.exists() and second.export.exists()
    folder = review / "searches" / "openalex"
    (folder / ".search-openalex.json").write_text('{"query": "old", "since": "", "fetched": 7}')
    with FakeServer(FakeApi(30)) as server:
        [plan] = plans(review, server.url)
        with pytest.raises(live_search.SearchInterrupted, match="another query"):
            live_search.run_search(plan, review, progress=False, say=lambda s: None)


def test_dry_run_counts_and_writes_nothing(tmp_path) -> None:
    review = make_review(tmp_path, [OPENALEX, {"name": "Europe PMC", "connector": "europepmc",
                                               "export_dir": "searches/epmc"}])
    with FakeServer(FakeApi(1234)) as server:
        found = plans(review, server.url)
        assert [live_search.dry_run(p) for p in found] == [1234, 1234]
    assert not (review / "searches").exists() and not (review / search_log.LOG_FILE).exists()


class _Dated(Connector):
    """A connector over a fixed list of publication dates, with a cap of 10 records a query."""

    name, label, endpoint, target, page_size, cap = "dated", "Dated", "http://unused", "generic", 4, 10

    def __init__(self, dates: list[dt.date | None], unit: str = "day"):
        self.dates, self.unit, self.settings, self.base = dates, unit, ConnectorSettings("dated"), "http://unused"
        self.counts = 0

    def _hits(self, query: Query) -> list[int]:
        w = query.window
        return [i for i, d in enumerate(self.dates) if w.whole or (d is not None and (w.start or dt.date.min) <= d
                                                                   <= (w.end or dt.date.max))]

    def count(self, query: Query) -> int:
        self.counts += 1
        return len(self._hits(query))

    def page(self, query: Query, state):
        from review_tools.records import Record

        hits = self._hits(query)
        start = (state or {}).get("start", 0)
        chunk = hits[start:start + self.page_size][: max(0, self.cap - start)]
        end = start + len(chunk)
        return Page([Record(title=f"r{i}", accession=str(i)) for i in chunk], len(hits),
                    {"start": end} if chunk and end < min(len(hits), self.cap) else None, "dated")

    def sent(self, query: Query) -> str:
        return f"{query.text} [{query.window}]"

    def close(self) -> None:
        pass


def test_a_result_over_the_cap_is_split_by_date_and_what_cannot_be_fetched_is_said(tmp_path) -> None:
    review = make_review(tmp_path, [{"name": "Dated", "export_dir": "searches/dated"}])
    db = load_protocol(review / "protocol.yaml").databases[0]
    dates = [dt.date(2000 + i % 20, 1 + i % 12, 1 + i % 28) for i in range(60)] + [dt.date(2024, 5, 5)] * 12 + [None]
    plan = live_search.Plan(db, _Dated(dates), "q", [])
    found, total, notes = live_search.windows(plan, None, today=dt.date(2026, 11, 30))
    assert total == 73 and all(n <= 10 for w, n in found if w.start != w.end)
    assert sum(n for _, n in found) == 72
    assert any("2024-05-05 to 2024-05-05: 12 records in one day, over the cap of 10; 2 of them" in n for n in notes)
    assert any("1 have no publication date" in n for n in notes)
    outcome = live_search.run_search(plan, review, today=dt.date(2026, 11, 30), progress=False, say=lambda s: None)
    assert outcome.fetched == 70 and outcome.status == "capped"
    assert len({r.accession for r in import_file(outcome.export).records}) == 70


def test_window_halves_by_day_and_by_year() -> None:
    w = Window(dt.date(2020, 1, 1), dt.date(2020, 1, 4))
    assert w.halves("day", dt.date(2026, 1, 1)) == (Window(dt.date(2020, 1, 1), dt.date(2020, 1, 2)),
                                                    Window(dt.date(2020, 1, 3), dt.date(2020, 1, 4)))
    assert Window(dt.date(2020, 1, 1), dt.date(2020, 12, 31)).halves("year", dt.date(2026, 1, 1)) is None
    assert Window(dt.date(2020, 3, 3), dt.date(2020, 3, 3)).halves("day", dt.date(2026, 1, 1)) is None


def test_ctrl_c_keeps_the_pages_and_says_how_to_resume(tmp_path, monkeypatch) -> None:
    review = make_review(tmp_path, [OPENALEX])
    with FakeServer(FakeApi(250)) as server:
        [plan] = plans(review, server.url)
        real_page, calls = plan.connector.page, []

        def page_then_stop(query, state):
            calls.append(state)
            if len(calls) == 2:
                raise KeyboardInterrupt
            return real_page(query, state)

        monkeypatch.setattr(plan.connector, "page", page_then_stop)
        with pytest.raises(live_search.SearchInterrupted) as caught:
            live_search.run_search(plan, review, progress=False, say=lambda s: None)
    assert caught.value.by_user and "stopped after 100 of 250 records: stopped by the user" in str(caught.value)
    assert (review / "searches" / "openalex" / ".search-openalex.part.jsonl").read_bytes().count(b"\n") == 100
