"""What a query finds among records, one record at a time, with the database's semantics as far as the
records allow.

Text is compared folded (:func:`review_tools.records.fold`: lower case, diacritics and punctuation
gone), so ``asiakkuu*`` matches "Asiakkuuksien" and ``lääke*`` matches "Laakeyritys".  A phrase matches
its words next to each other in order; proximity is measured in words between the two sides inside one
field (a phrase counts from its last word on the left, from its first word on the right); chained
proximity (``a W/3 b W/3 c``) measures each step from the span found so far.  Word variants, where the
database finds them, are the regular plurals and the British/American spellings (-our/-or, -ise/-ize,
-yse/-yze, -re/-er, ae/e, oe/e, -ll-/-l-).  A subject heading matches a keyword entry of the record
equal to it (MEDLINE's MH and RIS KW entries, '*' marking a major topic, '/...' a subheading); an
exploded heading is matched as itself only, because records do not carry the thesaurus tree.
:func:`explain` lists what the local evaluation cannot do for a given query.
"""

from __future__ import annotations

import functools
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence

from review_tools.query import limits as lim
from review_tools.query.strategy import parse
from review_tools.query.tree import (
    And,
    Heading,
    Limit,
    Near,
    Node,
    Not,
    Or,
    Term,
    has_wildcard,
    headings,
    limits,
    subheading_name,
    term_words,
    terms,
    with_variants,
)
from review_tools.records import Record, fold

RECORD_FIELDS = {"title": "title", "abstract": "abstract", "keywords": "keywords", "headings": "keywords",
                 "author": "author", "source": "source"}


def variant_forms(word: str) -> set[str]:
    """The word with its regular plural or singular and its British/American spellings."""
    forms = {word}
    if len(word) > 3:
        if word.endswith("ies"):
            forms.add(word[:-3] + "y")
        elif word.endswith(("ses", "xes", "zes", "ches", "shes")):
            forms.add(word[:-2])
        elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
            forms.add(word[:-1])
        if word.endswith("y") and word[-2:-1] not in "aeiou":
            forms.add(word[:-1] + "ies")
        elif word.endswith(("s", "x", "z", "ch", "sh")):
            forms.add(word + "es")
        elif not word.endswith("s"):
            forms.add(word + "s")
    spelled = set()
    for form in forms:
        for a, b in (("our", "or"), ("isation", "ization"), ("ise", "ize"), ("ising", "izing"), ("ised", "ized"),
                     ("yse", "yze"), ("lling", "ling"), ("lled", "led")):
            for x, y in ((a, b), (b, a)):
                i = form.rfind(x)
                if i > 0 and form[i:].startswith(x) and (i + len(x) >= len(form) - 3):
                    spelled.add(form[:i] + y + form[i + len(x):])
        for x, y in (("re", "er"), ("er", "re")):
            if form.endswith(x) and len(form) > 4:
                spelled.add(form[:-2] + y)
        for x, y in (("ae", "e"), ("oe", "e")):
            if x in form[1:-1]:
                spelled.add(form.replace(x, y))
    return forms | spelled


def word_pattern(word: str, variants: bool) -> str:
    """A regular expression for one folded word: ``*`` any letters, ``?`` one, ``#`` one or none,
    ``*{n}`` at most n."""
    if variants and not has_wildcard(word):
        forms = sorted(variant_forms(word), key=lambda f: (-len(f), f))
        return "(?:" + "|".join(re.escape(f) for f in forms) + ")"
    out = ""
    for part in re.split(r"(\*\{\d+\}|[*?#])", word):
        if part == "*":
            out += r"\w*"
        elif part == "?":
            out += r"\w"
        elif part == "#":
            out += r"\w?"
        elif part.startswith("*{"):
            out += rf"\w{{0,{part[2:-1]}}}"
        else:
            out += re.escape(part)
    return out


def term_body(term: Term) -> str:
    return r"\s+".join(word_pattern(w, term.variants) for w in term_words(term.text))


@functools.lru_cache(maxsize=8192)
def term_regex(term: Term) -> re.Pattern[str]:
    return re.compile(rf"(?<!\w)(?:{term_body(term)})(?!\w)")


class Document:
    """A record's folded texts per field (computed on first use) and its keyword entries."""

    __slots__ = ("_starts", "_texts", "record")

    def __init__(self, record: Record):
        self.record = record
        self._texts: dict[str, str] = {}

    def text(self, field: str) -> str:
        name = RECORD_FIELDS.get(field)
        if name is None:
            return ""
        if name not in self._texts:
            r = self.record
            raw = {"title": r.title, "abstract": r.abstract, "keywords": " ; ".join(r.keywords),
                   "author": " ; ".join(r.authors), "source": r.journal}[name]
            self._texts[name] = fold(raw)
        return self._texts[name]


def _spans(node: Node, doc: Document, field: str) -> list[tuple[int, int]]:
    """Word spans (first, last) where ``node`` matches in one field."""
    if isinstance(node, Term):
        text = doc.text(field)
        out = []
        words, last = 0, 0
        for m in term_regex(node).finditer(text):  # word indexes counted once along the text
            words += text.count(" ", last, m.start())
            last = m.start()
            out.append((words, words + text.count(" ", m.start(), m.end())))
        return out
    if isinstance(node, Or):
        return [s for p in node.parts for s in _spans(p, doc, field)]
    if isinstance(node, Near):
        left = _spans(node.left, doc, field)
        if not left:
            return []
        right = sorted(set(_spans(node.right, doc, field)))
        if not right:
            return []
        starts = [b[0] for b in right]
        by_end = sorted(right, key=lambda b: b[1])
        ends = [b[1] for b in by_end]
        out: set[tuple[int, int]] = set()
        d = node.distance
        for a in set(left):
            for b in right[bisect_right(starts, a[1]):bisect_right(starts, a[1] + d + 1)]:
                out.add((a[0], b[1]))
            if not node.ordered:
                for b in by_end[bisect_left(ends, a[0] - d - 1):bisect_left(ends, a[0])]:
                    out.add((b[0], a[1]))
        return sorted(out)
    raise TypeError(f"{type(node).__name__} cannot be checked by position")


