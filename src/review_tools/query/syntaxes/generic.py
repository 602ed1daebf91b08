"""The generic syntax, for databases without a grammar of their own (Emerald, Finna, a library catalogue)
and for strings written for no database in particular: the common ground of the database syntaxes.

AND, OR, NOT and AND NOT in any case, AND before OR, proximity tighter than both; proximity as NEAR/n,
W/n, PRE/n (ordered), NEARn -- n words allowed between -- and ADJn as Ovid counts it (EBSCO's Nn and Wn only
in the ebsco syntax, so that N95 stays a word);
field tags as Scopus and ProQuest functions (``TITLE-ABS-KEY(...)``, ``noft(...)``), Web of Science
``TS=``, PubMed ``[tiab]`` and EBSCO prefixes (``TI x``); ``*`` any characters, ``?`` exactly one,
``#`` one or none; words next to each other are ANDed; field labels as other databases' search forms print
them (ScienceDirect's ``Title, abstract, keywords: (...)``, IEEE Xplore's ``"Document Title":x``, see
:data:`LABELS`), and the ACM Digital Library's bracketed groups (``[[Title: x] OR [Abstract: x]]``,
``[Publication Date: (01/01/2004 TO 12/31/2024)]``, see :data:`ACM_LABELS`).  An untagged term searches
title, abstract, keywords and subject headings (what Scopus' TITLE-ABS-KEY and Web of Science's TS= cover).

The ``polyglot`` variant reads the neutral syntax of the Polyglot Search Translator (PubMed tags mixed
with Ovid's ``.ti.`` suffixes, ``exp X/`` headings and Ovid wildcards: ``?`` one character or none,
``#`` exactly one, ``$`` any), so its published test pairs can be read as written.
"""

from __future__ import annotations

import re
from types import MappingProxyType

from review_tools.query import limits as lim
from review_tools.query.errors import QuerySyntaxError
from review_tools.query.lexer import Token
from review_tools.query.parser import Grammar, Parser, Proximity
from review_tools.query.syntaxes.ebsco import Ebsco
from review_tools.query.syntaxes.ovid import Ovid
from review_tools.query.syntaxes.proquest import ProQuest
from review_tools.query.syntaxes.pubmed import PubMed
from review_tools.query.syntaxes.scopus import Scopus
from review_tools.query.syntaxes.wos import WebOfScience
from review_tools.query.tree import (
    EVERYTHING,
    TOPIC,
    And,
    Heading,
    Limit,
    Node,
    fields_of,
    joined,
    with_fields,
)
from review_tools.query.writing import Tag, Writer

PROXIMITY = (
    Proximity(re.compile(r"(?i)(?:near|w)/(\d+)"), False), Proximity(re.compile(r"(?i)pre/(\d+)"), True),
    Proximity(re.compile(r"(?i)near(\d+)"), False), Proximity(re.compile(r"(?i)adj(\d+)"), False, offset=1),
)


# The refinements ScienceDirect (and search forms like it) print on lines of their own under the search:
# 'Years: 2004-2024', 'Article type: Review articles, Research articles', 'Subject areas: Business ...'.
REFINEMENT_LINES = {"year": "year", "years": "year", "article type": "doctype", "article types": "doctype",
                    "subject area": "subject", "subject areas": "subject", "language": "language",
                    "languages": "language", "publication title": "other", "publication titles": "other",
                    "access type": "other", "content type": "doctype"}
_REFINEMENT_LINE = re.compile(r"(?im)^[ \t]*(" + "|".join(sorted(map(re.escape, REFINEMENT_LINES), key=len,
                                                                 reverse=True)).replace(r"\ ", r"[ \t]+")
                              + r")[ \t]*:[ \t]*(.*)$")


