"""Scopus advanced search.

From Scopus' help pages: Boolean operators (http://help.scopus.com/robo/projects/schelp/h_bscssrchboolop.htm)
-- AND, OR, AND NOT in any case; words next to each other are ANDed; OR binds first, then W/n and PRE/n,
then AND, then AND NOT (Elsevier support answer 11365, as reprinted by the University of Galway's Scopus
guide: "1. OR 2. W/n PRE/n 3. AND 4. AND NOT"); proximity (h_bscssrchFASTprox.htm) -- W/n within n words
in either order, PRE/n in order, n from 0 to 255, no AND inside, and no mixing of operators or distances
in one chain (``bay PRE/6 ship* W/6 channel`` is invalid); ``*`` any characters, ``?`` one character;
``"..."`` a loose phrase, ``{...}`` an exact one; plurals and British/American spellings are found
automatically.  Field codes as Scopus prints them in "copy search string"; limits as PUBYEAR > 2014,
DOCTYPE(ar), LANGUAGE(english), SUBJAREA(MEDI) and the LIMIT-TO/EXCLUDE(FIELD, "value") refinements.
A term outside any field code is searched in ALL fields.
"""

from __future__ import annotations

import re
from types import MappingProxyType

from review_tools.query import limits as lim
from review_tools.query.lexer import Lexing, Token
from review_tools.query.limits import language_name
from review_tools.query.parser import Grammar, Parser, Proximity, excluded, exclusions_joined
from review_tools.query.tree import Heading, Limit, Node, Term, fields_of, with_fields
from review_tools.query.writing import Tag, Writer

ALL = fields_of("title", "abstract", "keywords", "headings", "author", "source", "other")
OTHER = ("other",)

FIELD_CODES: dict[str, tuple[str, ...]] = {
    "all": ALL,
    "title-abs-key": fields_of("title", "abstract", "keywords", "headings"),
    "title-abs-key-auth": fields_of("title", "abstract", "keywords", "headings", "author"),
    "title-abs": fields_of("title", "abstract"),
    "title": ("title",),
    "abs": ("abstract",),
    "key": fields_of("keywords", "headings"),
    "authkey": ("keywords",),
    "indexterms": ("headings",),
    "srctitle": ("source",), "exactsrctitle": ("source",),
    **{code: ("author",) for code in ("auth", "authlastname", "authfirst", "authcomplete", "au-id", "authname")},
    **{code: OTHER for code in (
        "affil", "affilorg", "affilcity", "affilcountry", "af-id", "ref", "refauth", "reftitle", "refsrctitle",
        "refpubyear", "refartnum", "refpage", "refpagefirst", "fund-sponsor", "fund-acr", "fund-no", "fund-all",
        "doi", "pmid", "issn", "isbn", "coden", "eissn", "artnum", "volume", "issue", "pages", "pagefirst",
        "pagelast", "publisher", "conf", "conffname", "confsponsors", "confloc", "seqbank", "seqnumber",
        "casregnumber", "chem", "chemname", "tradename", "manufacturer", "edfirst", "editor", "edlastname",
        "website", "orcid", "eid")},
}
LIMIT_CODES = {"pubyear": "year", "pubdatetxt": "year", "doctype": "doctype", "language": "language",
               "subjarea": "subject", "srctype": "source_type", "pubstage": "other", "oa": "other",
               "affilcountry": "other", "affiliation": "other", "fund-sponsor": "other", "exactkeyword": "keyword",
               "srctitle": "source", "exactsrctitle": "source"}
DOCTYPE_CODES = {"article": "ar", "review": "re", "conference": "cp", "chapter": "ch", "book": "bk", "letter": "le",
                 "editorial": "ed", "note": "no", "erratum": "er", "short survey": "sh", "data": "dp"}
_FUNCTION = re.compile(r"[A-Za-z][A-Za-z-]*")
# Scopus writes the refinements a user excludes joined by OR ('EXCLUDE(DOCTYPE, "cp") OR EXCLUDE(DOCTYPE, "ch")')
# and leaves out every one of them.
OR_OF_EXCLUSIONS = "EXCLUDE(...) OR EXCLUDE(...) read as Scopus runs it: every one of them left out"


