"""Limits written inside search strings (years, languages, document types, subject areas): built from
each syntax's spelling, described for the PRISMA-S table, and applied to records where the records
carry the field.

A record whose field is empty passes a limit: the local evaluation cannot tell, and dropping it would
lose records silently; :func:`unknown_counts` says how many passed that way.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

from review_tools.query.tree import Limit, Node, limits
from review_tools.records import Record, normalise_language

_YEAR = re.compile(r"(1[5-9]\d\d|2[01]\d\d)")


# Document types as databases write them, mapped to one family each.  Scopus' two-letter codes
# (https://service.elsevier.com/app/answers/detail/a_id/15181), Web of Science document types, PubMed
# publication types, EBSCO/ProQuest source and document types, RIS TY codes of the records.
DOCTYPES = {
    "article": ("ar", "article", "articles", "journal article", "research article", "original article", "jour",
                "scholarly journals", "academic journal", "academic journals", "journal", "peer reviewed journal"),
    "review": ("re", "review", "reviews", "review article", "review articles", "systematic review", "meta-analysis",
               "scoping review", "literature review"),
    "conference": ("cp", "cr", "conference paper", "conference review", "proceedings paper",
                   "conference proceeding", "conference proceedings", "conference papers & proceedings", "conf",
                   "cpaper", "meeting abstract", "conference abstract"),
    "chapter": ("ch", "book chapter", "chapter", "chap"),
    "book": ("bk", "book", "books", "book whole"),
    "letter": ("le", "letter", "letters"),
    "editorial": ("ed", "editorial", "editorial material"),
    "note": ("no", "note"),
    "erratum": ("er", "erratum", "correction", "published erratum"),
    "thesis": ("thes", "thesis", "dissertation", "dissertations & theses", "dissertation/thesis"),
    "report": ("rprt", "report", "reports", "working paper", "working papers"),
    "preprint": ("preprint", "preprints"),
    "trial": ("randomized controlled trial", "clinical trial", "controlled clinical trial"),
    "data": ("dp", "data paper"),
    "short survey": ("sh", "short survey"),
}
_DOCTYPE_OF = {alias: family for family, aliases in DOCTYPES.items() for alias in aliases}


def doctype_family(value: str) -> str:
    """The family of a document type as any database or record writes it ('' if unknown)."""
    text = re.sub(r"\s+", " ", value.strip().strip('"').lower())
    return _DOCTYPE_OF.get(text, "")


_NAMES = {"en": "English", "fi": "Finnish", "sv": "Swedish", "de": "German", "fr": "French", "es": "Spanish",
          "zh": "Chinese", "ja": "Japanese", "pt": "Portuguese", "it": "Italian", "nl": "Dutch", "ru": "Russian",
          "no": "Norwegian", "da": "Danish", "ko": "Korean", "pl": "Polish"}


def language_name(value: str) -> str:
    """A language as databases write it in limits ('en', 'eng', 'english' -> 'English')."""
    return _NAMES.get(normalise_language(value), value.strip().capitalize())


DOCTYPE_NAMES = {"article": "Article", "review": "Review", "conference": "Conference Paper", "chapter": "Book Chapter",
                  "book": "Book", "letter": "Letter", "editorial": "Editorial", "note": "Note", "erratum": "Erratum",
                  "thesis": "Thesis", "report": "Report", "preprint": "Preprint",
                  "trial": "Randomized Controlled Trial", "data": "Data Paper", "short survey": "Short Survey"}


def doctype_name(value: str) -> str:
    """A document type in words, whatever code it was written with ('ar' -> 'Article')."""
    return DOCTYPE_NAMES.get(doctype_family(value), value.strip())


def lacks_type(values: Iterable[str], names: Mapping[str, str]) -> bool:
    """Whether some of ``values`` is a known document type that a target's ``names`` (family -> its name or
    code) has nothing for: such a limit is left out with a warning, not written as it came."""
    return any(doctype_family(v) not in (*names, "") for v in values)


# MEDLINE publication types that share a family with others; a limit written with one of them keeps it
# in MEDLINE-based syntaxes (a 'Controlled Clinical Trial' limit is not a 'Randomized Controlled Trial' one).
MEDLINE_TYPES = {name.lower(): name for name in (
    "Randomized Controlled Trial", "Controlled Clinical Trial", "Clinical Trial", "Meta-Analysis",
    "Systematic Review", "Review", "Journal Article", "Letter", "Editorial", "Published Erratum", "Preprint")}


def publication_type(value: str, names: dict[str, str]) -> str:
    """The MEDLINE publication type a document-type limit names: the written type where it is one of
    MEDLINE's, else the target's ``names`` entry for its family, else the value as written."""
    text = re.sub(r"\s+", " ", value.strip().strip('"').lower())
    return MEDLINE_TYPES.get(text) or names.get(doctype_family(value), value.strip())


def year_range(text: str) -> tuple[int | None, int | None] | None:
    """Years of a written range: '2015-2024', '2015:2025', '2015/1/1:2025/05/23', '>2014', '>20100101' (2010
    on: the rest of that year counts), '2015-Current', '2019'; None if no year is in it."""
    t = text.strip().strip('"').strip()
    m = re.fullmatch(r"(>=|<=|>|<|aft|bef|is|=)\s*(\d{4})((?:[/-]?\d{1,2}){0,2})", t, re.IGNORECASE)
    if m:
        op, y = m.group(1).lower(), int(m.group(2))
        if m.group(3) and op in (">", "aft", "<", "bef"):  # after a date in a year: that year still counts
            op += "="
        return {">": (y + 1, None), "aft": (y + 1, None), ">=": (y, None), "aft=": (y, None), "<": (None, y - 1),
                "bef": (None, y - 1), "<=": (None, y), "bef=": (None, y)}.get(op, (y, y))
    if ":" in t:
        parts = t.split(":", 1)
    else:
        dash = re.search(r"(?<=\d)\s*(?:[-\u2010-\u2015]|to)\s*(?=\d|current|present|now)", t, re.IGNORECASE)
        parts = [t[:dash.start()], t[dash.end():]] if dash else [t]
    years = [_YEAR.match(p.strip()) for p in parts]
    if len(parts) == 1:
        return (int(years[0].group(1)),) * 2 if years[0] else None
    lo, hi = years
    if lo is None and hi is None:
        return None
    return (int(lo.group(1)) if lo else None, int(hi.group(1)) if hi else None)


def years_in(text: str) -> list[int]:
    """Every year written in ``text`` ('July 2004', '(01/01/2004 TO 12/31/2024)'), in order."""
    return [int(y) for y in _YEAR_IN.findall(text)]


_YEAR_IN = re.compile(r"(?<!\d)(1[89]\d\d|2\d\d\d)(?!\d)")


def describe(limit: Limit) -> str:
    """A limit in words, for reports: 'years 2015-2024', 'language: English', 'excluded: document type cp'."""
    if limit.kind == "year":
        lo, hi = limit.low, limit.high
        text = f"years {lo}-{hi}" if lo and hi and lo != hi else (f"year {lo}" if lo and lo == hi else (
            f"years from {lo}" if lo else f"years up to {hi}"))
    else:
        label = {"language": "language", "doctype": "document type", "subject": "subject area",
                 "source_type": "source type", "peer_reviewed": "peer reviewed", "other": "limit"}[limit.kind]
        text = f"{label}: {', '.join(limit.values)}" if limit.values else label
    return f"excluded: {text}" if limit.exclude else text


def describe_all(node: Node) -> list[str]:
    """Every limit of a query in words, in the order written."""
    return [describe(limit) for limit in limits(node)]


def applies(limit: Limit) -> bool:
    """Whether records carry what the limit tests (year, language, document type)."""
    return limit.kind in ("year", "language", "doctype")


def passes(limit: Limit, record: Record) -> bool:
    """Whether ``record`` meets the limit; an empty field, or a kind records do not carry, passes."""
    if limit.kind == "year":
        if record.year is None:
            return True
        ok = (limit.low is None or record.year >= limit.low) and (limit.high is None or record.year <= limit.high)
    elif limit.kind == "language":
        if not record.language:
            return True
        wanted = {normalise_language(v) for v in limit.values}
        ok = normalise_language(record.language) in wanted
    elif limit.kind == "doctype":
        have = doctype_family(record.document_type)
        if not have:
            return True
        ok = have in {doctype_family(v) or v.lower() for v in limit.values}
    else:
        return True
    return ok != limit.exclude


def unknown_counts(node: Node, records: Sequence[Record]) -> dict[str, int]:
    """Per limit (in words): how many records passed only because their field is empty or because
    records do not carry that field at all."""
    out: dict[str, int] = {}
    for limit in limits(node):
        if not applies(limit):
            out[describe(limit)] = len(records)
            continue
        attr = {"year": "year", "language": "language", "doctype": "document_type"}[limit.kind]
        missing = sum(1 for r in records if not getattr(r, attr) or (
            limit.kind == "doctype" and not doctype_family(r.document_type)))
        if missing:
            out[describe(limit)] = missing
    return out


def make(kind: str, values: Iterable[str] = (), *, text: str = "", exclude: bool = False) -> Limit:
    """A limit from written values; a year limit reads its range from the first value."""
    vals = tuple(v.strip().strip('"').strip() for v in values if v and v.strip().strip('"').strip())
    if kind == "year":
        span = year_range(" ".join(vals)) if vals else None
        if span is None and vals:  # 'July 2004' (Scopus' PUBDATETXT): the years written in it
            years = years_in(" ".join(vals))
            span = (min(years), max(years)) if years else None
        lo, hi = span if span else (None, None)
        return Limit("year", vals, lo, hi, exclude, text)
    return Limit(kind, vals, exclude=exclude, text=text)