class Generic(Grammar):
    name = "generic"
    label = "generic"
    proximity = PROXIMITY
    restriction = _REFINEMENT_LINE
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
        """As PubMed writes it (the generic syntax reads PubMed's tags), with its warnings."""
        return PubMed().write_heading(h, warn)

    def write_limit(self, limit: Limit, warn) -> str | None:
        return None

    def read_tokens(self, p: Parser, toks: list[Token]) -> list[Token]:
        """The tokens with a ``+`` before a word, phrase or group (Lucene's 'required', as the ACM Digital
        Library's older search printed it) dropped, as words side by side are all required here anyway; a
        word that looks like a field label none of the known labels covers is noted as searched."""
        labels = [m.span() for pattern in (_LABEL, _REFINEMENT_LINE) for m in pattern.finditer(p.text)]
        for tok in toks:
            if tok.kind == "word" and _FIELD_LIKE.fullmatch(tok.text) and not any(a <= tok.pos < b for a, b in labels):
                p.note(f"'{tok.text}' is searched as a word: the generic syntax knows no field label of that name "
                       "(name the database's own syntax, or write the term without it)")
        out: list[Token] = []
        for k, tok in enumerate(toks):
            if tok.kind == "word" and tok.text == "+" and k + 1 < len(toks) and toks[k + 1].pos == tok.end:
                continue
            if tok.kind == "word" and len(tok.text) > 1 and tok.text[0] == "+" and tok.text[1] not in "+":
                tok = Token("word", tok.text[1:], tok.pos + 1, tok.end)
            out.append(tok)
        return out

    def is_prefix(self, p: Parser, k: int) -> bool:
        tok = p.peek(k)
        return any(g.is_prefix(p, k) for g in self.prefixes) or (tok is not None and _labelled(p, tok) is not None)

    def prefix(self, p: Parser, tok: Token) -> Node | None:
        if tok.kind == "bracket":
            return _acm_group(p, tok)
        if tok.kind == "word" and (line := _REFINEMENT_LINE.match(p.text, tok.pos)) is not None \
                and p.text[line.start():tok.pos].strip() == "":
            return _refinement_lines(p, tok)
        if (found := _labelled(p, tok)) is not None:
            end, fields = found
            p.skip_to(end)
            if (glued := p.peek(-1)) is not None and glued.end > end:  # '"Document Title":pharma*' lexes ':pharma*'
                p.toks.insert(p.i, Token("word", p.text[end:glued.end], end, glued.end))
            if p.peek() is None or p.peek().kind == ")" or p.g.operator(p) is not None:  # type: ignore[union-attr]
                raise p.error("a field label needs a term, phrase or group after it", end)
            return with_fields(p.primary(), fields)
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


# Field labels as the search forms of databases without a grammar here print them before a term, phrase or
# group: ScienceDirect ('Title, abstract, keywords: (...)', and its function TITLE-ABSTR-KEY(...)), IEEE
# Xplore ('"All Metadata":x', '"Document Title":x'), and plain 'Title: (...)'.
LABELS = {
    "title, abstract, keywords": fields_of("title", "abstract", "keywords"),
    "title, abstract or author-specified keywords": fields_of("title", "abstract", "keywords"),
    "title-abstr-key": fields_of("title", "abstract", "keywords"),
    "all metadata": fields_of("title", "abstract", "keywords", "headings", "author", "source"),
    "full text & metadata": EVERYTHING, "all fields": EVERYTHING, "anywhere": EVERYTHING,
    "document title": ("title",), "title": ("title",), "abstract": ("abstract",), "author keywords": ("keywords",),
    "keywords": ("keywords",), "index terms": ("headings",), "publication title": ("source",),
    "source title": ("source",), "journal": ("source",), "author": ("author",), "authors": ("author",),
    # the ACM Digital Library's field names before 2020 ('acmdlTitle:(+segment*) AND recordAbstract:(...)')
    "acmdltitle": ("title",), "recordabstract": ("abstract",), "keywords.author.keyword": ("keywords",),
    "content.ftsec": ("fulltext",), "acmdlccs": ("headings",), "persons.authors.personname": ("author",),
}


_FIELD_LIKE = re.compile(r"[A-Za-z][\w.-]*:(?!//)\S*")  # looks like a field label: 'journal:', 'content-type:x'


def _key(label: str) -> str:
    return re.sub(r"[,\s]+", " ", label.lower()).strip()


_BY_KEY = {_key(k): v for k, v in LABELS.items()}
_LABEL = re.compile(r'(?i)"?(' + "|".join(re.escape(k).replace(r"\ ", r"\s+").replace(",", r",?")
                                           for k in sorted(LABELS, key=len, reverse=True)) + r')"?\s*(?::\s*|(?=\())')


