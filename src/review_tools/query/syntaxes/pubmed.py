"""PubMed.

From the PubMed User Guide (https://pubmed.ncbi.nlm.nih.gov/help/): Boolean operators AND, OR, NOT must
be in upper case and are processed left to right (``salmonella OR eggs AND hamburger`` is
``(salmonella OR eggs) AND hamburger``); a lower-case ``or`` is a search word.  Search tags follow a
term in brackets, abbreviated or written out (``[tiab]``, ``[Title/Abstract]``, ``[MeSH Terms]``,
``[Mesh:NoExp]``, ``[Majr]``, ``[pt]``, ``[la]``, ``[dp]``, ``[pdat]``); words before a tag are searched
as a phrase (``Patient Education as Topic[MeSH Terms]``, ``primary care[tiab]``), untagged words are
ANDed; ``[tiab]`` covers title, abstract and author keywords; ``*`` truncates the end of a word (no
other wildcard); proximity ``"hip pain"[tiab:~2]`` allows at most 2 words between the terms, in any order
(NLM Technical Bulletin 2022 Nov-Dec e4).  Publication dates are limits: ``2015/1/1:2025/05/23[pdat]``,
``2015:2024[dp]``, ``"2015/01/01"[PDAT] : "2020/12/31"[PDAT]``.  An untagged term searches All Fields.
"""

from __future__ import annotations

import re
from types import MappingProxyType

from review_tools.query import limits as lim
from review_tools.query.lexer import Token
from review_tools.query.parser import Grammar, Parser
from review_tools.query.tree import EVERYTHING, And, Heading, Limit, Near, Node, Term, fields_of, subheading_code
from review_tools.query.writing import Tag, Writer
from review_tools.records import normalise_language

TIAB = fields_of("title", "abstract", "keywords")
ALL_FIELDS = tuple(f for f in EVERYTHING if f != "fulltext")
TAGS: dict[str, tuple[str, ...]] = {
    "tiab": TIAB, "title/abstract": TIAB, "ti": ("title",), "title": ("title",), "ab": ("abstract",),
    "abstract": ("abstract",), "tw": fields_of("title", "abstract", "keywords", "headings", "other"),
    "text word": fields_of("title", "abstract", "keywords", "headings", "other"),
    "text words": fields_of("title", "abstract", "keywords", "headings", "other"),
    "all": ALL_FIELDS, "all fields": ALL_FIELDS, "ot": ("keywords",), "other term": ("keywords",),
    "other terms": ("keywords",),
    **{t: ("author",) for t in ("au", "author", "1au", "lastau", "fau", "full author name", "author - first",
                                "author - last", "ir", "investigator", "cn", "corporate author", "fir")},
    **{t: ("source",) for t in ("ta", "journal", "jour", "journal title")},
    **{t: ("other",) for t in ("ad", "affiliation", "nm", "substance name", "supplementary concept", "rn",
                               "ec/rn number", "pmid", "uid", "aid", "lid", "doi", "gr", "grant number", "ps",
                               "personal name as subject", "si", "secondary source id", "ip", "issue", "vi",
                               "volume", "pg", "pagination", "pl", "place of publication", "is", "issn", "jid",
                               "cois", "conflict of interest statement", "book", "tt", "transliterated title",
                               "pa", "pharmacological action")},
}
HEADINGS = {"mh": (True, False), "mesh": (True, False), "mesh terms": (True, False),
            "majr": (True, True), "mesh major topic": (True, True)}
SUBHEADING = ("sh", "subheading", "mesh subheading")
LIMITS = {
    **{t: "doctype" for t in ("pt", "ptyp", "publication type")},  # ptyp: the legacy Search Details' spelling
    **{t: "language" for t in ("la", "lang", "language")},
    **{t: "year" for t in ("dp", "pdat", "publication date", "date - publication", "edat", "entrez date",
                           "date - entrez", "crdt", "create date", "date - create", "mhda", "mesh date", "dcom",
                           "completion date", "date - completion", "lr", "modification date", "epdat", "ppdat")},
    **{t: "other" for t in ("sb", "subset", "filter", "filters", "text")},
}
KNOWN = sorted({*TAGS, *HEADINGS, *SUBHEADING, *LIMITS})
PUBLICATION_TYPES = {"article": "journal article", "review": "review", "letter": "letter", "editorial": "editorial",
                     "trial": "randomized controlled trial", "erratum": "published erratum",
                     "conference": "congress", "preprint": "preprint"}
# PubMed's filters by the names its search history prints ('Filters: Humans, English, from 2010 - 2020') and
# its [Filter] tags ('english[Filter]', 'systematicreview[Filter]'); a filter records carry no field for is
# kept as a limit of its own kind 'other' (applied by the database, named in the PRISMA-S table).
FILTER_DOCTYPES = {
    **{name.lower(): name for name in ("Randomized Controlled Trial", "Clinical Trial", "Review", "Systematic Review",
                                       "Meta-Analysis", "Journal Article", "Letter", "Editorial", "Preprint")},
    **{name.lower().replace(" ", "").replace("-", ""): name for name in (
        "Randomized Controlled Trial", "Clinical Trial", "Systematic Review", "Meta-Analysis")}}
