"""PubMed (E-utilities) on recorded replies: ESearch with history, EFetch as MEDLINE, NCBI's errors."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from fakeapi import Replay, params, recorded

from review_tools.connectors import ApiError, Query, Window
from review_tools.connectors.pubmed import PubMed
from review_tools.connectors.settings import ConnectorSettings
from review_tools.io.medline import read_medline


def connector(replies, **values) -> tuple[PubMed, Replay]:
    transport = Replay(replies)
    return PubMed(ConnectorSettings("pubmed", values), transport=transport, sleep=lambda s: None), transport


def test_esearch_counts() -> None:
    replies = recorded("pubmed/biopython__esearch3.xml", "pubmed/handwritten__esearch_count.xml")
    count = int(re.search(r"<Count>(\d+)</Count>", replies[0].text).group(1))
    pm, transport = connector(replies)
    assert pm.count(Query('PNAS[ta] AND 97[vi]')) == count > 0
    assert params(transport.requests[0])["retmax"] == "0"


def test_history_then_efetch_gives_the_medline_records() -> None:
    medline = recorded("pubmed/biopython__pubmed_result2.txt", "pubmed/handwritten__efetch.medline.txt")
    expected, _ = read_medline(medline[0].text, "expected")
    pm, transport = connector(recorded("pubmed/dspace__pubmedimport-fetch-test.xml") + medline,
                              api_key="NCBI-SECRET", email="me@example.org")
    page = pm.page(Query("segment*[tiab]"), None)
    search, fetch = (params(r) for r in transport.requests)
    assert search["usehistory"] == "y" and search["tool"] == "review-tools" and search["api_key"] == "NCBI-SECRET"
    assert fetch["WebEnv"] == "MCID_64784b5ab65e3b2b2253cd3a" and fetch["query_key"] == "1"
    assert fetch["rettype"] == "medline" and fetch["retstart"] == "0"
    assert [r.accession for r in page.records] == [r.accession for r in expected]
    assert len(expected) >= 2 and all(r.accession.isdigit() for r in expected)
    for got, want in zip(page.records, expected, strict=True):
        assert (got.title, got.authors, got.year, got.journal, got.abstract) == \
            (want.title, want.authors, want.year, want.journal, want.abstract)
    assert page.total == 1 and page.next is None
    assert "NCBI-SECRET" not in page.url and "example.org" not in page.url


def test_no_hits_ends_at_once_with_ncbis_warning() -> None:
    pm, _ = connector(recorded("pubmed/biopython__esearch8.xml", "pubmed/handwritten__esearch_no_hits.xml"))
    page = pm.page(Query("zzzz"), None)
    assert page.records == [] and page.next is None and page.total == 0
    assert any("PhraseNotFound" in n for n in page.notes)


def test_an_html_efetch_reply_is_an_error_not_records() -> None:
    replies = recorded("pubmed/dspace__pubmedimport-fetch-test.xml") + recorded("pubmed/biopython__pubmed3.html",
                                                                            "pubmed/handwritten__efetch_error.html")
    pm, _ = connector(replies)
    with pytest.raises(ApiError, match="did not send MEDLINE"):
        pm.page(Query("x"), None)


def test_a_414_is_reported_with_its_status() -> None:
    replies = [r for r in recorded("pubmed/fulltext__ft_search_fails_well_entrez_limit2large.yml") if r.status == 414]
    pm, _ = connector(replies)
    with pytest.raises(ApiError) as caught:
        pm.count(Query("x"))
    assert caught.value.status == 414 and "<<ncbi-key>>" not in str(caught.value)


def test_date_window_and_since_are_written_into_the_term() -> None:
    pm, _ = connector([])
    q = Query("crm[tiab]", Window(dt.date(2020, 1, 1), dt.date(2020, 6, 30)), since=dt.date(2024, 5, 1))
    assert pm.sent(q) == ('((crm[tiab]) AND ("2020/01/01"[dp] : "2020/06/30"[dp])) AND '
                          '("2024/05/01"[edat] : "3000"[edat])')


def test_pace_follows_ncbi_with_and_without_a_key() -> None:
    assert connector([])[0].http.min_interval == pytest.approx(0.34)
    assert connector([], api_key="k")[0].http.min_interval == pytest.approx(0.1)
