"""EBSCOhost (CINAHL, PsycINFO, Business Source, MEDLINE, EconLit, ... on the EBSCO platform).

From EBSCO's help: Boolean operators and nesting (https://support.ebsco.com/help/ "Searching with Boolean
Operators") -- AND, OR, NOT; AND is done before OR; parentheses group; proximity ("Searching with
Proximity Operators") -- Nn within n words in either order, Wn in order; field codes in upper case
before the term or group (TI, AB, SU, KW, TX, AU, SO, MH, MM, DE ...); "How are phrases searched?"
(https://help.ebsco.com/interfaces/EBSCO_Guides/EBSCO_Interfaces_User_Guide/How_are_phrases_searched) --
words without quotes in the Boolean/Phrase mode are searched within N5 of each other; wildcards
("Using wildcards and truncation"): ``*`` any characters, ``?`` exactly one, ``#`` one or none, none at
the start of a word; the singular finds plurals and possessives.  Subject headings: ``MH "Aged+"`` is
exploded, ``MH "Aged"`` is not, ``MM`` a major heading, ``DE`` an exact descriptor.  Limits: PT
(publication type), LA (language), DT (date: ``DT 2015-2024`` or ``DT 20150101-20241231``), RV (peer
reviewed).  History lines are numbered S1, S2 ...  An untagged term searches the database's default
fields (title, abstract, subjects, keywords, authors, source).
"""

from __future__ import annotations

import re
from types import MappingProxyType

from review_tools.query import limits as lim
from review_tools.query.lexer import Token
from review_tools.query.parser import Grammar, Parser, Proximity
from review_tools.query.tree import (
    EVERYTHING,
    And,
    Heading,
    Limit,
    Near,
    Node,
    Not,
    Or,
    Term,
    fields_of,
    subheading_code,
    walk,
    with_fields,
)
from review_tools.query.writing import Tag, Writer

FIELD_CODES: dict[str, tuple[str, ...]] = {
    "TI": ("title",), "AB": ("abstract",), "SU": fields_of("keywords", "headings"), "KW": ("keywords",),
    "MW": ("headings",), "TX": EVERYTHING, "AU": ("author",), "SO": ("source",), "JN": ("source",),
    **{c: ("other",) for c in ("AF", "AD", "IS", "IB", "AN", "GE", "CO", "PE", "NA", "IP", "VI", "SP", "DI",
                               "ZK", "ZU", "ZV", "ZY", "CA", "RN", "FM", "MA", "RS")},
}
HEADING_CODES = {"MH": ("cinahl", False), "MM": ("cinahl", True), "DE": ("thesaurus", False),
                 "MJ": ("thesaurus", True)}
LIMIT_CODES = {"PT": "doctype", "ZT": "doctype", "PZ": "doctype", "LA": "language", "DT": "year", "PY": "year",
               "RV": "peer_reviewed", "FT": "other", "AG": "other", "SB": "other"}
DEFAULT = fields_of("title", "abstract", "keywords", "headings", "author", "source")

# The limiters a search history prints ('Limiters - Published Date: 20150101-20241231; English Language'),
# by the words that name them: a limit kind and the pattern of its value.
_LIMITERS = (
    ("year", re.compile(r"(?i)(?:published|publication) (?:date|year)(?: from)?\s*:?\s*(.+)")),
    ("year", re.compile(r"(?i)date (?:published|of publication)(?: from)?\s*:?\s*(.+)")),
    ("language", re.compile(r"(?i)languages?\s*:\s*(.+)")),
    ("language", re.compile(r"(?i)(\w+) language")),
    ("peer_reviewed", re.compile(r"(?i)(?:scholarly \()?peer.reviewed(?:\) journals)?()")),
    ("doctype", re.compile(r"(?i)(?:publication|document|source) types?\s*:\s*(.+)")),
)


