"""The generic syntax, for databases without a grammar of their own (Emerald, Finna, a library catalogue)
and for strings written for no database in particular: the common ground of the database syntaxes.

AND, OR, NOT and AND NOT in any case, AND before OR, proximity tighter than both; proximity as NEAR/n,
W/n, PRE/n (ordered), NEARn -- n words allowed between -- and ADJn as Ovid counts it (EBSCO's Nn and Wn only
in the ebsco syntax, so that N95 stays a word);
field tags as Scopus and ProQuest functions (``TITLE-ABS-KEY(...)``, ``noft(...)``), Web of Science
``TS=``, PubMed ``[tiab]`` and EBSCO prefixes (``TI x``); ``*`` any characters, ``?`` exactly one,
``#`` one or none; words next to each other are ANDed.  An untagged term searches title, abstract,
keywords and subject headings (what Scopus' TITLE-ABS-KEY and Web of Science's TS= cover).

The ``polyglot`` variant reads the neutral syntax of the Polyglot Search Translator (PubMed tags mixed
with Ovid's ``.ti.`` suffixes, ``exp X/`` headings and Ovid wildcards: ``?`` one character or none,
``#`` exactly one, ``$`` any), so its published test pairs can be read as written.
"""

from __future__ import annotations

import re
from types import MappingProxyType

from review_tools.query.errors import QuerySyntaxError
from review_tools.query.lexer import Token
from review_tools.query.parser import Grammar, Parser, Proximity
from review_tools.query.syntaxes.ebsco import Ebsco
from review_tools.query.syntaxes.ovid import Ovid
from review_tools.query.syntaxes.proquest import ProQuest
from review_tools.query.syntaxes.pubmed import PubMed
from review_tools.query.syntaxes.scopus import Scopus
from review_tools.query.syntaxes.wos import WebOfScience
from review_tools.query.tree import TOPIC, Heading, Limit, Node
from review_tools.query.writing import Tag, Writer

PROXIMITY = (
    Proximity(re.compile(r"(?i)(?:near|w)/(\d+)"), False), Proximity(re.compile(r"(?i)pre/(\d+)"), True),
    Proximity(re.compile(r"(?i)near(\d+)"), False), Proximity(re.compile(r"(?i)adj(\d+)"), False, offset=1),
)


class Generic(Grammar):
    name = "generic"
    label = "generic"
    proximity = PROXIMITY
    default_fields = TOPIC
    wildcards = MappingProxyType({"*": "*", "?": "?", "#": "#"})
    prefixes: tuple[Grammar, ...] = (Scopus(), ProQuest(), WebOfScience(), Ebsco())
    postfixes: tuple[Grammar, ...] = (PubMed(),)
    writer = Writer(
        "function",
        (Tag("TITLE-ABS-KEY", TOPIC), Tag("TITLE-ABS", ("title", "abstract")), Tag("TITLE", ("title",)),
         Tag("ABS", ("abstract",)), Tag("KEY", ("keywords", "headings"))),
        untagged=TOPIC, near="NEAR/{n}", pre="PRE/{n}", wildcards=MappingProxyType({"*": "*", "?": "?", "#": "#"}))

    def write_heading(self, h: Heading, warn) -> str:
        return f'"{h.text}"[{"Majr" if h.major else "Mesh"}{"" if h.explode else ":NoExp"}]'

    def write_limit(self, limit: Limit, warn) -> str | None:
        return None

    def is_prefix(self, p: Parser, k: int) -> bool:
        return any(g.is_prefix(p, k) for g in self.prefixes)

    def prefix(self, p: Parser, tok: Token) -> Node | None:
        first_error: QuerySyntaxError | None = None
        for g in self.prefixes:
            start = p.i
            try:
                node = g.prefix(p, tok)
            except QuerySyntaxError as exc:
                p.i = start
                first_error = first_error or exc
                continue
            if node is not None:
                return node
        if first_error is not None:
            raise first_error
        return None

    def has_postfix(self, p: Parser) -> bool:
        return any(g.has_postfix(p) for g in self.postfixes)

    def postfix(self, p: Parser, node: Node) -> Node | None:
        for g in self.postfixes:
            tagged = g.postfix(p, node)
            if tagged is not None:
                return tagged
        return None

    def split_word(self, tok: Token) -> tuple[Token, str]:
        for g in self.postfixes:
            word, glued = g.split_word(tok)
            if glued:
                return word, glued
        return tok, ""


class Polyglot(Generic):
    name = "polyglot"
    label = "Polyglot"
    wildcards = MappingProxyType({"*": "*", "#": "?", "?": "#"})
    bounded_truncation = re.compile(r"\$(\d*)")
    implicit = "phrase"
    tagged_run = "phrase"
    proximity = (*PROXIMITY, Proximity(re.compile(r"N(\d+)"), False), Proximity(re.compile(r"W(\d+)"), True))
    prefixes = (Ovid(), *Generic.prefixes)
    postfixes = (Ovid(), PubMed())
