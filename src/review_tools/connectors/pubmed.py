"""PubMed through NCBI's E-utilities: ESearch with the history server, EFetch in MEDLINE batches.

The string is the protocol's translated to PubMed syntax; a date window is added as
``("YYYY/MM/DD"[dp] : "YYYY/MM/DD"[dp])`` and ``--since`` as the Entrez date ``[edat]``, so the log shows
the term exactly as sent.  ESearch stores the result on the history server (``usehistory=y``); EFetch
then takes it ``retmax`` records at a time as MEDLINE text, read by the project's MEDLINE importer.
ESearch and the history server give out only the first 10,000 records of a query: above that the
search is split by publication date (:mod:`review_tools.live_search`).
Pace: 3 requests a second without an API key, 10 with one (``api_key``); ``tool`` and ``email`` are
sent as NCBI asks.  Docs: https://www.ncbi.nlm.nih.gov/books/NBK25497/ and NBK25499.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Mapping
from typing import Any

from review_tools.connectors.base import Connector, Page, Query
from review_tools.connectors.http import ApiError, redact
from review_tools.io.medline import read_medline

TOOL = "review-tools"


def read_esearch(text: str, url: str) -> dict[str, Any]:
    """Count, WebEnv, QueryKey and NCBI's errors and warnings from an ESearch XML reply."""
    try:
        root = ET.fromstring(text.encode("utf-8") if text.lstrip().startswith("<?xml") else text)
    except ET.ParseError as exc:
        raise ApiError(f"{url}: the ESearch reply is not XML ({exc}): {text[:200]!r}") from None
    error = root.findtext("ERROR")
    if error:
        raise ApiError(f"{url}: PubMed: {error}")
    notes = [f"{el.tag}: {el.text}" for section in ("ErrorList", "WarningList") for el in root.iterfind(f"{section}/*")
             if el.text]
    return {"count": int(root.findtext("Count") or 0), "webenv": root.findtext("WebEnv") or "",
            "query_key": root.findtext("QueryKey") or "", "notes": notes,
            "translation": root.findtext("QueryTranslation") or ""}


class PubMed(Connector):
    name = "pubmed"
    label = "PubMed"
    endpoint = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils"
    target = "pubmed"
    page_size = 500
    cap = 10_000
    searches = "the full PubMed syntax: field tags, MeSH, proximity in [tiab:~N], truncation at the end of a word"

    def pace(self) -> float:
        return 0.1 if self.settings.get("api_key") else 0.34

    def _identity(self) -> list[tuple[str, str]]:
        out = [("tool", TOOL)]
        for key in ("email", "api_key"):
            if self.settings.get(key):
                out.append((key, self.settings.get(key)))
        return out

    def sent(self, query: Query) -> str:
        term = query.text
        if not query.window.whole:
            start = query.window.start.strftime("%Y/%m/%d") if query.window.start else "1800"
            end = query.window.end.strftime("%Y/%m/%d") if query.window.end else "3000"
            term = f'({term}) AND ("{start}"[dp] : "{end}"[dp])'
        if query.since:
            term = f'({term}) AND ("{query.since.strftime("%Y/%m/%d")}"[edat] : "3000"[edat])'
        return term

    def _search(self, query: Query, history: bool) -> dict[str, Any]:
        params = [("db", "pubmed"), ("term", self.sent(query)), ("retmax", "0"), ("retmode", "xml"),
                  ("usehistory", "y" if history else "n"), *self._identity()]
        response = self.http.get(f"{self.base}/esearch.fcgi", params)
        return read_esearch(response.text, redact(response.request.url))

    def count(self, query: Query) -> int:
        return self._search(query, history=False)["count"]

    def page(self, query: Query, state: Mapping[str, Any] | None) -> Page:
        state = dict(state or {})
        notes: list[str] = []
        if not state.get("webenv"):
            found = self._search(query, history=True)
            notes = found["notes"]
            if found["count"] == 0:
                return Page([], 0, None, "", notes)
            state.update(webenv=found["webenv"], query_key=found["query_key"], total=found["count"],
                         retstart=state.get("retstart", 0))
        start = int(state.get("retstart", 0))
        params = [("db", "pubmed"), ("query_key", state["query_key"]), ("WebEnv", state["webenv"]),
                  ("retstart", str(start)), ("retmax", str(self.page_size)), ("rettype", "medline"),
                  ("retmode", "text"), *self._identity()]
        try:
            response = self.http.get(f"{self.base}/efetch.fcgi", params)
        except ApiError as exc:
            if exc.status in (400, 404) and "webenv" in str(exc).lower():  # the history expired: search again
                state.pop("webenv")
                return self.page(query, state)
            raise
        url = redact(response.request.url)
        if response.text.lstrip().startswith("<"):
            raise ApiError(f"{url}: EFetch did not send MEDLINE text: {response.text[:200]!r}")
        records, problems = read_medline(response.text, url)
        notes += [str(p) for p in problems]
        total = int(state["total"])
        fetched = start + len(records)
        nxt = {**state, "retstart": fetched} if records and fetched < min(total, self.cap or total) else None
        return Page(records, total, nxt, url, notes)
