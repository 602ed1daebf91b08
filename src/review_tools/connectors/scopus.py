"""Elsevier's Scopus Search API: the Scopus string as written, JSON replies, ``start``/``count`` paging.

Only with the user's own key (``X-ELS-APIKey`` header, from ``SCOPUS_API_KEY`` or the user's
connectors.toml; an institution token ``X-ELS-Insttoken`` where one was issued).  The STANDARD view
(any key) gives the first author only and no abstract; the COMPLETE view (a subscriber's entitlement;
``view = "COMPLETE"``) gives every author, the abstract and the keywords, 25 records a page.
Start/count paging stops at 5,000 records: a larger result is split by publication year (PUBYEAR), and
a single year over 5,000 is fetched to the cap and the rest reported as not fetched.  ``--since`` is
``ORIG-LOAD-DATE AFT yyyymmdd`` (the date Scopus first loaded the record).  The remaining weekly quota
(``X-RateLimit-Remaining``) is kept in the log notes.  Docs: https://dev.elsevier.com/ (Scopus Search
API); the 5,000 cap as described by the scopusflow and rscopus documentation.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from review_tools.connectors.base import Connector, Page, Query, clean
from review_tools.connectors.http import redact
from review_tools.records import Record, parse_year

TYPES = {"ar": "article", "re": "review", "cp": "conference paper", "ch": "book chapter", "bk": "book",
         "ed": "editorial", "le": "letter", "no": "note", "er": "erratum", "sh": "short survey"}


def _value(value: object) -> str:
    if isinstance(value, list):
        value = value[0] if value else ""
    if isinstance(value, dict):
        value = value.get("$", "")
    return clean(value)


def to_record(entry: Mapping[str, Any]) -> Record:
    authors = [clean(a.get("authname") or a.get("ce:indexed-name")) for a in entry.get("author") or []]
    authors = [a for a in authors if a] or ([clean(entry["dc:creator"])] if entry.get("dc:creator") else [])
    keywords = [clean(k) for k in str(entry.get("authkeywords") or "").split("|") if k.strip()]
    eid = clean(entry.get("eid"))
    return Record(
        title=clean(entry.get("dc:title")),
        abstract=clean(entry.get("dc:description")),
        authors=authors,
        year=parse_year(entry.get("prism:coverDate")),
        journal=clean(entry.get("prism:publicationName")),
        volume=clean(entry.get("prism:volume")), issue=clean(entry.get("prism:issueIdentifier")),
        pages=clean(entry.get("prism:pageRange")),
        doi=clean(entry.get("prism:doi")),
        issn=clean(entry.get("prism:issn") or entry.get("prism:eIssn")),
        isbn=_value(entry.get("prism:isbn")),
        keywords=keywords,
        document_type=TYPES.get(clean(entry.get("subtype")), clean(entry.get("subtypeDescription")).lower()),
        url=f"https://www.scopus.com/record/display.uri?eid={eid}&origin=resultslist" if eid else "",
        accession=eid,
    )


class Scopus(Connector):
    name = "scopus"
    label = "Scopus"
    endpoint = "https://api.elsevier.com/content/search"
    target = "scopus"
    page_size = 25
    cap = 5_000
    unit = "year"
    interval = 0.15
    required = ("api_key",)
    searches = "the full Scopus advanced-search syntax (field codes, W/n and PRE/n, wildcards, PUBYEAR, LIMIT-TO)"

    def headers(self) -> Mapping[str, str]:
        out = {"X-ELS-APIKey": self.settings.get("api_key"), "Accept": "application/json"}
        if self.settings.get("insttoken"):
            out["X-ELS-Insttoken"] = self.settings.get("insttoken")
        return out

    @property
    def view(self) -> str:
        return self.settings.get("view", "STANDARD").upper()

    def sent(self, query: Query) -> str:
        text = query.text
        if query.window.start:
            text = f"({text}) AND PUBYEAR > {query.window.start.year - 1}"
        if query.window.end:
            text = f"({text}) AND PUBYEAR < {query.window.end.year + 1}"
        if query.since:
            text = f"({text}) AND ORIG-LOAD-DATE AFT {query.since.strftime('%Y%m%d')}"
        return text

    def _get(self, query: Query, start: int, count: int) -> tuple[dict[str, Any], str, list[str]]:
        response = self.http.get(f"{self.base}/scopus", [("query", self.sent(query)), ("start", str(start)),
                                                         ("count", str(count)), ("view", self.view)])
        notes = []
        if response.headers.get("X-RateLimit-Remaining"):
            notes.append(f"Scopus quota left: {response.headers['X-RateLimit-Remaining']} requests")
        return response.json().get("search-results") or {}, redact(response.request.url), notes

    def count(self, query: Query) -> int:
        return int(self._get(query, 0, 1)[0].get("opensearch:totalResults") or 0)

    def page(self, query: Query, state: dict[str, Any] | None) -> Page:
        start = int((state or {}).get("start", 0))
        size = min(self.page_size if self.view == "COMPLETE" else 200, (self.cap or 10**9) - start)
        results, url, notes = self._get(query, start, size)
        total = int(results.get("opensearch:totalResults") or 0)
        entries = [e for e in results.get("entry") or [] if "error" not in e]
        fetched = start + len(entries)
        more = entries and fetched < min(total, self.cap or total)
        return Page([to_record(e) for e in entries], total, {"start": fetched} if more else None, url, notes)
