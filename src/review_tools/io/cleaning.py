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
import operator
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
_LONGEST = max(map(len, PLACEHOLDERS)) + 4
_FIELD_PLACEHOLDERS = PLACEHOLDERS - _AUTHOR_ONLY


def _spellings(word: str) -> set[str]:
    return {word, word.upper(), word.title(), word.capitalize(), word[:1] + word[1:].capitalize()}


# The placeholders as exports write them: a set lookup of a record's values finds them without lowering
# every value (the exact test below still decides; this only lets the common record skip it).
_SPELLINGS = frozenset(w for p in PLACEHOLDERS for w in _spellings(p))


def is_placeholder(value: str, *, author: bool = False) -> bool:
    return len(value) <= _LONGEST and value.strip().lower() in (PLACEHOLDERS if author else _FIELD_PLACEHOLDERS)


def _untidy(text: str) -> bool:
    """Whether ``text`` has spacing to tidy."""
    return ("  " in text or "\u00a0" in text or "\n" in text or "\t" in text or "\r" in text
            or text[:1].isspace() or text[-1:].isspace())


def _marked_up(text: str) -> bool:
    return "<" in text or "&" in text or "\\" in text


def _needs_cleaning(text: str) -> bool:
    """Markup, entities, LaTeX or odd spacing anywhere in ``text``.  Most values have none; a chain of
    ``in`` tests (each a memchr) says so in a third of the time a regular expression takes.  A carriage
    return or tab comes with a line break or a double space in practice, so neither is looked for alone."""
    return ("\n" in text or "<" in text or "&" in text or "\\" in text or "  " in text or "\u00a0" in text
            or text[:1].isspace() or text[-1:].isspace())


def plain_text(text: str) -> str:
    """``text`` without HTML/JATS/MathML tags (their text kept: ``PM<sub>2.5</sub>`` is ``PM2.5``; a block
    tag becomes a space), entities decoded, and LaTeX commands as Unicode."""
    if "<" in text and _TAG.search(text):
        text = _TAG.sub(lambda m: " " if m.group(1).split(":")[-1].lower() in _BLOCK else "", text)
    if "&" in text and _ENTITY.search(text):
        text = html.unescape(text)
    if "\\" in text and _LATEX.search(text):
        text = _LATEX.sub(lambda m: latex_text(m.group(0)), text)
    return " ".join(text.split()) if _untidy(text) else text


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
    return " ".join(name.split()) if _untidy(name) else name


def _clean_list(values: list[str], *, author: bool) -> tuple[list[str], int]:
    """Names or keywords cleaned, placeholders dropped; the number dropped."""
    values = [plain_text(v) if not author and _marked_up(v) else clean_name(v) for v in values]
    words = PLACEHOLDERS if author else _FIELD_PLACEHOLDERS
    kept = [v for v in values if v and ("," in v or len(v) > _LONGEST or v.strip().lower() not in words)]
    return kept, len(values) - len(kept) - values.count("")


def clean_record(record: Record) -> int:
    """Clean ``record`` in place; return how many placeholder values were read as empty.  Written for
    speed (it runs on every record of every import): the common record, with nothing to clean, costs a
    set test and a few substring tests."""
    removed = 0
    abstract = record.abstract
    # the set test hashes every value: an abstract too long to be a placeholder is left out of it
    if (abstract and len(abstract) <= _LONGEST) or not _SPELLINGS.isdisjoint(_SHORT_VALUES(record)):
        for name, value in zip(TEXT_FIELDS, _TEXT_VALUES(record), strict=True):
            if value and len(value) <= _LONGEST and value.strip().lower() in _FIELD_PLACEHOLDERS:
                setattr(record, name, "")
                removed += 1
        abstract = record.abstract
    title, journal = record.title, record.journal
    # an abstract is only checked for markup: its spacing shows in no report and does not matter to
    # deduplication, and checking every abstract for it cost a tenth of an import
    # the checks are written out: a function call each cost as much as the checks on short values
    if title and ("<" in title or "&" in title or "\\" in title or "  " in title or "\n" in title
                  or "\u00a0" in title):
        record.title = _prose(plain_text(title))
    if abstract and ("<" in abstract or "&" in abstract or "\\" in abstract):
        record.abstract = _prose(plain_text(abstract))
    if journal and ("<" in journal or "&" in journal or "\\" in journal or "  " in journal or "\u00a0" in journal):
        record.journal = _prose(plain_text(journal))
    for name in ("authors", "keywords"):
        values = getattr(record, name)
        if values:
            joined = "\x1f".join(values)
            if _needs_cleaning(joined) or "\x1f " in joined or " \x1f" in joined or not _SPELLINGS.isdisjoint(values):
                cleaned, dropped = _clean_list(values, author=name == "authors")
                setattr(record, name, cleaned)
                removed += dropped
    return removed


def _prose(text: str) -> str:
    return "" if is_placeholder(text) else text


_TEXT_VALUES = operator.attrgetter(*TEXT_FIELDS)
_SHORT_VALUES = operator.attrgetter(*(f for f in TEXT_FIELDS if f != "abstract"))
