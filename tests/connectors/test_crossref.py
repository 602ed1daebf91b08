"""Crossref on recorded replies: cursor paging in recorded order, items as records, errors; the words sent."""

from __future__ import annotations

import json

import pytest
from fakeapi import Replay, params, recorded

from review_tools.connectors import ApiError, Query
from review_tools.connectors.crossref import Crossref, words_of
from review_tools.connectors.settings import ConnectorSettings
from review_tools.query import parse


def connector(replies, **values) -> tuple[Crossref, Replay]:
    transport = Replay(replies)
    cr = Crossref(ConnectorSettings("crossref", values), transport=transport, sleep=lambda s: None, backoff=0)
    return cr, transport


def test_cursor_pages_become_records_with_the_reply_fields() -> None:
    replies = recorded("crossref/habanero__test_cursor_max.yaml")[:3]
    bodies = [json.loads(r.body)["message"] for r in replies]
    cr, transport = connector(replies, mailto="me@example.org")
    cr.page_size = 20  # the recorded walk asked for Crossref's default 20 rows
    state = None
    for body in bodies:
        page = cr.page(Query("widget"), state)
        assert page.total == body["total-results"]
        for record, item in zip(page.records, body["items"], strict=True):
            assert record.title == (item.get("title") or [""])[0]
            assert record.doi == item["DOI"] and record.accession == item["DOI"]
            names = [f"{a['family']}, {a['given']}" if a.get("family") and a.get("given") else
                     a.get("family") or a.get("given") or a.get("name", "") for a in item.get("author") or []]
            assert record.authors == [n for n in names if n]
            assert record.volume != "null"
        state = page.next
    assert [params(r)["cursor"] for r in transport.requests] == ["*", bodies[0]["next-cursor"],
                                                                  bodies[1]["next-cursor"]]
    assert all(params(r)["mailto"] == "me@example.org" for r in transport.requests)
    assert "example.org" not in page.url


def test_a_short_page_ends_the_walk() -> None:
    cr, _ = connector(recorded("crossref/habanero__test_works_query.yaml"))
    page = cr.page(Query("x"), None)
    assert page.records and page.next is None  # fewer items than rows


def test_an_invalid_cursor_is_reported_at_once_in_crossrefs_words() -> None:
    cr, transport = connector(recorded("crossref/habanero__test_cursor_fails_cursor_value.yaml"))
    with pytest.raises(ApiError) as caught:
        cr.page(Query("widget"), {"cursor": "thing"})
    assert caught.value.status == 404 and "Cursor specified but it is invalid" in str(caught.value)
    assert len(transport.requests) == 1  # a 404 is not retried


def test_a_server_error_is_retried_a_bounded_number_of_times() -> None:
    reply = recorded("crossref/rcrossref__cr_works_with_cursor_fails_well.yml")[0]
    cr, transport = connector([reply] * 6)
    with pytest.raises(ApiError, match="no answer after 6 tries: HTTP 500"):
        cr.page(Query("x"), {"cursor": "5"})
    assert len(transport.requests) == 6


def test_words_sent_leave_out_what_is_under_a_not() -> None:
    tree = parse('(segment* OR "key account") AND pharma* NOT retail', "generic")
    assert words_of(tree) == ["segment", "key", "account", "pharma"]
    cr, _ = connector([])
    query, warnings = cr.write_query(tree)
    assert query == "segment key account pharma" and "no Boolean search" in warnings[0]
