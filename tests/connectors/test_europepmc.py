"""Europe PMC on recorded replies: core records, ten chained cursor pages, the empty result."""

from __future__ import annotations

import json
import re

from fakeapi import Replay, params, recorded

from review_tools.connectors import Query
from review_tools.connectors.europepmc import EuropePMC
from review_tools.connectors.settings import ConnectorSettings


def connector(replies) -> tuple[EuropePMC, Replay]:
    transport = Replay(replies)
    return EuropePMC(ConnectorSettings("europepmc", {}), transport=transport, sleep=lambda s: None), transport


def test_a_core_page_becomes_records_with_the_reply_fields() -> None:
    replies = recorded("europepmc/pyeuropepmc__search_cancer_core.json")
    reply = json.loads(replies[0].body)
    epmc, transport = connector(replies)
    page = epmc.page(Query("cancer"), None)
    results = reply["resultList"]["result"]
    assert page.total == reply["hitCount"] and page.next == {"cursor": reply["nextCursorMark"]}
    assert len(page.records) == len(results)
    for record, result in zip(page.records, results, strict=True):
        assert record.title == result["title"].rstrip(".")
        people = (result.get("authorList") or {}).get("author") or []
        assert [a.split(",")[0] for a in record.authors] == \
            [p.get("lastName") or p.get("fullName") or p.get("collectiveName") for p in people] or not people
        assert record.year == int(result["pubYear"])
        assert record.doi == result.get("doi", "")
        assert record.accession == f"{result['source']}:{result['id']}"
        assert bool(record.abstract) == bool(result.get("abstractText"))
        assert not re.search(r"</?(h4|sup|sub|i|b|p)>", record.abstract)
        assert ("p < .05" in result.get("abstractText", "")) <= ("p < .05" in record.abstract)
    sent = params(transport.requests[0])
    assert sent["resultType"] == "core" and sent["cursorMark"] == "*" and sent["format"] == "json"


def test_ten_chained_pages_follow_each_next_cursor_mark() -> None:
    replies = recorded("europepmc/pyeuropepmc__fetch_10pages_cancer.json")
    bodies = [json.loads(r.body) for r in replies]
    epmc, transport = connector(replies)
    state, seen = None, 0
    for _ in bodies:
        page = epmc.page(Query("cancer"), state)
        seen += len(page.records)
        state = page.next
    assert len(bodies) == 10 and seen == sum(len(b["resultList"]["result"]) for b in bodies) > 0
    cursors = [params(r)["cursorMark"] for r in transport.requests]
    assert cursors == ["*", *(b["nextCursorMark"] for b in bodies[:-1])]


def test_no_results_and_no_next_cursor_mark_end_the_search() -> None:
    epmc, _ = connector(recorded("europepmc/pyeuropepmc__search_no_results.json"))
    page = epmc.page(Query("asdkfjh"), None)
    assert page.records == [] and page.next is None and page.total == 0
