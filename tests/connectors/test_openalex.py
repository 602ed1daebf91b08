"""OpenAlex on its recorded replies: fields as the reply has them, cursor paging, no secret shown."""

from __future__ import annotations

import json

import pytest
from fakeapi import Replay, params, recorded

from review_tools.connectors import ApiError, Query, Window
from review_tools.connectors.openalex import OpenAlex, abstract_from_index
from review_tools.connectors.settings import ConnectorSettings
from review_tools.records import normalise_doi


def connector(replies, **values) -> tuple[OpenAlex, Replay]:
    transport = Replay(replies)
    return OpenAlex(ConnectorSettings("openalex", values), transport=transport, sleep=lambda s: None), transport


def test_a_cursor_page_becomes_records_with_the_reply_fields() -> None:
    replies = recorded("openalex/researchhub__openalex_sample_response.json")
    reply = json.loads(replies[0].body)
    oa, transport = connector(replies, api_key="SECRET-KEY", mailto="me@example.org")
    page = oa.page(Query("covid AND china"), None)
    assert page.total == reply["meta"]["count"]
    assert page.next == {"cursor": reply["meta"]["next_cursor"]}
    assert len(page.records) == len(reply["results"])
    for record, work in zip(page.records, reply["results"], strict=True):
        assert record.title == work["title"]
        assert record.authors == [a["author"]["display_name"] for a in work["authorships"]]
        assert record.year == work["publication_year"]
        assert record.journal == work["primary_location"]["source"]["display_name"]
        assert normalise_doi(record.doi) == normalise_doi(work["doi"])
        assert record.accession == work["id"].rsplit("/", 1)[1]
        index = work["abstract_inverted_index"] or {}
        words = record.abstract.split()
        assert len(words) == sum(len(p) for p in index.values())
        assert all(words[p] == w for w, positions in index.items() for p in positions)
    assert page.records[0].abstract == ""  # the first work's index is null in the reply
    sent = params(transport.requests[0])
    assert sent["filter"] == "title_and_abstract.search:covid AND china"
    assert sent["cursor"] == "*" and sent["api_key"] == "SECRET-KEY" and sent["mailto"] == "me@example.org"
    assert "SECRET" not in page.url and "example.org" not in page.url


def test_the_next_page_sends_the_cursor_and_an_empty_reply_ends_paging() -> None:
    replies = recorded("openalex/researchhub__openalex_sample_response.json") + \
        recorded("openalex/researchhub__openalex_empty_response.json")
    oa, transport = connector(replies)
    first = oa.page(Query("covid"), None)
    last = oa.page(Query("covid"), first.next)
    assert params(transport.requests[1])["cursor"] == first.next["cursor"]
    assert last.records == [] and last.next is None and last.total == 0


def test_a_gzip_wire_reply_of_a_title_search_is_read() -> None:
    replies = [r for r in recorded("openalex/paperqa__test_title_search_paper_attributes2.yaml")
               if "api.openalex.org" in r.uri]
    oa, _ = connector(replies)
    page = oa.page(Query("x"), None)
    assert page.total == 2 and len(page.records) == 2
    assert page.records[0].title.lower().startswith("augmenting large language models with chemistry tools")


def test_dates_and_commas_go_where_openalex_reads_them() -> None:
    import datetime as dt

    oa, _ = connector([])
    q = Query("a AND b", Window(dt.date(2001, 1, 1), dt.date(2001, 6, 30)), since=dt.date(2000, 5, 1))
    assert oa.sent(q) == ("filter=title_and_abstract.search:a AND b,from_publication_date:2001-01-01,"
                          "to_publication_date:2001-06-30")
    assert "search=a, b" in oa.sent(Query("a, b"))  # a comma would split the filter: sent as search=


def test_an_error_page_is_an_api_error_with_its_status() -> None:
    oa, _ = connector(recorded("openalex/paperqa__test_does_openalex_work_not-in-openalex.yaml"))
    with pytest.raises(ApiError) as caught:
        oa.page(Query("x"), None)
    assert caught.value.status == 404 and "404 Not Found" in str(caught.value)


def test_abstract_from_index_puts_words_at_their_positions() -> None:
    assert abstract_from_index({"b": [1, 3], "a": [0], "c": [2]}) == "a b c b"
    assert abstract_from_index(None) == ""
