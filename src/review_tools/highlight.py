"""Search terms of the protocol, highlighted in titles and abstracts (HTML-escaped).

The terms are read from the search strings with a simple tokenizer: quoted phrases and words, boolean
operators, field tags and proximity operators dropped, ``*`` truncation kept as a word prefix.  Matching is
case-insensitive and diacritic-aware (``asiakkuu*`` marks ``asiakkuuksien``; ``lääke*`` marks ``Laake``).
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable

from review_tools.protocol import Protocol

_OPERATORS = {"and", "or", "not", "near", "adj", "w", "pre", "same", "with"}
_TOKEN = re.compile(r'"([^"]+)"|([^\s()"]+)')
_FIELD = re.compile(r"^[A-Za-z-]+\($|^[A-Z]{2}=|^\[[a-z]+\]$")


def search_terms(protocol: Protocol) -> list[str]:
    """Distinct terms and phrases of all the protocol's search strings, longest first."""
    terms: dict[str, None] = {}
    for db in protocol.databases:
        text = re.sub(r"\b[A-Za-z-]+\(", " ", db.search_string)  # TITLE-ABS-KEY(, noft(
        text = re.sub(r"\b(?:NEAR|W|PRE|N)/?\d+\b", " ", text, flags=re.IGNORECASE)
        for phrase, word in _TOKEN.findall(text):
            term = (phrase or word).strip().strip(",;")
            if not term or _FIELD.match(term) or term.lower() in _OPERATORS or len(term.rstrip("*?")) < 2:
                continue
            terms.setdefault(term.lower(), None)
    return sorted(terms, key=len, reverse=True)


def _fold_char(c: str) -> str:
    return "".join(x for x in unicodedata.normalize("NFKD", c) if not unicodedata.combining(x)).lower() or c


def _pattern(terms: Iterable[str]) -> re.Pattern[str] | None:
    parts = []
    for term in terms:
        folded = "".join(_fold_char(c) for c in term)
        body = re.escape(folded.rstrip("*")).replace(r"\?", r"\w").replace(r"\ ", r"\s+")
        parts.append(rf"\b{body}\w*" if folded.endswith("*") else rf"\b{body}\b")
    return re.compile("|".join(parts), re.IGNORECASE) if parts else None


def highlight(text: str, terms: Iterable[str]) -> str:
    """``text`` as escaped HTML with every match of ``terms`` wrapped in ``<mark>``."""
    pattern = _pattern(terms)
    if not text or pattern is None:
        return html.escape(text or "")
    folded = "".join(_fold_char(c) if len(_fold_char(c)) == 1 else c for c in text)
    out, last = [], 0
    for m in pattern.finditer(folded):
        out.append(html.escape(text[last:m.start()]))
        out.append(f"<mark>{html.escape(text[m.start():m.end()])}</mark>")
        last = m.end()
    out.append(html.escape(text[last:]))
    return "".join(out)