class Ebsco(Grammar):
    name = "ebsco"
    label = "EBSCOhost"
    help_pages = ("https://help.ebsco.com/interfaces/EBSCO_Guides/EBSCO_Interfaces_User_Guide/"
                  "How_are_phrases_searched",
                  "https://connect.ebsco.com/s/article/Searching-with-Boolean-Operators",
                  "https://connect.ebsco.com/s/article/Searching-with-Proximity-Operators")
    levels = (frozenset({"or"}), frozenset({"and", "not"}), frozenset({"near"}))
    proximity = (Proximity(re.compile(r"(?i)n(\d+)"), False), Proximity(re.compile(r"(?i)w(\d+)"), True))
    default_fields = DEFAULT
    variants = True
    implicit = "near:5"
    tagged_run = "near:5"
    wildcards = MappingProxyType({"*": "*", "?": "?", "#": "#"})
    leading_wildcard = False
    writer = Writer(
        "prefix",
        (Tag("TI", ("title",)), Tag("AB", ("abstract",)), Tag("SU", FIELD_CODES["SU"]), Tag("KW", ("keywords",)),
         Tag("MW", ("headings",)), Tag("TX", EVERYTHING), Tag("AU", ("author",)), Tag("SO", ("source",))),
        untagged=DEFAULT, near="N{n}", pre="W{n}", wildcards=MappingProxyType({"*": "*", "?": "?", "#": "#"}),
        variants=True)

    def write_heading(self, h: Heading, warn) -> str:
        if h.vocabulary not in ("cinahl", "mesh"):
            warn(f"{h.vocabulary} heading '{h.text}' written as MH: check the database's own headings")
        elif h.vocabulary == "mesh":
            warn(f"MH '{h.text}' searches the database's own headings (MeSH in MEDLINE, CINAHL Headings in "
                 "CINAHL): check that the heading exists there")
        text = f"{h.text}/{subheading_code(h.subheading).upper()}" if h.subheading else h.text
        return f'({"MM" if h.major else "MH"} "{text}{"+" if h.explode else ""}")'

    def write_limit(self, limit: Limit, warn) -> str | None:
        if limit.kind == "year":
            lo, hi = limit.low or 1800, limit.high or 2100
            text = f"DT {lo}-{hi}"
        else:
            code = {"language": "LA", "doctype": "PT", "peer_reviewed": "RV"}.get(limit.kind)
            if code is None:
                return None
            values = [lim.language_name(v) if limit.kind == "language" else
                      (lim.doctype_name(v) if limit.kind == "doctype" else v) for v in limit.values] or ["Y"]
            text = " OR ".join(f'{code} "{v}"' if " " in v else f"{code} {v}" for v in values)
            text = f"({text})" if len(values) > 1 else text
        return text

    def is_prefix(self, p: Parser, k: int) -> bool:
        tok, nxt = p.peek(k), p.peek(k + 1)
        return tok is not None and tok.kind == "word" and nxt is not None and nxt.kind != ")" \
            and p.g.operator(_Ahead(p, k + 1)) is None and (
                tok.text in {*FIELD_CODES, *HEADING_CODES, *LIMIT_CODES} or _other_code(tok, nxt))

    def prefix(self, p: Parser, tok: Token) -> Node | None:
        if not self.is_prefix(p, 0):
            return None
        code = tok.text
        p.i += 1
        first = p.peek()
        node = p.primary()
        if code not in {*FIELD_CODES, *HEADING_CODES, *LIMIT_CODES}:
            p.note(f"{code} is not a field code review-tools knows: its search read as other fields (affiliations, "
                   "identifiers ...); check the database's list of field codes")
            return with_fields(node, ("other",))
        if code in FIELD_CODES:
            return with_fields(node, FIELD_CODES[code])
        if first is not None and first.kind == "word" and isinstance(node, Near):
            # unquoted words after MH or PT name one heading or type (EBSCO's own Clinical Queries write
            # 'MH treatment outcomes', 'PT clinical trial')
            node = Term(" ".join(p.text[first.pos:p.peek(-1).end].split()))  # type: ignore[union-attr]
        if code in HEADING_CODES:
            vocabulary, major = HEADING_CODES[code]
            return _headings(p, node, vocabulary, major, tok)
        values = [t.text for t in walk(node) if isinstance(t, Term)]
        written = p.text[tok.pos:p.peek(-1).end]  # type: ignore[union-attr]
        kind = LIMIT_CODES[code]
        if kind == "year":
            span = lim.year_range(" ".join(values))
            if span is None:
                raise p.error(f"{code} needs a year or a range (DT 2015-2024)", tok.pos)
            return Limit("year", tuple(values), span[0], span[1], text=written)
        return lim.make(kind, values, text=written)



