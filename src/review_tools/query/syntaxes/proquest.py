"""ProQuest (ABI/INFORM, ProQuest Central, Dissertations & Theses, PsycINFO/MEDLINE on ProQuest).

From ProQuest's help "Parentheses and Precedence" (http://proquest.umi.com/i-std/en/npc/precedence.htm):
highest first -- a phrase, OR, PRE/n, NEAR (W/n), AND, AND NOT, so ``cat AND dog OR pet`` is
``cat AND (dog OR pet)`` and ``cat AND NOT dog AND pet`` is ``cat AND NOT (dog AND pet)``; "Search
operators" (https://proquest.libguides.com/proquestplatform/tips): words next to each other are ANDed,
``*`` any characters, ``?`` one character, NEAR/n (N/n) within n words in either order, PRE/n (P/n) in
order, NEAR alone is NEAR/4; spelling variants and lemmas are found by default.  Field codes are
functions: ``ti()``, ``ab()``, ``su()``, ``noft()`` (anywhere but the full text), ``ti,ab()``;
controlled vocabulary ``SU.EXACT("x")``, ``SU.EXACT.EXPLODE("x")``, ``MAINSUBJECT.EXACT("x")``,
``MESH.EXACT.EXPLODE("x")``; limits ``pd(20150101-20241231)``, ``yr(2015-2024)``, ``la.exact("English")``,
``rtype.exact("Scholarly Journals")``, ``dtype()``, ``PEER(yes)``.  An untagged term searches all fields
and the full text (ProQuest's default "All fields + text").
"""

from __future__ import annotations

import re
from dataclasses import replace
from types import MappingProxyType

from review_tools.query import limits as lim
from review_tools.query.lexer import Token
from review_tools.query.parser import Grammar, Op, Parser, Proximity
from review_tools.query.tree import (
    EVERYTHING,
    And,
    Heading,
    Limit,
    Node,
    Not,
    Or,
    Term,
    fields_of,
    map_leaves,
    walk,
    with_fields,
)
from review_tools.query.writing import Tag, Writer

NOFT = tuple(f for f in EVERYTHING if f != "fulltext")
FIELD_CODES: dict[str, tuple[str, ...]] = {
    "ti": ("title",), "ab": ("abstract",), "su": ("headings",), "if": ("keywords",), "noft": NOFT,
    "all": EVERYTHING, "ft": ("fulltext",), "au": ("author",), "pub": ("source",), "mesh": ("headings",),
    "mainsubject": ("headings",), "de": ("headings",), "sub": ("headings",),
    **{c: ("other",) for c in ("cc", "loc", "co", "per", "org", "isn", "issn", "isbn", "doi", "an", "pubid",
                               "ad", "affiliation", "nb")},
}
HEADING_CODES = {"su": ("thesaurus", False), "mainsubject": ("thesaurus", True), "mesh": ("mesh", False),
                 "mjmesh": ("mesh", True), "de": ("thesaurus", False), "if": ("keyword", False)}
LIMIT_CODES = {"pd": "year", "yr": "year", "la": "language", "rtype": "source_type", "stype": "source_type",
               "dtype": "doctype", "at": "doctype", "peer": "peer_reviewed", "lang": "language"}
_CODE = re.compile(r"(?i)([a-z]+(?:,[a-z]+)*)((?:\.exact)?(?:\.explode)?)")


