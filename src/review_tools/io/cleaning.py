"""Field values as a reader means them: placeholders read as empty, markup turned into plain text, names
with single ordinary spaces.

Exports fill empty fields with words (``NA`` from R-written files, ``[No abstract available]`` from Scopus,
``[Not Available]``, ``-``); kept as data, two different works that both say ``NA`` would agree on their
abstract.  Lens, Crossref and publishers put HTML, JATS or MathML in titles and abstracts
(``PM<sub>2.5</sub>``, ``<jats:p>``), and some non-BibTeX exports carry LaTeX (``$\\alpha$``,
``\\textit{in vitro}``).  Every importer's records pass through :func:`clean_record`, which counts the
placeholders it removed so the import summary can say so.
"""

from __future__ import annotations

import functools
import html
import re

from review_tools.records import Record

PLACEHOLDERS = frozenset({
    "na", "n/a", "n.a.", "nan", "null", "none", "-", "--", "—", "?", "[no abstract available]",
    "no abstract available", "no abstract", "[no abstract]", "abstract not available", "abstract unavailable",
    "[not available]", "not available", "[no title available]", "no title available", "[no author name available]",
    "anonymous", "[anonymous]", "unknown", "[unknown]", "no doi", "not applicable",
})
# Names of people only: "Anonymous" is no author; in a title it could be a word.
_AUTHOR_ONLY = frozenset({"anonymous", "[anonymous]", "unknown", "[unknown]"})
TEXT_FIELDS = ("title", "abstract", "journal", "volume", "issue", "pages", "doi", "issn", "isbn", "language",
               "document_type", "url", "accession")

_TAG = re.compile(r"</?([A-Za-z][\w.-]*(?::[\w.-]+)?)(?:\s[^<>]*)?/?>")
_BLOCK = frozenset({"p", "br", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "title", "sec", "tr",
                    "td", "table", "abstract", "list-item", "list", "label", "caption", "disp-formula"})
_ENTITY = re.compile(r"&(?:[A-Za-z][A-Za-z0-9]{1,31}|#\d{1,7}|#x[0-9A-Fa-f]{1,6});")
# Only LaTeX that cannot be anything else: math with a command, text-style commands, accents, Greek letters.
# A lone backslash, '~', '--' or "''" in a title is kept as written.
_LATEX = re.compile(
    r"\$[^$]{0,200}\\[A-Za-z]+[^$]{0,200}\$"
    r"|\\(?:text(?:it|bf|rm|sc|tt|sf|up|superscript|subscript)|emph|math(?:rm|bf|it|sf|tt|cal))\{[^{}]{0,200}\}"
    r"|\{\\[\"'`^~=.][A-Za-z]\}|\\[\"'`^~=.]\{[A-Za-z]\}"
    r"|\\(?:alpha|beta|gamma|delta|epsilon|kappa|lambda|mu|pi|sigma|tau|chi|omega|Delta|Omega)(?![A-Za-z])")
_SPACES = re.compile(r"\s+")


def is_placeholder(value: str, *, author: bool = False) -> bool:
    low = value.strip().lower()
    return low in PLACEHOLDERS and (author or low not in _AUTHOR_ONLY)


def plain_text(text: str) -> str:
    """``text`` without HTML/JATS/MathML tags (their text kept: ``PM<sub>2.5</sub>`` is ``PM2.5``; a block
    tag becomes a space), entities decoded, and LaTeX commands as Unicode."""
    if "<" in text and _TAG.search(text):
        text = _TAG.sub(lambda m: " " if m.group(1).split(":")[-1].lower() in _BLOCK else "", text)
    if "&" in text and _ENTITY.search(text):
        text = html.unescape(text)
    if "\\" in text and _LATEX.search(text):
        text = _LATEX.sub(lambda m: latex_text(m.group(0)), text)
    return " ".join(text.split())


@functools.cache
def latex_converter():
    """pylatexenc's LaTeX-to-text converter, made once (making one per field doubled a BibTeX import)."""
    from pylatexenc.latex2text import LatexNodes2Text

    return LatexNodes2Text(math_mode="text", strict_latex_spaces=False)


def latex_text(text: str) -> str:
    """LaTeX as Unicode text (pylatexenc), with '%' and '&' kept as the characters they are in prose."""
    protected = re.sub(r"(?<!\\)([%&#])", r"\\\1", text)
    try:
        return latex_converter().latex_to_text(protected)
    except Exception:  # pylatexenc raises its own types on unbalanced input; the text is kept as it was
        return text


def clean_name(name: str) -> str:
    """A person's name with ordinary single spaces (no-break and double spaces removed)."""
    return _SPACES.sub(" ", name.replace("\u00a0", " ")).strip()


def clean_record(record: Record) -> int:
    """Clean ``record`` in place; return how many placeholder values were read as empty."""
    removed = 0
    for name in TEXT_FIELDS:
        value = getattr(record, name)
        if not value:
            continue
        if is_placeholder(value):
            setattr(record, name, "")
            removed += 1
        elif name in ("title", "abstract", "journal"):
            cleaned = plain_text(value)
            if cleaned != value:
                setattr(record, name, "" if is_placeholder(cleaned) else cleaned)
    if record.authors:
        names = [clean_name(a) for a in record.authors]
        kept = [n for n in names if n and not is_placeholder(n, author=True)]
        removed += sum(1 for n in names if n and is_placeholder(n, author=True))
        record.authors = kept
    if record.keywords:
        kept = [k for k in (clean_name(plain_text(k)) for k in record.keywords) if k and not is_placeholder(k)]
        removed += len(record.keywords) - len(kept)
        record.keywords = kept
    return removed