def shared_fields(node: Near) -> tuple[str, ...]:
    """The fields every term of a proximity operator is searched in (where positions are compared), one
    per text the records hold (keywords and headings are one text)."""
    fields: set[str] | None = None
    for t in terms(node):
        fields = set(t.fields or ()) if fields is None else fields & set(t.fields or ())
    out: dict[str, str] = {}
    for f in (fields or ()):
        if f in RECORD_FIELDS:
            out.setdefault(RECORD_FIELDS[f], f)
    return tuple(out.values())


def _entry_parts(entry: str) -> tuple[str, str, bool]:
    head, _, sub = entry.partition("/")
    major = entry.lstrip().startswith("*") or "/*" in entry
    return fold(head.replace("*", " ")), fold(sub.replace("*", " ")), major


@functools.lru_cache(maxsize=4096)
def _heading_regex(text: str) -> re.Pattern[str]:
    return re.compile(r"\s+".join(word_pattern(w, False) for w in term_words(text)) + r"\Z")


def heading_matches(heading: Heading, keywords: Iterable[str]) -> bool:
    """Whether a keyword entry is the heading (and its subheading and major mark, where asked)."""
    want_sub = fold(heading.subheading)
    pattern = _heading_regex(heading.text) if heading.text else None
    for entry in keywords:
        head, sub, major = _entry_parts(entry)
        if pattern is not None and not pattern.match(head):
            continue
        if heading.major and not major:
            continue
        if want_sub and want_sub not in {fold(subheading_name(s)) for s in re.split(r"\s{2,}|,", sub) if s} \
                and want_sub not in sub:
            continue
        return True
    return False


def evaluate(node: Node, doc: Document, hits: set[str] | None = None) -> bool:
    """Whether the record behind ``doc`` matches ``node``; matched terms are added to ``hits``."""
    if isinstance(node, Term):
        pattern = term_regex(node)
        found = any(pattern.search(doc.text(f)) for f in node.fields or () if f in RECORD_FIELDS)
        if found and hits is not None:
            hits.add(node.text)
        return found
    if isinstance(node, And):
        return all([evaluate(p, doc, hits) for p in node.parts])
    if isinstance(node, Or):
        return any([evaluate(p, doc, hits) for p in node.parts])
    if isinstance(node, Not):
        return evaluate(node.keep, doc, hits) and not evaluate(node.drop, doc)
    if isinstance(node, Near):
        found = any(_spans(node, doc, f) for f in shared_fields(node))
        if found and hits is not None:
            hits.update(t.text for t in terms(node))
        return found
    if isinstance(node, Heading):
        found = heading_matches(node, doc.record.keywords)
        if found and hits is not None:
            hits.add(node.text)
        return found
    if isinstance(node, Limit):
        return lim.passes(node, doc.record)
    raise TypeError(node)


def matches(query: Node, record: Record) -> tuple[bool, set[str]]:
    """Whether ``record`` matches the parsed query, and which terms matched (for highlighting)."""
    hits: set[str] = set()
    return evaluate(query, Document(record), hits), hits


def run(query: str | Node, records: Iterable[Record], syntax: str = "generic") -> dict[str, set[str]]:
    """Ids of the records the query matches, each with the terms that matched; ``query`` is a search
    string in ``syntax`` or a parsed tree."""
    tree = parse(query, syntax) if isinstance(query, str) else query
    out = {}
    for r in records:
        hits: set[str] = set()
        if evaluate(tree, Document(r), hits):
            out[r.id] = hits
    return out


def explain(query: Node, records: Sequence[Record] = ()) -> list[str]:
    """What the local evaluation of ``query`` cannot do as the database does, in sentences."""
    out: list[str] = []
    used = {f for t in terms(query) for f in (t.fields or ())}
    absent = [f for f in used if f not in RECORD_FIELDS]
    never = [t.text for t in terms(query) if t.fields and not set(t.fields) & set(RECORD_FIELDS)]
    if never:
        out.append("searched only in fields the records do not have, so never found here: " + ", ".join(never))
    if absent:
        out.append(f"the records have no {' or '.join(absent)} field: those parts of the search are not repeated")
    exploded = sorted({h.text for h in headings(query) if h.explode and h.text})
    if exploded:
        out.append("exploded headings are matched as the heading itself, without its narrower headings: "
                   + ", ".join(exploded))
    if headings(query):
        out.append("subject headings are matched against the records' keyword entries (MeSH in MEDLINE "
                   "exports; other exports may not carry headings)")
    if any(t.variants for t in terms(query)):
        out.append("plurals and British/American spellings are matched by rule (regular forms only)")
    for limit in limits(query):
        if not lim.applies(limit):
            out.append(f"limit not applied (records do not carry it): {lim.describe(limit)}")
    if records:
        applicable = {lim.describe(limit) for limit in limits(query) if lim.applies(limit)}
        for text, count in lim.unknown_counts(query, records).items():
            if text in applicable:
                out.append(f"{count} record(s) have no value for '{text}' and pass it")
    return out


def variant_only(query: Node, records: Iterable[Record]) -> list[str]:
    """Ids of records the query finds only through word variants (plurals, spellings)."""
    plain = with_variants(query, False)
    out = []
    for r in records:
        doc = Document(r)
        if evaluate(query, doc) and not evaluate(plain, doc):
            out.append(r.id)
    return out