def _labelled(p: Parser, tok: Token) -> tuple[int, tuple[str, ...]] | None:
    """Where the term after a field label at ``tok`` starts, and the label's fields; None if no label is
    there.  A label's own name followed by '(' is a function only for TITLE-ABSTR-KEY, a colon otherwise."""
    m = _LABEL.match(p.text, tok.pos)
    if m is None or (not m.group(0).rstrip().endswith(":") and m.group(1).lower() != "title-abstr-key"):
        return None
    return m.end(), _BY_KEY[_key(m.group(1))]


# The ACM Digital Library prints a search as square-bracketed groups with field labels:
# '[[Title: crm] OR [Abstract: crm]] AND [Publication Date: (01/01/2004 TO 12/31/2024)]'.
ACM_LABELS = {
    "title": ("title",), "abstract": ("abstract",), "keywords": ("keywords",), "author keyword": ("keywords",),
    "all": EVERYTHING, "anywhere": EVERYTHING, "full text": ("fulltext",), "author": ("author",),
    "name": ("author",), "publication title": ("source",), "ccs": ("headings",),
}
ACM_DATES = ("publication date", "e-publication date")
_ACM_LABEL = re.compile(r"\s*([A-Za-z][A-Za-z -]*?)\s*:\s*")


def _acm_group(p: Parser, tok: Token) -> Node:
    """A square-bracketed group of the ACM Digital Library: ``[Title: crm]`` searches its inside in that
    field, ``[[...] OR [...]]`` groups, ``[Publication Date: (01/01/2004 TO 12/31/2024)]`` is a year limit.
    The inside is read by a parser of its own over the same text, so errors point into the whole string."""
    inner, start = tok.text, tok.pos + 1
    fields: tuple[str, ...] | None = None
    m = _ACM_LABEL.match(inner)
    if m and not inner.lstrip().startswith("["):
        label = m.group(1).lower()
        body = inner[m.end():]
        if label in ACM_DATES:
            years = lim.years_in(body)
            if not years:
                raise p.error(f"[{m.group(1)}: ...] needs a date or a range of dates", tok.pos)
            p.i += 1
            return Limit("year", (body.strip(),), min(years), max(years), text=f"[{inner}]")
        if label not in ACM_LABELS:
            raise p.unknown_tag(f"[{m.group(1)}:", [f"[{k.title()}:" for k in (*ACM_LABELS, *ACM_DATES)], tok.pos,
                                "ACM Digital Library field")
        fields, inner, start = ACM_LABELS[label], body, start + m.end()
    elif not inner.lstrip().startswith("["):
        raise p.error(f"the field tag [{tok.text}] needs a term before it", tok.pos)
    p.i += 1
    p.enter(tok)
    sub = Parser(inner, p.g, base=p.base + start, full_text=p.full, default_fields=fields or p.default_fields)
    sub.nesting = p.nesting  # a bracket inside counts towards the same nesting limit
    node = sub.parse()
    p.nesting -= 1
    p.notes += [n for n in sub.notes if n not in p.notes]
    return node


def _refinement_lines(p: Parser, tok: Token) -> Node:
    """The refinement lines from ``tok`` on ('Years: 2004-2024' ...), each a limit, ANDed; a line that is
    not one of them is an error (it would otherwise be searched)."""
    parts: list[Node] = []
    at = tok.pos
    for line in p.text[tok.pos:].splitlines(keepends=True):
        m = _REFINEMENT_LINE.match(line)
        if m is None and line.strip():
            raise p.error(f"{line.strip()!r} after the refinement lines is neither a refinement nor the search",
                          at + len(line) - len(line.lstrip()))
        if m is not None:
            kind = REFINEMENT_LINES[" ".join(m.group(1).lower().split())]
            values = [v.strip() for v in re.split(r"[,;]", m.group(2)) if v.strip()] \
                if kind in ("doctype", "language") else [m.group(2)]  # 'Business, Management and Accounting'
            parts.append(lim.make(kind, values, text=line.strip()))
        at += len(line)
    p.skip_to(len(p.text))
    return joined(And, parts)


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
