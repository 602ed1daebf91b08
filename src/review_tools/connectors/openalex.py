"""OpenAlex ``/works``: the string as ``filter=title_and_abstract.search:...`` (``search=`` when it
cannot be a filter value), cursor paging, abstracts rebuilt from ``abstract_inverted_index``.

OpenAlex stems words and has no truncation, wildcard, proximity or field code inside the string (the
translation warns).  An API key (``api_key``, required since February 2026) or a ``mailto`` is sent
with every request; without either a search may be refused with 401/403/429, which is shown as is.
Dates: ``from_publication_date``/``to_publication_date`` filters; ``--since`` is also a publication
date here (OpenAlex's filter on the date a work was added is not open to every key).
Docs: https://developers.openalex.org/guides/searching, .../guides/page-through-results,
.../api-reference/authentication.
"""

from __future__ import annotations

from typing import Any

from review_tools.connectors.base import Connector, Page, Query, clean
from review_tools.connectors.http import redact
from review_tools.records import Record, normalise_language


def abstract_from_index(index: dict[str, list[int]] | None) -> str:
    """The abstract as text from OpenAlex's inverted index (word -> positions)."""
    if not index:
        return ""
    placed = sorted((pos, word) for word, positions in index.items() for pos in positions or ())
    return " ".join(word for _, word in placed)


def to_record(work: dict[str, Any]) -> Record:
    location = work.get("primary_location") or {}
    source = location.get("source") or {}
    biblio = work.get("biblio") or {}
    first, last = clean(biblio.get("first_page")), clean(biblio.get("last_page"))
    ident = clean(work.get("id"))
    return Record(
        title=clean(work.get("title") or work.get("display_name")),
        abstract=abstract_from_index(work.get("abstract_inverted_index")),
        authors=[clean((a.get("author") or {}).get("display_name") or a.get("raw_author_name"))
                 for a in work.get("authorships") or [] if (a.get("author") or {}).get("display_name")
                 or a.get("raw_author_name")],
        year=work.get("publication_year"),
        journal=clean(source.get("display_name")),
        volume=clean(biblio.get("volume")), issue=clean(biblio.get("issue")),
        pages=f"{first}-{last}" if first and last and first != last else first,
        doi=clean(work.get("doi")),
        issn=clean(source.get("issn_l")),
        keywords=[clean(k.get("display_name")) for k in work.get("keywords") or [] if k.get("display_name")],
        language=normalise_language(work.get("language")),
        document_type=clean(work.get("type")),
        url=ident,
        accession=ident.rsplit("/", 1)[-1],
    )


class OpenAlex(Connector):
    name = "openalex"
    label = "OpenAlex"
    endpoint = "https://api.openalex.org"
    target = "openalex"
    page_size = 100
    interval = 0.1
    searches = ("title and abstract (the filter title_and_abstract.search), stemmed words, AND/OR/NOT, "
                "phrases; no truncation, wildcards, proximity or field tags")

    def _params(self, query: Query) -> list[tuple[str, str]]:
        filters = []
        if "," not in query.text:
            filters.append(f"title_and_abstract.search:{query.text}")
        start = query.earliest
        if start:
            filters.append(f"from_publication_date:{start.isoformat()}")
        if query.window.end:
            filters.append(f"to_publication_date:{query.window.end.isoformat()}")
        params = [("filter", ",".join(filters))] if filters else []
        if "," in query.text:
            params.append(("search", query.text))
        for key in ("api_key", "mailto"):
            if self.settings.get(key):
                params.append((key, self.settings.get(key)))
        return params

    def sent(self, query: Query) -> str:
        return "; ".join(f"{k}={v}" for k, v in self._params(query) if k not in ("api_key", "mailto"))

    def count(self, query: Query) -> int:
        reply = self.http.get(f"{self.base}/works", [*self._params(query), ("per_page", "1"),
                                                     ("select", "id")]).json()
        return int((reply.get("meta") or {}).get("count") or 0)

    def page(self, query: Query, state: dict[str, Any] | None) -> Page:
        cursor = (state or {}).get("cursor", "*")
        response = self.http.get(f"{self.base}/works",
                                 [*self._params(query), ("per_page", str(self.page_size)), ("cursor", cursor)])
        reply = response.json()
        meta = reply.get("meta") or {}
        results = reply.get("results") or []
        nxt = meta.get("next_cursor")
        return Page([to_record(w) for w in results], meta.get("count"),
                    {"cursor": nxt} if nxt and results else None, redact(response.request.url))
