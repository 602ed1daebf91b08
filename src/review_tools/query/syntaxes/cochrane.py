"""Cochrane Library (CENTRAL, CDSR) search manager.

From the Cochrane Library's search help (https://www.cochranelibrary.com/help/search-manager-help, as
reprinted by the UCL, SGUL and Johns Hopkins Welch library guides): AND, OR, NOT; NEAR/n within n words
in either order (NEAR alone is NEAR/6), NEXT for adjacent words in order; field labels after the term,
phrase or group (``:ti,ab,kw``, ``:ti``, ``:ab``, ``:kw``, ``:au``, ``:so``, ``:pt``); MeSH as
``[mh "Low Back Pain"]`` (exploded), ``[mh ^"Low Back Pain"]`` (not exploded), ``[mh vaccines/AE]``
(qualifier), ``[mh vaccines [mj]]`` (major); the search manager prints ``MeSH descriptor: [Aged]
explode all trees`` or ``... this term only``; ``*`` and ``?`` wildcards; lines ``#1`` ... and the date
limit line "with Cochrane Library publication date Between Jan 2015 and Dec 2024".  The help does not
state how AND and OR mix without parentheses; AND is read first and a note says so.  An untagged term
searches title, abstract and keywords (the search manager's default).  The help does not say how words
next to each other join; published strategies put unquoted multi-word terms inside NEAR ("(long term or
side) near/5 effect*"), which the Library runs, so they are read as phrases.
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
    Node,
    combine,
    fields_of,
    subheading_code,
)
from review_tools.query.writing import Tag, Writer

TAK = fields_of("title", "abstract", "keywords", "headings")
LABELS: dict[str, tuple[str, ...]] = {
    "ti": ("title",), "ab": ("abstract",), "kw": fields_of("keywords", "headings"), "au": ("author",),
    "so": ("source",), "an": ("other",), "doi": ("other",), "tp": ("other",), "crg": ("other",),
    "mh": ("headings",), "all": tuple(f for f in EVERYTHING if f != "fulltext"),
}
LIMIT_LABELS = {"pt": "doctype", "la": "language", "yr": "year", "py": "year"}
_LABEL = re.compile(r"(?i):((?:[a-z]{2,3})(?:,[a-z]{2,3})*)$")
# 'in Trials' after a line: the search manager's restriction to some of the Library's products.
_PRODUCT = (r"(?:trials|cochrane reviews|cochrane protocols|reviews|protocols|clinical answers|editorials"
            r"|special collections)")
# 'with Cochrane Library publication date Between Jan 2015 and Dec 2024', 'with Publication Year from 2010 to 2020'
_DATE_LINE = r"with\s+[\w ]*?(?:date|year)\s+(?:between|from)\b"
_IN_PRODUCTS = rf"in\s+{_PRODUCT}(?:\s*(?:,|and)\s*{_PRODUCT})*"
_PRODUCTS = re.compile(rf"(?i){_IN_PRODUCTS}\s*")


def _line_from(text: str, pos: int) -> str:
    end = text.find("\n", pos)
    return text[pos:] if end < 0 else text[pos:end]


class Cochrane(Grammar):
    name = "cochrane"
    label = "Cochrane Library"
    help_pages = ("https://www.cochranelibrary.com/help/search-manager-help",
                  "https://library-guides.ucl.ac.uk/cochrane/thesaurus-search")
    proximity = (Proximity(re.compile(r"(?i)near/(\d+)"), False), Proximity(re.compile(r"(?i)near"), False, default=6),
                 Proximity(re.compile(r"(?i)next/(\d+)"), True), Proximity(re.compile(r"(?i)next"), True, default=0))
    default_fields = TAK
    implicit = "phrase"
    tagged_run = "phrase"
    tag_suffixes = (_LABEL,)
    wildcards = MappingProxyType({"*": "*", "?": "?"})
    writer = Writer(
        "colon",
        (Tag("ti", ("title",)), Tag("ab", ("abstract",)), Tag("kw", LABELS["kw"]), Tag("au", ("author",)),
         Tag("so", ("source",))),
        join_codes=",", near="NEAR/{n}", pre="NEXT/{n}", adjacent_pre="NEXT")

    floating_subheadings = True
    restriction = re.compile(rf"(?i)\b{_DATE_LINE}|\b{_IN_PRODUCTS}\s*(?=\n|$)")

    def write_heading(self, h: Heading, warn) -> str:
        if h.vocabulary != "mesh":
            warn(f"{h.vocabulary} heading '{h.text}' written as MeSH: check that MeSH has it")
        text = f'"{h.text}"' if " " in h.text or (h.text and not h.text.isalnum()) else h.text
        sub = f"/{subheading_code(h.subheading).upper()}" if h.subheading else ""
        return f"[mh {'' if h.explode else '^'}{text}{sub}{' [mj]' if h.major else ''}]"

    def write_limit(self, limit: Limit, warn) -> str | None:
        if limit.kind == "doctype":
            names = [lim.publication_type(v, lim.DOCTYPE_NAMES) for v in limit.values]
            body = " OR ".join(f'"{n}"' if " " in n else n for n in names)
            return f"({body}):pt" if len(names) > 1 else f"{body}:pt"
        return None
    mixed_and_or_note = ("Cochrane Library: AND and OR are mixed without parentheses; read with AND first (the "
                         "help does not say); add parentheses to be sure")

    def postfix(self, p: Parser, node: Node) -> Node | None:
        tok = p.peek()
        if tok is None or tok.kind != "word" or not (m := _LABEL.fullmatch(tok.text)):
            return None
        p.i += 1
        return p.colon_labels(node, tok, m.group(1).lower().split(","), LABELS, LIMIT_LABELS, "Cochrane field label",
                              p.text[max(0, tok.pos - 40):tok.end].strip())

    def is_prefix(self, p: Parser, k: int) -> bool:
        tok = p.peek(k)
        return tok is not None and ((tok.kind == "bracket" and tok.text.lower().startswith("mh"))
                                    or (tok.kind == "word" and tok.text.lower() in ("mesh", "any"))
                                    or (tok.kind == "word" and re.match(rf"(?i){_DATE_LINE}", p.text[tok.pos:])
                                        is not None)
                                    or (tok.kind == "word" and tok.text.lower() == "in"
                                        and _PRODUCTS.fullmatch(_line_from(p.text, tok.pos)) is not None))

    def prefix(self, p: Parser, tok: Token) -> Node | None:
        if tok.kind == "bracket" and re.match(r"(?i)mh\b", tok.text):
            p.i += 1
            return _mh(p, tok)
        if tok.kind == "word" and tok.text.lower() in ("mesh", "any") and re.match(
                r"(?i)(?:any\s+)?mesh\s+descriptor", p.text[tok.pos:]):
            return self._descriptor(p, tok)
        if tok.kind == "word" and re.match(rf"(?i){_DATE_LINE}", p.text[tok.pos:]):
            return self._date_line(p, tok)
        if tok.kind == "word" and self.is_prefix(p, 0):
            written = p.rest_of_line(tok)
            return lim.make("other", [written[2:].strip()], text=written)
        return None


    def _descriptor(self, p: Parser, tok: Token) -> Node:
        """What the search manager prints for a MeSH line: ``MeSH descriptor: [Aged] explode all trees``,
        ``... this term only``, ``... and with qualifier(s): [Drug therapy - DT]``, ``Any MeSH descriptor
        with qualifier(s): [Radiotherapy - RT]``, and the older ``MeSH descriptor Cachexia, this term only``
        and ``Any MeSH descriptor with qualifier: SU``."""
        line = p.text[tok.pos:].split("\n", 1)[0]
        m = re.match(r"(?i)any\s+mesh\s+descriptor\s+with\s+qualifiers?(?:\(s\))?\s*:?\s*"
                     r"(?:\[([^\]]+)\]|([A-Za-z]{2})\b)", line)
        if m:
            heading = Heading("", "mesh", subheading=(m.group(1) or "").split(" - ")[-1].strip() or m.group(2))
        else:
            m = re.match(r"(?i)mesh\s+descriptor:?\s*(?:\[([^\]]+)\]|(.+?)),?\s*"
                         r"(explode all trees|this term only)(?:\s*and\s+with\s+qualifiers?\s*(?:\(s\))?\s*:?\s*"
                         r"\[([^\]]+)\])?", line)
            if m is None:
                raise p.error("write MeSH descriptor: [Heading] explode all trees", tok.pos)
            sub = (m.group(4) or "").split(" - ")[-1].strip()
            heading = Heading((m.group(1) or m.group(2)).strip(), "mesh",
                              explode=m.group(3).lower().startswith("explode"), subheading=sub)
        p.skip_to(tok.pos + m.end())
        return heading

    def _date_line(self, p: Parser, tok: Token) -> Node:
        """'with Cochrane Library publication date Between Jan 2015 and Dec 2024, in Trials' to the line end."""
        written = p.rest_of_line(tok)
        years = re.findall(r"(?<!\d)(1[5-9]\d\d|2[01]\d\d)(?!\d)", written)
        node: Node = lim.make("year", ["-".join(years[:2]) if len(years) > 1 else f">= {years[0]}"], text=written) \
            if years else lim.make("other", [written], text=written)
        where = re.search(r"(?i),?\s*in\s+(.+)$", written)
        if where:
            node = combine(And, node, lim.make("other", [where.group(1)], text=where.group(0).strip(", ")))
        return node


def _mh(p: Parser, tok: Token) -> Node:
    body = tok.text[2:].strip()
    major = bool(re.search(r"\[\s*mj\s*\]", body, re.IGNORECASE))
    body = re.sub(r"\[\s*mj\s*\]", "", body, flags=re.IGNORECASE).strip()
    explode = not body.startswith("^")
    body = body.lstrip("^").strip()
    text = body.strip('"“”').strip()
    head, _, sub = text.partition("/")
    if not head.strip() and not sub:
        raise p.error("[mh ...] needs a heading", tok.pos)
    return Heading(head.strip().strip('"'), "mesh", explode=explode, major=major, subheading=sub.strip().lower())
