"""arXiv on recorded replies: Atom entries as records, start/max_results paging, the error entry, 3 s pace."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from fakeapi import Replay, params, recorded

from review_tools.connectors import ApiError, Query
from review_tools.connectors.arxiv import NS, Arxiv
from review_tools.connectors.settings import ConnectorSettings


def connector(replies) -> tuple[Arxiv, Replay, list[float]]:
    waits: list[float] = []
    transport = Replay(replies)
    return Arxiv(ConnectorSettings("arxiv", {}), transport=transport, sleep=waits.append), transport, waits


def test_two_pages_become_records_with_the_feed_fields_three_seconds_apart() -> None:
    replies = recorded("arxiv/arxivpy__q_testing_s0_m10_bc5a6c384fe9.json") + \
        recorded("arxiv/arxivpy__q_testing_s10_m10_34e56e15aaac.json")
    feeds = [ET.fromstring(r.body) for r in replies]
    ax, transport, waits = connector(replies)
    ax.page_size = 10
    first = ax.page(Query("all:testing"), None)
    second = ax.page(Query("all:testing"), first.next)
    assert first.total == int(feeds[0].findtext("os:totalResults", namespaces=NS))
    assert first.next == {"start": 10} and second.next == {"start": 20}
    assert params(transport.requests[1])["start"] == "10"
    for page, feed in ((first, feeds[0]), (second, feeds[1])):
        entries = feed.findall("a:entry", NS)
        assert len(page.records) == len(entries) == 10
        for record, entry in zip(page.records, entries, strict=True):
            assert record.title == " ".join(entry.findtext("a:title", namespaces=NS).split())
            assert record.authors == [a.findtext("a:name", namespaces=NS) for a in entry.findall("a:author", NS)]
            assert record.doi == (entry.findtext("arxiv:doi", "", NS) or "")
            assert record.accession == "arXiv:" + entry.findtext("a:id", namespaces=NS).rsplit("/abs/")[1].rsplit(
                "v", 1)[0]
    assert waits and waits[-1] > 2.5  # the second call waited for arXiv's 3 seconds


def test_an_error_entry_is_an_api_error_in_arxivs_words() -> None:
    ax, _, _ = connector(recorded("arxiv/arxivpy__id_abc_s0_m100_b79c8dcf6bc3.json"))
    with pytest.raises(ApiError, match="incorrect id format for abc"):
        ax.page(Query("x"), None)
