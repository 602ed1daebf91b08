"""Search terms of the protocol, highlighted in titles and abstracts (HTML-escaped).

The terms come from the protocol's search strings read in each database's syntax
(:mod:`review_tools.query`), so field tags, operators, limits and line numbers are never taken for
words, and PubMed's ``term[tiab]`` gives ``term``.  Subject headings are highlighted as phrases.
Matching is case-insensitive and diacritic-aware (``asiakkuu*`` marks ``asiakkuuksien``; ``lääke*``
marks ``Laake``); ``*`` marks the rest of a word, ``?`` and ``#`` one letter.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable

from review_tools.protocol import Protocol
from review_tools.query import QuerySyntaxError, parse
from review_tools.query.tree import headings, terms


def search_terms(protocol: Protocol) -> list[str]:
    """Distinct terms and phrases of all the protocol's search strings, longest first."""
    found: dict[str, None] = {}
    for db in protocol.databases:
        try:
            tree = parse(db.search_string, db.search_syntax)
        except QuerySyntaxError:
            continue  # validate reports it; a report still shows the records
        for text in [t.text for t in terms(tree)] + [h.text for h in headings(tree) if h.text]:
            text = text.strip()
            if len(re.sub(r"[*?#{}\d]", "", text)) >= 2:
                found.setdefault(text.lower(), None)
    return sorted(found, key=len, reverse=True)


def _fold_char(c: str) -> str:
    return "".join(x for x in unicodedata.normalize("NFKD", c) if not unicodedata.combining(x)).lower() or c


def _pattern(terms: Iterable[str]) -> re.Pattern[str] | None:
    parts = []
    for term in terms:
        folded = "".join(_fold_char(c) for c in term)
        body = re.escape(folded).replace(r"\*", r"\w*").replace(r"\?", r"\w").replace(r"\#", r"\w?")
        body = re.sub(r"\\\s+|\s+", r"\\s+", body)
        parts.append(rf"\b{body}\b" if not folded.endswith("*") else rf"\b{body}")
    return re.compile("|".join(parts), re.IGNORECASE) if parts else None


def highlight(text: str, terms: Iterable[str]) -> str:
    """``text`` as escaped HTML with every match of ``terms`` wrapped in ``<mark>``."""
    pattern = _pattern(terms)
    if not text or pattern is None:
        return html.escape(text or "")
    folded = "".join(_fold_char(c) if len(_fold_char(c)) == 1 else c for c in text)
    out, last = [], 0
    for m in pattern.finditer(folded):
        if m.end() == m.start():
            continue
        out.append(html.escape(text[last:m.start()]))
        out.append(f"<mark>{html.escape(text[m.start():m.end()])}</mark>")
        last = m.end()
    out.append(html.escape(text[last:]))
    return "".join(out)