def limiters(printed: list[str]) -> tuple[list[Limit], list[str]]:
    """The limits of the 'Limiters - ...' and 'Narrow by Language: - english' texts an EBSCOhost search
    history prints beside a search, and those among them that records carry no field for (age groups,
    full text, 'Exclude MEDLINE records'), to be named as not applied."""
    found: list[Limit] = []
    unread: list[str] = []
    for text in printed:
        head, _, body = text.partition(" - ")
        facet = re.fullmatch(r"(?i)narrow by\s+(\w+):?", head.strip())
        items = [body.strip()] if facet else [i.strip() for i in body.split(";")]
        for item in filter(None, items):
            limit = _facet(facet.group(1), item, text) if facet else _limiter(item)
            if limit is None:
                unread.append(text if facet else f"Limiters - {item}")
            else:
                found.append(limit)
    return found, unread


def _facet(name: str, value: str, written: str) -> Limit | None:
    """A 'Narrow by Language: - english' refinement: a language or year limit by the facet's name; any
    other facet (SubjectThesaurus, Publication ...) a named limit records are not tested on."""
    kind = {"language": "language", "publicationyear": "year"}.get(name.lower(), "other")
    if kind == "year":
        span = lim.year_range(value)
        return Limit("year", (value,), span[0], span[1], text=written) if span else None
    return lim.make(kind, [value], text=written)


def _limiter(item: str) -> Limit | None:
    for kind, pattern in _LIMITERS:
        m = pattern.fullmatch(item)
        if m is None:
            continue
        value = m.group(1).strip()
        if kind == "year":
            span = lim.year_range(value)
            return Limit("year", (value,), span[0], span[1], text=item) if span else None
        values = ["Y"] if kind == "peer_reviewed" else [v for v in re.split(r"\s*[,|]\s*|\s+or\s+", value) if v]
        return lim.make(kind, values, text=item)
    return None


def _other_code(tok: Token, nxt: Token) -> bool:
    """A field code of one of EBSCOhost's databases that the table above lacks, before a quoted phrase or
    a group (``ZC "meta analysis"``): the Z codes of APA PsycInfo and ERIC, and a few others.  Other
    capitals before a group stay words: ``AI (ethics OR law)``, ``PD (dopamine)`` are acronyms."""
    return re.fullmatch(r"Z[A-Z]|TM|CN|EM|UR", tok.text) is not None and nxt.kind in ("phrase", "(")


class _Ahead:
    """A view of a parser ``k`` tokens ahead, to ask whether an operator stands there."""

    def __init__(self, p: Parser, k: int):
        self.p, self.k = p, k

    def peek(self, j: int = 0) -> Token | None:
        return self.p.peek(self.k + j)


def _headings(p: Parser, node: Node, vocabulary: str, major: bool, tok: Token) -> Node:
    """Terms after MH/MM/DE as headings: a trailing '+' explodes, 'X/DT' is a subheading."""
    if isinstance(node, Term):
        head, _, sub = node.text.partition("/")  # 'Heart Failure+/DT': '+' before the subheading explodes too
        explode = head.strip().endswith("+") or sub.strip().endswith("+")
        return Heading(head.strip().rstrip("+").strip(), vocabulary, explode=explode, major=major,
                       subheading=sub.strip().rstrip("+").strip())
    if isinstance(node, Or | And):
        return type(node)(tuple(_headings(p, part, vocabulary, major, tok) for part in node.parts))
    if isinstance(node, Not):
        return Not(_headings(p, node.keep, vocabulary, major, tok), _headings(p, node.drop, vocabulary, major, tok))
    if isinstance(node, Near):
        raise p.error("a subject heading cannot take a proximity operator", tok.pos)
    return node
