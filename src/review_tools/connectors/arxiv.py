"""arXiv's API: ``search_query`` in arXiv's field-prefix syntax, Atom replies, ``start``/``max_results``
paging, one request every 3 seconds as the API's terms ask.

A date window is ``submittedDate:[YYYYMMDD0000 TO YYYYMMDD2359]``; ``--since`` is a submission date
too (arXiv has no separate date of indexing).  The API pages through at most 30,000 results of one
query, so a larger result is split by submission date.  An "Error" entry (a query arXiv cannot read) is
reported with arXiv's own words.  Docs: https://info.arxiv.org/help/api/user-manual.html.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any

from review_tools.connectors.base import Connector, Page, Query, clean
from review_tools.connectors.http import ApiError, redact
from review_tools.records import Record, parse_year

NS = {"a": "http://www.w3.org/2005/Atom", "os": "http://a9.com/-/spec/opensearch/1.1/",
      "arxiv": "http://arxiv.org/schemas/atom"}
_VERSION = re.compile(r"v\d+$")


def read_feed(text: str, url: str) -> tuple[int, list[Record]]:
    """The total and the records of an arXiv Atom reply; ApiError for an error entry or no XML."""
    try:
        root = ET.fromstring(text.encode("utf-8"))
    except ET.ParseError as exc:
        raise ApiError(f"{url}: the arXiv reply is not an Atom feed ({exc}): {text[:200]!r}") from None
    records = []
    for entry in root.iterfind("a:entry", NS):
        ident = clean(entry.findtext("a:id", "", NS))
        if entry.findtext("a:title", "", NS).strip() == "Error" and "/api/errors" in ident:
            raise ApiError(f"{url}: arXiv: {clean(entry.findtext('a:summary', '', NS))}", status=400)
        arxiv_id = _VERSION.sub("", ident.rsplit("/abs/", 1)[-1])
        records.append(Record(
            title=clean(entry.findtext("a:title", "", NS)),
            abstract=clean(entry.findtext("a:summary", "", NS)),
            authors=[clean(a.findtext("a:name", "", NS)) for a in entry.iterfind("a:author", NS)],
            year=parse_year(entry.findtext("a:published", "", NS)),
            journal=clean(entry.findtext("arxiv:journal_ref", "", NS)),
            doi=clean(entry.findtext("arxiv:doi", "", NS)),
            keywords=[c.get("term", "") for c in entry.iterfind("a:category", NS) if c.get("term")],
            document_type="preprint",
            url=f"https://arxiv.org/abs/{arxiv_id}",
            accession=f"arXiv:{arxiv_id}",
        ))
    total = int(root.findtext("os:totalResults", "0", NS) or 0)
    return total, records


class Arxiv(Connector):
    name = "arxiv"
    label = "arXiv"
    endpoint = "https://export.arxiv.org/api"
    target = "arxiv"
    page_size = 500
    cap = 30_000
    interval = 3.0
    searches = "ti:, abs:, au:, jr:, all: on each term, AND/OR/ANDNOT, phrases; no proximity"

    def sent(self, query: Query) -> str:
        text = query.text
        start = query.earliest
        if start or query.window.end:
            low = start.strftime("%Y%m%d0000") if start else "180001010000"
            high = query.window.end.strftime("%Y%m%d2359") if query.window.end else "300012312359"
            text = f"({text}) AND submittedDate:[{low} TO {high}]"
        return text

    def _get(self, query: Query, start: int, size: int) -> tuple[int, list[Record], str]:
        response = self.http.get(f"{self.base}/query", [("search_query", self.sent(query)), ("start", str(start)),
                                                        ("max_results", str(size)), ("sortBy", "submittedDate"),
                                                        ("sortOrder", "ascending")])
        url = redact(response.request.url)
        total, records = read_feed(response.text, url)
        return total, records, url

    def count(self, query: Query) -> int:
        return self._get(query, 0, 1)[0]

    def page(self, query: Query, state: dict[str, Any] | None) -> Page:
        start = int((state or {}).get("start", 0))
        total, records, url = self._get(query, start, self.page_size)
        fetched = start + len(records)
        more = records and fetched < min(total, self.cap or total)
        return Page(records, total, {"start": fetched} if more else None, url)
