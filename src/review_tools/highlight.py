"""Search terms of the protocol, highlighted in titles and abstracts (HTML-escaped).

The terms come from the protocol's search strings read in each database's syntax
(:mod:`review_tools.query`), so field tags, operators, limits and line numbers are never taken for
words, and PubMed's ``term[tiab]`` gives ``term``.  Subject headings are highlighted as phrases.
Matching is case-insensitive and diacritic-aware (``asiakkuu*`` marks ``asiakkuuksien``; ``lääke*``
marks ``Laake``); ``*`` marks the rest of a word, ``?`` and ``#`` one letter.
"""

from __future__ import annotations

import functools
import html
import re
import unicodedata
from collections.abc import Iterable, Sequence

import numpy as np

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


@functools.cache
def _fold_char(c: str) -> str:
    return "".join(x for x in unicodedata.normalize("NFKD", c) if not unicodedata.combining(x)).lower() or c


def _fold_term(term: str) -> str:
    return "".join(_fold_char(c) for c in term)


def _regex(term: str) -> str:
    """The regular expression of one term: folded, ``*`` the rest of a word, ``?`` one letter, ``#`` at most
    one, any run of spaces in a phrase matching any run."""
    folded = _fold_term(term)
    body = re.escape(folded).replace(r"\*", r"\w*").replace(r"\?", r"\w").replace(r"\#", r"\w?")
    body = re.sub(r"\\\s+|\s+", r"\\s+", body)
    return rf"\b{body}\b" if not folded.endswith("*") else rf"\b{body}"


def _pattern(terms: Iterable[str]) -> re.Pattern[str] | None:
    parts = [_regex(term) for term in terms]
    return re.compile("|".join(parts), re.IGNORECASE) if parts else None


def _folded(text: str) -> str:
    """``text`` folded character by character (a character that folds to several stays as it is), so that
    positions in it are positions in ``text``."""
    if text.isascii():
        return text.lower()
    return "".join(_fold_char(c) if len(_fold_char(c)) == 1 else c for c in text)


def match_counts(texts: Sequence[str], terms: Sequence[str]) -> np.ndarray:
    """How often each of ``terms`` occurs in each of ``texts`` (rows: texts, columns: terms), matched as
    :func:`highlight` marks them; each term is counted on its own, so a phrase also counts for a truncation
    it holds (``customer relationship management`` for ``customer*``).  A term's leading letters are looked
    for first, and its pattern run only where they occur (most records hold few of the terms)."""
    counts = np.zeros((len(texts), len(terms)), dtype=int)
    if not terms:
        return counts
    patterns = [re.compile(_regex(term), re.IGNORECASE) for term in terms]
    prefixes = [re.split(r"[\s*?#]", _fold_term(term), maxsplit=1)[0] for term in terms]
    for row, text in enumerate(texts):
        folded = _folded(text)
        for column, (prefix, pattern) in enumerate(zip(prefixes, patterns, strict=True)):
            if prefix in folded:
                counts[row, column] = sum(1 for m in pattern.finditer(folded) if m.end() > m.start())
    return counts


def highlight(text: str, terms: Iterable[str]) -> str:
    """``text`` as escaped HTML with every match of ``terms`` wrapped in ``<mark>``."""
    pattern = _pattern(terms)
    if not text or pattern is None:
        return html.escape(text or "")
    out, last = [], 0
    for m in pattern.finditer(_folded(text)):
        if m.end() == m.start():
            continue
        out.append(html.escape(text[last:m.start()]))
        out.append(f"<mark>{html.escape(text[m.start():m.end()])}</mark>")
        last = m.end()
    out.append(html.escape(text[last:]))
    return "".join(out)
