"""Europe PMC's REST ``/search``: JSON, ``resultType=core`` (abstracts and full metadata), cursorMark
paging until no ``nextCursorMark`` comes or a page is empty.

The string is translated to Europe PMC's fields (``TITLE:``, ``ABSTRACT:``, ``KW:``); a date window is
``FIRST_PDATE:[start TO end]`` and ``--since`` ``FIRST_IDATE:[date TO 3000-12-31]`` (the date Europe PMC
first indexed the record).  No rate limit is published; requests are spaced 0.1 s.
Docs: https://europepmc.org/RestfulWebService, https://europepmc.org/Help.
"""

from __future__ import annotations

from typing import Any

from review_tools.connectors.base import Connector, Page, Query, clean
from review_tools.connectors.http import redact
from review_tools.io.cleaning import plain_text
from review_tools.records import Record, normalise_language, parse_year


def _authors(result: dict[str, Any]) -> list[str]:
    people = (result.get("authorList") or {}).get("author") or []
    out = []
    for a in people:
        if a.get("lastName"):
            out.append(f"{a['lastName']}, {a['firstName']}" if a.get("firstName") else a["lastName"])
        elif a.get("fullName") or a.get("collectiveName"):
            out.append(clean(a.get("fullName") or a.get("collectiveName")))
    if not out and result.get("authorString"):
        out = [clean(n) for n in str(result["authorString"]).rstrip(".").split(",") if n.strip()]
    return out


def to_record(result: dict[str, Any]) -> Record:
    journal = result.get("journalInfo") or {}
    keywords = (result.get("keywordList") or {}).get("keyword") or []
    mesh = [m.get("descriptorName") for m in (result.get("meshHeadingList") or {}).get("meshHeading") or []]
    types = (result.get("pubTypeList") or {}).get("pubType") or []
    source, ident = clean(result.get("source")), clean(result.get("id"))
    return Record(
        title=clean(plain_text(result.get("title") or "")).rstrip("."),
        abstract=clean(plain_text(result.get("abstractText") or "")),
        authors=_authors(result),
        year=parse_year(result.get("pubYear")),
        journal=clean((journal.get("journal") or {}).get("title") or result.get("journalTitle")),
        volume=clean(journal.get("volume") or result.get("journalVolume")),
        issue=clean(journal.get("issue") or result.get("issue")),
        pages=clean(result.get("pageInfo")),
        doi=clean(result.get("doi")),
        issn=clean((journal.get("journal") or {}).get("issn") or result.get("journalIssn")),
        keywords=[clean(k) for k in [*keywords, *mesh] if k],
        language=normalise_language(result.get("language")),
        document_type=clean(types[0] if isinstance(types, list) and types else types).lower(),
        url=f"https://europepmc.org/article/{source}/{ident}" if source and ident else "",
        accession=f"{source}:{ident}" if source and ident else ident,
    )


class EuropePMC(Connector):
    name = "europepmc"
    label = "Europe PMC"
    endpoint = "https://www.ebi.ac.uk/europepmc/webservices/rest"
    target = "europepmc"
    page_size = 1000
    interval = 0.1
    searches = ("TITLE:, ABSTRACT:, KW: (keywords and MeSH), MESH:, phrases, truncation at the end of a word; "
                "no proximity")

    def sent(self, query: Query) -> str:
        text = query.text
        if not query.window.whole:
            start = query.window.start.isoformat() if query.window.start else "1800-01-01"
            end = query.window.end.isoformat() if query.window.end else "3000-12-31"
            text = f"({text}) AND FIRST_PDATE:[{start} TO {end}]"
        if query.since:
            text = f"({text}) AND FIRST_IDATE:[{query.since.isoformat()} TO 3000-12-31]"
        return text

    def _params(self, query: Query, size: int, cursor: str) -> list[tuple[str, str]]:
        params = [("query", self.sent(query)), ("format", "json"), ("resultType", "core"),
                  ("pageSize", str(size)), ("cursorMark", cursor)]
        if self.settings.get("email"):
            params.append(("email", self.settings.get("email")))
        return params

    def count(self, query: Query) -> int:
        reply = self.http.get(f"{self.base}/search", [*self._params(query, 1, "*")[:2], ("resultType", "idlist"),
                                                      ("pageSize", "1")]).json()
        return int(reply.get("hitCount") or 0)

    def page(self, query: Query, state: dict[str, Any] | None) -> Page:
        cursor = (state or {}).get("cursor", "*")
        response = self.http.get(f"{self.base}/search", self._params(query, self.page_size, cursor))
        reply = response.json()
        results = (reply.get("resultList") or {}).get("result") or []
        nxt = reply.get("nextCursorMark")
        more = bool(results) and nxt and nxt != cursor
        return Page([to_record(r) for r in results], reply.get("hitCount"), {"cursor": nxt} if more else None,
                    redact(response.request.url))