class Scopus(Grammar):
    name = "scopus"
    label = "Scopus"
    help_pages = ("http://help.scopus.com/robo/projects/schelp/h_bscssrchboolop.htm",
                  "http://help.scopus.com/robo/projects/schelp/h_bscssrchFASTprox.htm",
                  "https://service.elsevier.com/app/answers/detail/a_id/11365/supporthub/scopus/")
    lexing = Lexing(braces=True)
    levels = (frozenset({"not"}), frozenset({"and"}), frozenset({"near"}), frozenset({"or"}))
    not_spellings = (("AND", "NOT"),)
    proximity = (Proximity(re.compile(r"(?i)w/(\d+)"), False), Proximity(re.compile(r"(?i)pre/(\d+)"), True))
    default_fields = ALL
    variants = True
    strict_chains = True
    wildcards = MappingProxyType({"*": "*", "?": "?"})

    writer = Writer(
        "function",
        (Tag("TITLE-ABS-KEY", FIELD_CODES["title-abs-key"]), Tag("TITLE-ABS", FIELD_CODES["title-abs"]),
         Tag("TITLE", ("title",)), Tag("ABS", ("abstract",)), Tag("KEY", FIELD_CODES["key"]),
         Tag("AUTHKEY", ("keywords",)), Tag("INDEXTERMS", ("headings",)), Tag("ALL", ALL), Tag("AUTH", ("author",)),
         Tag("SRCTITLE", ("source",)), Tag("TITLE-ABS-KEY-AUTH", FIELD_CODES["title-abs-key-auth"])),
        not_="AND NOT", near="W/{n}", pre="PRE/{n}", variants=True,
        excluding_limits=("doctype", "language", "subject", "source_type"))

    def write_heading(self, h: Heading, warn) -> str:
        text = f'"{h.text}"' if " " in h.text else h.text
        warn(f"{'MeSH' if h.vocabulary == 'mesh' else h.vocabulary} heading '{h.text}' has no Scopus equivalent: "
             f"searched as INDEXTERMS({text}){', not exploded' if h.explode else ''}")
        return f"INDEXTERMS({text})"

    def write_limit(self, limit: Limit, warn) -> str | None:
        if limit.kind == "year":
            parts = ([f"PUBYEAR > {limit.low - 1}"] if limit.low else []) + \
                    ([f"PUBYEAR < {limit.high + 1}"] if limit.high else [])
            text = " AND ".join(parts)
            return f"({text})" if len(parts) > 1 else text
        field = {"doctype": "DOCTYPE", "language": "LANGUAGE", "subject": "SUBJAREA", "source_type": "SRCTYPE"}.get(
            limit.kind)
        if field is None:
            return None
        if limit.kind == "doctype" and lim.lacks_type(limit.values, DOCTYPE_CODES):
            return None  # a clinical trial, a thesis: Scopus has no code for them
        values = [DOCTYPE_CODES.get(lim.doctype_family(v), v) if limit.kind == "doctype" else
                  (language_name(v) if limit.kind == "language" else v) for v in limit.values]
        op = "EXCLUDE" if limit.exclude else "LIMIT-TO"
        items = [f'{op}({field}, "{v}")' for v in values]
        return items[0] if len(items) == 1 else "(" + (" AND " if limit.exclude else " OR ").join(items) + ")"

    def is_prefix(self, p: Parser, k: int) -> bool:
        tok, nxt = p.peek(k), p.peek(k + 1)
        return tok is not None and tok.kind == "word" and (
            (nxt is not None and nxt.kind == "(" and tok.text.lower() in {*FIELD_CODES, *LIMIT_CODES, "limit-to",
                                                                          "exclude"})
            or tok.upper.startswith("PUBYEAR"))

    def word(self, p: Parser, tok: Token, alone: bool = True) -> Node:
        if tok.upper == "NOT":
            raise p.error("NOT on its own is not a Scopus operator", tok.pos, "Scopus writes AND NOT")
        return super().word(p, tok, alone)

    def prefix(self, p: Parser, tok: Token) -> Node | None:
        if tok.kind != "word":
            return None
        code = tok.text.lower()
        if code.startswith("pubyear"):
            return self._pubyear(p, tok)
        nxt = p.peek(1)
        if nxt is None or nxt.kind != "(":
            return None
        glued = nxt.pos == tok.end
        if code in ("limit-to", "exclude"):
            p.i += 1
            return self._refinement(p, tok, nxt, exclude=code == "exclude")
        if code in LIMIT_CODES and code not in FIELD_CODES:
            p.i += 1
            return self._limit_function(p, tok, nxt)
        if code in FIELD_CODES:
            p.i += 1
            inner = p.group(nxt, f"'{tok.text}('")
            return with_fields(inner, FIELD_CODES[code])
        if _FUNCTION.fullmatch(tok.text) and (glued and ("-" in tok.text or tok.text.isupper())):
            raise p.unknown_tag(tok.text, [c.upper() for c in (*FIELD_CODES, *LIMIT_CODES)], tok.pos,
                                "Scopus field code")
        return None

    def _pubyear(self, p: Parser, tok: Token) -> Node:
        """PUBYEAR > 2014, PUBYEAR AFT 2014, PUBYEAR = 2019, PUBYEAR>2014 (glued)."""
        text = tok.text[7:]
        p.i += 1
        while not re.search(r"\d{4}", text) and (nxt := p.peek()) is not None and nxt.kind == "word" \
                and len(text) < 12:
            text += " " + nxt.text
            p.i += 1
        span = lim.year_range(text)
        if span is None:
            raise p.error("PUBYEAR needs a comparison and a year (PUBYEAR > 2014)", tok.pos)
        return Limit("year", (text.strip(),), span[0], span[1], text=f"PUBYEAR {text.strip()}")

    def _arguments(self, p: Parser, opening: Token) -> list[str]:
        p.enter(opening)
        p.i += 1
        args: list[str] = []
        while (tok := p.peek()) is not None and tok.kind != ")":
            if tok.kind in ("phrase", "word"):
                args += [a for a in (tok.text.split(",") if tok.kind == "word" else [tok.text]) if a.strip()]
            else:
                raise p.error(f"unexpected {tok.text!r} in the list of values", tok.pos)
            p.i += 1
        p.expect_close(opening)
        return [a.strip() for a in args]

    def _limit_function(self, p: Parser, tok: Token, opening: Token) -> Node:
        """``DOCTYPE(ar)``, ``LANGUAGE(english OR french)``: one limit with every value ORed in it."""
        values = self._arguments(p, opening)
        joins = [v for v in values if v.lower() in ("or", "and", "not")]
        if any(v.lower() != "or" for v in joins):
            raise p.error(f"{tok.text}( joins its values with OR only", opening.pos,
                          f"write {tok.text}(a) AND {tok.text}(b) for both")
        values = [v for v in values if v.lower() != "or"]
        if not values:
            raise p.error(f"{tok.text}( needs a value", opening.pos)
        kind = LIMIT_CODES[tok.text.lower()]
        return lim.make(kind, values, text=p.text[tok.pos:p.peek(-1).end])  # type: ignore[union-attr]

    def _refinement(self, p: Parser, tok: Token, opening: Token, exclude: bool) -> Node:
        args = self._arguments(p, opening)
        written = p.text[tok.pos:p.peek(-1).end]  # type: ignore[union-attr]
        if len(args) < 2:
            raise p.error(f"{tok.text} needs a field and a value: {tok.text}(DOCTYPE, \"ar\")", tok.pos)
        field, values = args[0].lower(), args[1:]
        kind = LIMIT_CODES.get(field)
        if kind is None:
            raise p.unknown_tag(args[0], [c.upper() for c in LIMIT_CODES], opening.pos, "refinement field")
        if kind in ("keyword", "source"):
            fields = fields_of("keywords", "headings") if kind == "keyword" else ("source",)
            node: Node = Term(values[0], fields, phrase=True, exact=True)
            return excluded(p, node, tok.pos) if exclude else node
        return lim.make(kind, values, text=written, exclude=exclude)

    def finish(self, p: Parser, node: Node) -> Node:
        return exclusions_joined(p, node, or_note=OR_OF_EXCLUSIONS)