PROXIMITY_TAGS = ("tiab", "title/abstract", "ti", "title", "ab", "abstract", "ad", "affiliation")


class PubMed(Grammar):
    name = "pubmed"
    label = "PubMed"
    help_pages = ("https://pubmed.ncbi.nlm.nih.gov/help/",
                  "https://www.nlm.nih.gov/pubs/techbull/nd22/nd22_pubmed_proximity_search_available.html")
    levels = (frozenset({"or", "and", "not"}),)
    operators_upper_only = True
    not_spellings = (("NOT",),)
    default_fields = ALL_FIELDS
    implicit = "and"
    tagged_run = "phrase"
    wildcards = MappingProxyType({"*": "*"})
    leading_wildcard = False
    restriction = re.compile(r"(?i)(?<![\w\[])filters\s*:")
    writer = Writer(
        "bracket",
        (Tag("tiab", TIAB), Tag("ti", ("title",)), Tag("tw", TAGS["tw"]),
         Tag("all", ALL_FIELDS), Tag("ot", ("keywords",)), Tag("au", ("author",)), Tag("ta", ("source",))),
        wildcards=MappingProxyType({"*": "*"}), trailing_only=True, group_tags=False, phrase_near=True)

    floating_subheadings = True

    def write_heading(self, h: Heading, warn) -> str:
        if not h.text:
            return f'"{h.subheading}"[sh]'
        if h.vocabulary != "mesh":
            warn(f"{h.vocabulary} heading '{h.text}' written as a MeSH heading: check that MeSH has it")
        text = f"{h.text}/{subheading_code(h.subheading)}" if h.subheading else h.text
        tag = "Majr" if h.major else "Mesh"
        return f'"{text}"[{tag}{"" if h.explode else ":NoExp"}]'

    def write_limit(self, limit: Limit, warn) -> str | None:
        if limit.kind == "year":
            lo, hi = limit.low or 1800, limit.high or 3000
            text = f"{lo}:{hi}[dp]" if lo != hi else f"{lo}[dp]"
        elif limit.kind == "language":
            text = " OR ".join(f"{lim.language_name(v).lower()}[la]" for v in limit.values)
        elif limit.kind == "doctype":
            names = [lim.publication_type(v, PUBLICATION_TYPES).lower() for v in limit.values]
            text = " OR ".join(f'"{n}"[pt]' if " " in n else f"{n}[pt]" for n in names)
        elif limit.kind == "other" and (written := filter_tag(limit)):
            text = written
        else:
            return None
        return f"({text})" if " OR " in text else text

    def has_postfix(self, p: Parser) -> bool:
        tok = p.peek()
        return tok is not None and tok.kind == "bracket"

    def check_run(self, p: Parser, run: list[Token], tagged: bool) -> None:
        if tagged:
            return
        for tok in run:
            if tok.upper in ("AND", "OR", "NOT") and tok.text != tok.upper:
                raise p.error(f"'{tok.text}' in lower case is a search word in PubMed, not an operator", tok.pos,
                              f"write {tok.upper}")

    def postfix(self, p: Parser, node: Node) -> Node | None:
        tok = p.peek()
        if tok is None or tok.kind != "bracket":
            return None
        raw = " ".join(tok.text.split())
        tag, _, option = raw.partition(":")
        key, option = tag.strip().lower(), option.strip().lower()
        if isinstance(node, Heading) and (key in HEADINGS or key in SUBHEADING):
            p.i += 1  # 'psoriasis/dt[Majr]' read as a heading before its tag
            explode, major = HEADINGS.get(key, (True, False))
            return Heading(node.text, "mesh", explode=option != "noexp", major=major, subheading=node.subheading)
        if not isinstance(node, Term):
            raise p.error(f"PubMed puts a tag after one term or phrase, not after a group ([{tok.text}])", tok.pos,
                          "tag each term inside the parentheses")
        p.i += 1
        if key in ("ab", "abstract"):
            p.note("PubMed's list of search tags has no [ab]: read as the abstract; PubMed itself may not")
        if key in HEADINGS or key in SUBHEADING:
            if option not in ("", "noexp"):
                raise p.error(f"unknown option :{option} of [{tag}]", tok.pos, "did you mean :noexp?")
            explode, major = HEADINGS.get(key, (True, False))
            text, _, sub = node.text.partition("/")
            if key in SUBHEADING:
                return Heading("", "mesh", explode=option != "noexp", subheading=node.text)
            return Heading(text.strip(), "mesh", explode=explode and option != "noexp", major=major,
                           subheading=sub.lstrip("*").strip())
        if key in LIMITS:
            return self._limit(p, LIMITS[key], node, tok)
        if key not in TAGS:
            raise p.unknown_tag(f"[{tok.text}]", [f"[{k}]" for k in KNOWN], tok.pos, "PubMed search tag")
        fields = TAGS[key]
        if option:
            m = re.fullmatch(r"~\s*(\d+)", option)
            if not m or key not in PROXIMITY_TAGS:
                raise p.error(f"unknown option :{option} of [{tag}]", tok.pos,
                              "proximity is written \"word word\"[tiab:~N] (title, title/abstract, affiliation)")
            words = [w for w in re.split(r"[\s-]+", node.text) if w]  # a hyphen parts words here too
            if len(words) < 2:
                raise p.error("a proximity search needs two or more words in quotes", tok.pos)
            chain: Node = Term(words[0], fields)
            for word in words[1:]:
                chain = Near(chain, Term(word, fields), int(m.group(1)))
            return chain
        return Term(node.text, fields, phrase=node.phrase, exact=node.exact)

    def is_prefix(self, p: Parser, k: int) -> bool:
        tok = p.peek(k)
        return tok is not None and tok.kind == "word" and (tok.text.lower() == "filters:" or (
            tok.text.lower() == "filters" and (nxt := p.peek(k + 1)) is not None and nxt.text == ":"))

    def prefix(self, p: Parser, tok: Token) -> Node | None:
        if self.is_prefix(p, 0):
            return _filters(p, tok)
        tagged = (nxt := p.peek(1)) is not None and nxt.kind == "bracket"
        if tok.kind == "word" and tok.text.lower() == "hasabstract" and not tagged:  # PubMed's filter word
            p.i += 1
            return lim.make("other", ["has abstract"], text=tok.text)
        return None

    def _limit(self, p: Parser, kind: str, node: Term, tok: Token) -> Limit:
        text = node.text
        written = p.text[p.start:tok.end].strip()
        if kind == "other" and tok.text.strip().lower() in ("filter", "filters", "sb", "subset"):
            return filter_limit(text, written)
        if kind == "year":
            nxt, second, tag = p.peek(), p.peek(1), p.peek(2)
            if nxt is not None and nxt.text == ":" and second is not None and tag is not None \
                    and tag.kind == "bracket" and tag.text.lower() == tok.text.lower():
                text = f"{text}:{second.text}"
                p.i += 3
                written = f"{written} : {second.text}[{tag.text}]"
            span = lim.year_range(text)
            if span is None:
                return lim.make("other", [text], text=written)
            return Limit("year", (text,), span[0], span[1], text=written)
        return lim.make(kind, [text], text=written)


