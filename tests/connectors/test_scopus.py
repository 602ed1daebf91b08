"""Scopus Search on a recorded reply; without the user's key nothing is sent."""

from __future__ import annotations

import json

import pytest
from fakeapi import Replay, recorded

from review_tools.connectors import Query
from review_tools.connectors.scopus import Scopus
from review_tools.connectors.settings import ConnectorSettings, SettingsError, load


def test_a_page_becomes_records_and_the_key_goes_in_a_header_only() -> None:
    replies = recorded("scopus/fulltext__ft_search_scopus.yml")
    results = json.loads(replies[0].body)["search-results"]
    transport = Replay(replies)
    sc = Scopus(ConnectorSettings("scopus", {"api_key": "ELS-SECRET"}), transport=transport, sleep=lambda s: None)
    page = sc.page(Query("ecology"), None)
    assert page.total == int(results["opensearch:totalResults"]) and page.next == {"start": 10}
    for record, entry in zip(page.records, results["entry"], strict=True):
        assert record.title == entry["dc:title"]
        assert record.authors == [entry["dc:creator"]]  # the STANDARD view names the first author only
        assert record.accession == entry["eid"] and record.doi == entry.get("prism:doi", "")
        assert record.year == int(entry["prism:coverDate"][:4])
    assert transport.requests[0].headers["X-ELS-APIKey"] == "ELS-SECRET"
    assert "ELS-SECRET" not in page.url
    assert page.notes == ["Scopus quota left: 19880 requests"]


def test_without_a_key_the_error_names_the_environment_variable(tmp_path) -> None:
    settings = load("scopus", {"REVIEW_TOOLS_CONFIG": str(tmp_path / "none.toml")})
    with pytest.raises(SettingsError, match="SCOPUS_API_KEY"):
        Scopus(settings, transport=Replay([]))