class ProQuest(Grammar):
    name = "proquest"
    label = "ProQuest"
    help_pages = ("http://proquest.umi.com/i-std/en/npc/precedence.htm",
                  "https://proquest.libguides.com/proquestplatform/tips",
                  "http://training.proquest.com/trc/training/boolean.htm")
    levels = (frozenset({"not"}), frozenset({"and"}), frozenset({"near"}), frozenset({"pre"}), frozenset({"or"}))
    proximity = (Proximity(re.compile(r"(?i)(?:near|n|w)/(\d+)"), False),
                 Proximity(re.compile(r"(?i)(?:pre|p)/(\d+)"), True),
                 Proximity(re.compile(r"(?i)near"), False, default=4))
    default_fields = EVERYTHING
    variants = True
    wildcards = MappingProxyType({"*": "*", "?": "?"})
    writer = Writer(
        "function",
        (Tag("ti", ("title",)), Tag("ab", ("abstract",)), Tag("su", ("headings",)), Tag("if", ("keywords",)),
         Tag("noft", NOFT), Tag("all", EVERYTHING), Tag("ft", ("fulltext",)), Tag("au", ("author",)),
         Tag("pub", ("source",))),
        join_codes=",", near="NEAR/{n}", pre="PRE/{n}", variants=True)

    def write_heading(self, h: Heading, warn) -> str:
        if h.subheading:
            warn(f"ProQuest has no subheading search here: '{h.text}/{h.subheading}' written as '{h.text}' "
                 "(finds more)")
        if h.vocabulary == "mesh":
            code = "MJMESH" if h.major else "MESH"
        else:
            code = "MAINSUBJECT" if h.major else "SU"
            if h.vocabulary != "thesaurus":
                warn(f"{h.vocabulary} heading '{h.text}' written as a ProQuest subject: check the thesaurus")
        return f'{code}.EXACT{".EXPLODE" if h.explode else ""}("{h.text}")'

    def write_limit(self, limit: Limit, warn) -> str | None:
        if limit.kind == "year":
            text = f"pd({limit.low or 1800}0101-{limit.high or 2100}1231)"
        elif limit.kind == "peer_reviewed":
            text = "PEER(yes)"
        else:
            code = {"language": "la", "doctype": "dtype", "source_type": "rtype"}.get(limit.kind)
            if code is None:
                return None
            values = [lim.language_name(v) if limit.kind == "language" else
                      (lim.doctype_name(v) if limit.kind == "doctype" else v) for v in limit.values]
            text = f"{code}.exact(" + " OR ".join(f'"{v}"' for v in values) + ")"
        return text

    def operator(self, p: Parser) -> Op | None:
        op = super().operator(p)
        if op is not None and op.kind == "near" and op.ordered:
            return Op("pre", op.width, op.name, op.distance, True)
        return op

    def _code(self, tok: Token, nxt: Token | None) -> tuple[list[str], str] | None:
        if nxt is None or nxt.kind != "(" or tok.kind != "word":
            return None
        m = _CODE.fullmatch(tok.text)
        if m is None:
            return None
        return m.group(1).lower().split(","), m.group(2).lower()

    def is_prefix(self, p: Parser, k: int) -> bool:
        tok = p.peek(k)
        return tok is not None and self._code(tok, p.peek(k + 1)) is not None

    def prefix(self, p: Parser, tok: Token) -> Node | None:
        parsed = self._code(tok, p.peek(1))
        if parsed is None:
            return None
        codes, suffix = parsed
        known = {*FIELD_CODES, *HEADING_CODES, *LIMIT_CODES}
        for code in codes:
            if code not in known:
                if len(codes) == 1 and not suffix and p.peek(1).pos > tok.end:  # type: ignore[union-attr]
                    return None  # a word, a space, then a group: an implicit AND
                raise p.unknown_tag(f"{code}(", [f"{c}(" for c in sorted(known)], tok.pos, "ProQuest field code")
        opening = p.peek(1)
        assert opening is not None
        p.i += 1
        inner = p.group(opening, f"'{tok.text}('")
        written = p.text[tok.pos:p.peek(-1).end]  # type: ignore[union-attr]
        if len(codes) == 1 and codes[0] in LIMIT_CODES and (suffix or codes[0] not in FIELD_CODES):
            return _limit(p, LIMIT_CODES[codes[0]], inner, written, tok)
        if ".exact" in suffix and len(codes) == 1 and codes[0] in HEADING_CODES:
            vocabulary, major = HEADING_CODES[codes[0]]
            return _headings(inner, vocabulary, major, explode=".explode" in suffix)
        if ".explode" in suffix:
            raise p.error(f"{tok.text}( is not a ProQuest subject search that explodes", tok.pos,
                          "write SU.EXACT.EXPLODE(\"...\") or MESH.EXACT.EXPLODE(\"...\")")
        if ".exact" in suffix:  # pub.exact("Journal of Marketing"): the field's whole value
            inner = map_leaves(inner, lambda n: replace(n, phrase=True, exact=True) if isinstance(n, Term) else n)
        fields = tuple(f for f in EVERYTHING if any(f in FIELD_CODES.get(c, ()) for c in codes))
        return with_fields(inner, fields_of(*fields))



def _headings(node: Node, vocabulary: str, major: bool, explode: bool) -> Node:
    if isinstance(node, Term):
        return Heading(node.text, vocabulary, explode=explode, major=major)
    if isinstance(node, Or | And):
        return type(node)(tuple(_headings(n, vocabulary, major, explode) for n in node.parts))
    if isinstance(node, Not):
        return Not(_headings(node.keep, vocabulary, major, explode), _headings(node.drop, vocabulary, major, explode))
    return node


def _limit(p: Parser, kind: str, inner: Node, written: str, tok: Token) -> Node:
    values = [t.text for t in walk(inner) if isinstance(t, Term)]
    if kind == "year":
        span = lim.year_range(" ".join(values).replace(" ", ""))
        if span is None:
            raise p.error(f"{tok.text}() needs a date or a range (pd(20150101-20241231))", tok.pos)
        return Limit("year", tuple(values), span[0], span[1], text=written)
    if kind == "peer_reviewed":
        return Limit("peer_reviewed", tuple(values), text=written)
    return lim.make(kind, values, text=written)