# PubMed's filters by the name its history prints, as the [Filter] tags its search details write.
FILTER_TAGS = {"humans": "humans", "animals": "animals", "male": "male", "female": "female",
               "free full text": "ffrft", "full text": "fft", "abstract": "fha", "has abstract": "fha",
               "medline": "medline", "in the last 1 year": "y_1", "in the last 5 years": "y_5",
               "in the last 10 years": "y_10"}


def filter_tag(limit: Limit) -> str:
    """A limit of kind 'other' as PubMed writes it: as it was written where it was a PubMed tag
    (``humans[Filter]``, ``medline[sb]``), else the [Filter] tag of a filter PubMed's history names
    ('Humans', 'Free full text'); '' for any other."""
    if re.fullmatch(r'(?i)"?[^"\[\]]+"?\[(?:filter|filters|sb|subset)\]', limit.text.strip()):
        return limit.text.strip()
    tags = [FILTER_TAGS.get(" ".join(v.lower().split())) for v in limit.values]
    if not tags or None in tags:
        return ""
    return " OR ".join(f"{t}[Filter]" for t in tags)


def filter_limit(name: str, written: str) -> Limit:
    """The limit of one PubMed filter by the name the history prints or its [Filter] tag: a language, a
    publication type, a date range ('from 2010 - 2020', 'from 2010/1/1 - 2020/12/31'); any other filter
    (Humans, Free full text, y_10, 'in the last 5 years') a limit of kind 'other'."""
    value = " ".join(name.split()).strip().strip('"')
    low = value.lower()
    m = re.fullmatch(r"(?i)from\s+(\S+)\s*-\s*(\S+)", value)
    span = lim.year_range(f"{m.group(1)}-{m.group(2)}") if m else None
    if span is not None:
        high = span[1] if span[1] is None or span[1] < 3000 else None  # PubMed prints an open end as 3000/12/12
        return Limit("year", (value,), span[0], high, text=written)
    if low in FILTER_DOCTYPES:
        return lim.make("doctype", [FILTER_DOCTYPES[low]], text=written)
    if re.fullmatch(r"[a-z]+", low) and normalise_language(low) != low:
        return lim.make("language", [value], text=written)
    return lim.make("other", [value], text=written)


def _filters(p: Parser, tok: Token) -> Node:
    """'Filters: Humans, English, from 2010 - 2020', as PubMed prints a search's filters, up to the line end."""
    written = p.rest_of_line(tok)
    names = [n.strip() for n in re.sub(r"(?i)^filters\s*:", "", written).split(",") if n.strip()]
    if not names:
        raise p.error("'Filters:' names no filter", tok.pos)
    parts = tuple(filter_limit(name, name) for name in names)
    return parts[0] if len(parts) == 1 else And(parts)
