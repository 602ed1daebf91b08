"""Crossref REST ``/works``: ``query.bibliographic`` with cursor paging, in the polite pool when a
``mailto`` is set.

Crossref has no Boolean search: it ranks every work that shares any word with the query.  So the
connector sends the words of the protocol's string (those not under a NOT, without wildcards), says so
in a warning, and the search keeps only the fetched records that the protocol's string matches, applied
locally (:mod:`review_tools.live_search`); ``max_records`` bounds how far down the ranking it reads.
Dates: ``from-pub-date``/``until-pub-date`` filters, ``--since`` as ``from-index-date``.
Pace (Crossref, December 2025): lists 1 request a second in the public pool, 3 in the polite pool.
Docs: https://www.crossref.org/documentation/retrieve-metadata/rest-api/ and the Swagger description at
https://api.crossref.org/swagger-ui/index.html.
"""

from __future__ import annotations

import re
from typing import Any

from review_tools.connectors.base import Connector, Page, Query, clean
from review_tools.connectors.http import redact
from review_tools.io.cleaning import plain_text
from review_tools.query.tree import Node, Not, Term, walk
from review_tools.records import Record, normalise_language

_PLACEHOLDERS = {"null", "none", "n/a"}
TYPES = {"journal-article": "article", "book-chapter": "book chapter", "proceedings-article": "conference paper",
         "book": "book", "monograph": "book", "edited-book": "book", "dissertation": "thesis", "report": "report",
         "posted-content": "preprint"}


def _text(value: object) -> str:
    if isinstance(value, list):
        value = value[0] if value else ""
    text = clean(value)
    return "" if text.lower() in _PLACEHOLDERS else text


def _year(item: dict[str, Any]) -> int | None:
    for key in ("issued", "published", "published-print", "published-online", "created"):
        parts = (item.get(key) or {}).get("date-parts") or []
        if parts and parts[0] and parts[0][0]:
            return int(parts[0][0])
    return None


def to_record(item: dict[str, Any]) -> Record:
    authors = []
    for a in item.get("author") or []:
        family, given = clean(a.get("family")), clean(a.get("given"))
        name = f"{family}, {given}" if family and given else (family or given or clean(a.get("name")))
        if name:
            authors.append(name)
    doi = clean(item.get("DOI"))
    return Record(
        title=_text(item.get("title")),
        abstract=clean(plain_text(item.get("abstract") or "")),
        authors=authors,
        year=_year(item),
        journal=_text(item.get("container-title")),
        volume=_text(item.get("volume")), issue=_text(item.get("issue")), pages=_text(item.get("page")),
        doi=doi,
        issn=_text(item.get("ISSN")),
        isbn=_text(item.get("ISBN")),
        keywords=[clean(s) for s in item.get("subject") or [] if s],
        language=normalise_language(item.get("language")),
        document_type=TYPES.get(clean(item.get("type")), clean(item.get("type"))),
        url=clean(item.get("URL")),
        accession=doi,
    )


def words_of(tree: Node) -> list[str]:
    """The words of the terms a record must or may have (not those under a NOT), without wildcards."""
    dropped = {id(n) for node in walk(tree) if isinstance(node, Not) for n in walk(node.drop)}
    out: list[str] = []
    for node in walk(tree):
        if isinstance(node, Term) and id(node) not in dropped:
            for word in re.sub(r"[*?#$]", "", node.text.strip("'\"")).split():
                if word.lower() not in out:
                    out.append(word.lower())
    return out


class Crossref(Connector):
    name = "crossref"
    label = "Crossref"
    endpoint = "https://api.crossref.org"
    target = None
    page_size = 1000
    local_filter = True
    default_max = 2_000
    searches = ("words only (query.bibliographic: ranked, no Boolean logic); the protocol's string is applied to "
                "the fetched records")

    def pace(self) -> float:
        return 0.34 if self.settings.get("mailto") else 1.0

    def write_query(self, tree: Node) -> tuple[str, list[str]]:
        words = words_of(tree)
        return " ".join(words), [
            "Crossref has no Boolean search, field tags, phrases or wildcards: it ranks works that share any of "
            f"these {len(words)} words; the protocol's string is applied to the fetched records, and max_records "
            "bounds how far down the ranking the search reads"]

    def _params(self, query: Query) -> list[tuple[str, str]]:
        filters = []
        if query.window.start:
            filters.append(f"from-pub-date:{query.window.start.isoformat()}")
        if query.window.end:
            filters.append(f"until-pub-date:{query.window.end.isoformat()}")
        if query.since:
            filters.append(f"from-index-date:{query.since.isoformat()}")
        params = [("query.bibliographic", query.text)]
        if filters:
            params.append(("filter", ",".join(filters)))
        if self.settings.get("mailto"):
            params.append(("mailto", self.settings.get("mailto")))
        return params

    def sent(self, query: Query) -> str:
        return "; ".join(f"{k}={v}" for k, v in self._params(query) if k != "mailto")

    def count(self, query: Query) -> int:
        reply = self.http.get(f"{self.base}/works", [*self._params(query), ("rows", "0")]).json()
        return int((reply.get("message") or {}).get("total-results") or 0)

    def page(self, query: Query, state: dict[str, Any] | None) -> Page:
        cursor = (state or {}).get("cursor", "*")
        response = self.http.get(f"{self.base}/works",
                                 [*self._params(query), ("rows", str(self.page_size)), ("cursor", cursor)])
        message = response.json().get("message") or {}
        items = message.get("items") or []
        nxt = message.get("next-cursor")
        more = len(items) >= self.page_size and bool(nxt)
        return Page([to_record(i) for i in items], message.get("total-results"), {"cursor": nxt} if more else None,
                    redact(response.request.url))
