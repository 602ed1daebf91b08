"""Web of Science (Core Collection) advanced search.

From Clarivate's help: search operators (https://webofscience.help.clarivate.com/Content/search-operators.html
and the classic hs_search_operators.html) -- AND, OR, NOT, NEAR/n, SAME in any case; NEAR without /n
means NEAR/15; no AND (written or implied) inside NEAR; words next to each other are ANDed; precedence
NEAR/x, SAME, NOT, AND, OR (highest first, ht_operators.html); SAME works like AND outside the address
fields.  Wildcards (hs_wildcards.html): ``*`` any characters, ``?`` one character, ``$`` one or none.
Lemmatization finds plurals and spelling variants in Topic and Title searches.  Field tags ``TS=``,
``TI=``, ``AB=``, ``AK=``, ``KP=`` ... with or without spaces around ``=``; limits ``PY=``, ``DT=``,
``LA=``, ``SU=``/``WC=``; the lines Web of Science prints after a search ("Refined by: DOCUMENT TYPES:
(ARTICLE)", "Timespan: 2000-2020", "Indexes=SCI-EXPANDED") are read as limits.  An untagged term is a
Topic search.
"""

from __future__ import annotations

import re
from types import MappingProxyType

from review_tools.query import limits as lim
from review_tools.query.lexer import Token
from review_tools.query.parser import Grammar, Parser, Proximity
from review_tools.query.tree import And, Heading, Limit, Node, Or, fields_of, joined, walk, with_fields
from review_tools.query.writing import Tag, Writer

TOPIC = fields_of("title", "abstract", "keywords", "headings")
TAGS: dict[str, tuple[str, ...]] = {
    "ts": TOPIC, "ti": ("title",), "ab": ("abstract",), "ak": ("keywords",), "kp": ("headings",),
    "all": fields_of("title", "abstract", "keywords", "headings", "author", "source", "other"),
    "au": ("author",), "ai": ("author",), "gp": ("author",), "ed": ("author",), "so": ("source",),
    "se": ("source",), "bs": ("source",),
    **{t: ("other",) for t in ("ad", "og", "oo", "sg", "sa", "ci", "ps", "cu", "zp", "fo", "fg", "fd", "ft",
                               "do", "is", "ut", "pmid", "cf", "pubm", "publ", "tmac", "tmso", "tmic", "sdg",
                               "ur", "ue", "fpy", "ea", "ca", "cw", "cy")},  # ca/cw/cy: a cited reference's
}
LIMIT_TAGS = {"py": "year", "dt": "doctype", "la": "language", "su": "subject", "wc": "subject",
              "dop": "year", "sj": "subject"}
REFINED = {"DOCUMENT TYPES": "doctype", "LANGUAGES": "language", "PUBLICATION YEARS": "year",
           "WEB OF SCIENCE CATEGORIES": "subject", "RESEARCH AREAS": "subject", "DATABASES": "other",
           "OPEN ACCESS": "other", "COUNTRIES/REGIONS": "other", "PUBLICATION TITLES": "other",
           "WEB OF SCIENCE INDEX": "other", "CITATION TOPICS MESO": "other", "CITATION TOPICS MICRO": "other",
           "AFFILIATIONS": "other", "PUBLISHERS": "other", "FUNDING AGENCIES": "other", "AUTHORS": "other",
           "SUSTAINABLE DEVELOPMENT GOALS": "other", "EDITORS": "other", "GROUP AUTHORS": "other",
           "CONFERENCE TITLES": "other", "BOOK SERIES TITLES": "other", "HIGHLY CITED PAPERS": "other"}
# A refinement as today's search history prints it: 'Article or Review Article (Document Types)', with
# 'Exclude - ' before the field where the values were excluded.
_NAMES = "|".join(re.escape(k).replace(r"\ ", r"\s+") for k in REFINED)
# A refinement as the classic search history printed it: 'DOCUMENT TYPES: ( ARTICLE )', '[excluding]' before
# it where excluded; values in parentheses, or up to the next refinement, a setting, a full stop or the end.
_REFINED_ITEM = re.compile(
    rf"(?i)(?:\b(?:and|or)\s+)?(\[excluding\]\s*)?\b({_NAMES})\s*:\s*(?:\(([^)]*)\)|(.+?)(?=\s*(?:[.;]|\band\b)?\s*"
    rf"(?:\[excluding\]\s*)?\b(?:{_NAMES})\s*:|\s+(?:timespan|indexes|databases|editions)\s*[:=]|\.?\s*$))")
_REFINEMENT = re.compile(rf"(?i)(exclude\s*[-\u2013\u2014]\s*)?({_NAMES})")
DOCTYPE_NAMES = {"article": "Article", "review": "Review", "conference": "Proceedings Paper", "chapter": "Book Chapter",
                 "book": "Book", "letter": "Letter", "editorial": "Editorial Material", "erratum": "Correction",
                 "note": "Note", "data": "Data Paper"}
_TAG = re.compile(r"(?i)([A-Z]{2,4})=(.*)")
# The field names the classic search history printed instead of tags ('TOPIC: (crm) AND LANGUAGE: (English)').
LABELS = {
    "topic": "ts", "title": "ti", "abstract": "ab", "author": "au", "author identifiers": "ai", "group author": "gp",
    "editor": "ed", "publication name": "so", "doi": "do", "address": "ad", "organization-enhanced": "og",
    "suborganization": "sg", "countries/regions": "cu", "funding agency": "fo", "grant number": "fg",
    "accession number": "ut", "pubmed id": "pmid", "conference": "cf", "author keywords": "ak",
    "keywords plus": "kp", "all fields": "all", "year published": "py", "language": "la", "languages": "la",
    "document type": "dt", "document types": "dt", "web of science categories": "wc", "research areas": "su",
    "research area": "su", "cited author": "ca", "cited work": "cw", "cited year(s)": "cy", "cited year": "cy",
    "publication titles": "so", "publication title": "so", "keyword plus": "kp", "affiliation": "og",
    "affiliations": "og", "publisher": "pubm",
}
_LABEL = re.compile(r"(?i)(" + "|".join(re.escape(k).replace(r"\ ", r"\s+")
                                         for k in sorted(LABELS, key=len, reverse=True)) + r")\s*:\s*(?=\()")


class WebOfScience(Grammar):
    name = "wos"
    label = "Web of Science"
    help_pages = ("https://webofscience.help.clarivate.com/Content/search-operators.html",
                  "https://images.webofknowledge.com/WOKRS529AR7/help/TCT/ht_operators.html",
                  "https://webofscience.help.clarivate.com/Content/wildcards.html")
    levels = (frozenset({"or"}), frozenset({"and"}), frozenset({"not"}), frozenset({"same"}), frozenset({"near"}))
    not_spellings = (("NOT",),)
    proximity = (Proximity(re.compile(r"(?i)near/(\d+)"), False), Proximity(re.compile(r"(?i)near"), False,
                                                                            default=15))
    default_fields = TOPIC
    variants = True
    wildcards = MappingProxyType({"*": "*", "?": "?", "$": "#"})
    restriction = re.compile(r"(?i)\brefined\s+by\b|\b(?:timespan|indexes|editions)\s*[:=]|(?<=\n)\s*databases\s*[:=]")
    writer = Writer(
        "equals",
        (Tag("TS", TOPIC), Tag("TI", ("title",)), Tag("AB", ("abstract",)), Tag("AK", ("keywords",)),
         Tag("KP", ("headings",)), Tag("ALL", TAGS["all"]), Tag("AU", ("author",)), Tag("SO", ("source",))),
        near="NEAR/{n}", wildcards=MappingProxyType({"*": "*", "?": "?", "#": "$"}), variants=True)

    def write_heading(self, h: Heading, warn) -> str:
        warn(f"Web of Science has no subject headings: '{h.text}' searched as a Topic phrase"
             f"{', not exploded' if h.explode else ''}")
        return f'TS="{h.text}"' if " " in h.text else f"TS={h.text}"

    def write_limit(self, limit: Limit, warn) -> str | None:
        if limit.kind == "year":
            lo, hi = limit.low or 1900, limit.high or 2100
            text = f"PY=({lo}-{hi})" if lo != hi else f"PY=({lo})"
        else:
            tag = {"doctype": "DT", "language": "LA", "subject": "WC"}.get(limit.kind)
            if tag is None:
                return None
            if limit.kind == "doctype" and lim.lacks_type(limit.values, DOCTYPE_NAMES):
                return None  # a clinical trial, a thesis: Web of Science has no such document type
            values = [DOCTYPE_NAMES.get(lim.doctype_family(v), v) if limit.kind == "doctype" else
                      (lim.language_name(v) if limit.kind == "language" else v) for v in limit.values]
            text = f"{tag}=(" + " OR ".join(f'"{v}"' if " " in v else v for v in values) + ")"
        return text

    def operator(self, p: Parser):
        op = super().operator(p)
        tok = p.peek()
        if op is None and tok is not None and tok.kind == "word" and tok.upper == "SAME":
            from review_tools.query.parser import Op

            return Op("same", 1, "SAME")
        return op

    def is_prefix(self, p: Parser, k: int) -> bool:
        tok = p.peek(k)
        if tok is None or tok.kind != "word":
            return False
        nxt = p.peek(k + 1)
        head = tok.text.split("=", 1)[0].lower()
        return bool(("=" in tok.text and head in {*TAGS, *LIMIT_TAGS}) or (nxt is not None and nxt.text == "="
                                                                          and head in {*TAGS, *LIMIT_TAGS})
                    or tok.text.rstrip(":").lower() == "refined" or _setting_at(p, k)
                    or _refinement_end(p, k) is not None or _LABEL.match(p.text, tok.pos) is not None)

    def prefix(self, p: Parser, tok: Token) -> Node | None:
        if tok.kind != "word":
            return None
        if (end := _refinement_end(p, 0)) is not None:
            return _refinement(p, tok, end)
        low = tok.text.rstrip(":").lower()
        if low == "refined" and p.peek(1) is not None and p.peek(1).text.lower().startswith("by"):  # type: ignore[union-attr]
            return self._refined(p, tok)
        if _setting_at(p, 0):
            return self._setting(p, tok)
        if (label := _LABEL.match(p.text, tok.pos)) is not None:
            code = LABELS[" ".join(label.group(1).lower().split())]
            p.skip_to(label.end())
            node = p.primary()
            if code in LIMIT_TAGS:
                return self._as_limit(p, LIMIT_TAGS[code], node, tok)
            return with_fields(node, TAGS[code])
        m = _TAG.fullmatch(tok.text)
        nxt = p.peek(1)
        if m is None and nxt is not None and nxt.text == "=" and re.fullmatch(r"[A-Za-z]{2,4}", tok.text):
            tag, rest = tok.text, ""
            p.i += 1  # the tag; '=' is skipped below
        elif m is not None:
            tag, rest = m.group(1), m.group(2)
        else:
            return None
        code = tag.lower()
        if code not in TAGS and code not in LIMIT_TAGS:
            raise p.unknown_tag(f"{tag}=", [f"{t.upper()}=" for t in (*TAGS, *LIMIT_TAGS)], tok.pos,
                                "Web of Science field tag")
        p.i += 1
        if rest:  # TS=term
            node = p.term(rest, tok.pos + len(tag) + 1)
            while (tagged := self.postfix(p, node)) is not None:
                node = tagged
        else:
            node = p.primary()
        if code in LIMIT_TAGS:
            return self._as_limit(p, LIMIT_TAGS[code], node, tok)
        return with_fields(node, TAGS[code])

    def postfix(self, p: Parser, node: Node) -> Node | None:
        """Today's search history names the field after the words: 'crm (Topic) and pharma* (Title)'."""
        opening = p.peek()
        if opening is None or opening.kind != "(":
            return None
        close = next((j for j in range(1, 5) if (t := p.peek(j)) is not None and t.kind == ")"), None)
        if close is None or any(p.peek(j).kind != "word" for j in range(1, close)):  # type: ignore[union-attr]
            return None
        label = " ".join(p.peek(j).text for j in range(1, close)).lower()  # type: ignore[union-attr]
        code = LABELS.get(label)
        if code is None or code in LIMIT_TAGS:
            return None
        p.i += close + 1
        return with_fields(node, TAGS[code])

    def _as_limit(self, p: Parser, kind: str, node: Node, tok: Token) -> Node:
        values = [n.text for n in walk(node) if hasattr(n, "text") and not isinstance(n, Limit)]
        end = p.peek(-1).end  # type: ignore[union-attr]
        written = p.text[tok.pos:end]
        if kind == "year":
            spans = [s for v in values if (s := lim.year_range(v))]
            lows = [s[0] for s in spans if s[0]]
            highs = [s[1] for s in spans if s[1]]
            limit = Limit("year", tuple(values), min(lows) if lows else None, max(highs) if highs else None,
                          text=written)
            if limit.low is None and limit.high is None:
                raise p.error("PY= needs a year or a range of years (PY=2015-2024)", tok.pos)
            return limit
        return lim.make(kind, values, text=written)

    def _refined(self, p: Parser, tok: Token) -> Node:
        """'Refined by: DOCUMENT TYPES: ( ARTICLE OR REVIEW ) AND LANGUAGES: ( ENGLISH )' to the end, and the
        settings printed after it ('Indexes=SCI-EXPANDED Timespan=2000-2020'); text in it that is neither
        is an error, not dropped."""
        start = tok.pos
        p.i = len(p.toks)
        text = p.text[start:]
        head = re.match(r"(?i)refined\s+by\s*:?", text)
        body_at = head.end() if head else 0
        parts: list[Node] = []
        unread = list(text)
        for m in _REFINED_ITEM.finditer(text, body_at):
            values = [v.strip() for v in re.split(r"(?i)\s+or\s+", m.group(3) or m.group(4)) if v.strip()]
            parts.append(_refined_limit(p, REFINED[" ".join(m.group(2).upper().split())], values, bool(m.group(1)),
                                        m.group(0).strip(), start + m.start()))
            unread[m.start():m.end()] = " " * (m.end() - m.start())
        if not parts:
            raise p.error("'Refined by:' is not followed by a refinement (DOCUMENT TYPES: ( ARTICLE ))", start)
        settings = _SETTING.search("".join(unread), body_at)
        if settings:
            parts += _settings(text[settings.start():])
            unread[settings.start():] = " " * (len(text) - settings.start())
        left = re.sub(r"(?i)\b(?:and|or)\b|[.;,]", lambda m: " " * len(m.group()), "".join(unread))
        if left[body_at:].strip():
            at = len(left) - len(left[body_at:].lstrip())
            raise p.error(f"'{' '.join(left[at:].split())[:40]}' in the refinement is neither a refinement nor a "
                          "setting", start + at)
        return joined(And, parts)

    def _setting(self, p: Parser, tok: Token) -> Node:
        """'Timespan: 2000-2020' / 'Timespan=All years' / 'Indexes=SCI-EXPANDED, SSCI' up to the line end."""
        parts = _settings(p.rest_of_line(tok))
        if not parts:
            raise p.error("a setting line needs a name and a value (Timespan: 2000-2020)", tok.pos)
        return joined(And, parts)


def _refinement_end(p: Parser, k: int) -> int | None:
    """Where a refinement starting at ``p.i + k`` ends (the index of its ')'), or None: values joined by OR,
    then a refinement field's name in parentheses ('2019 or 2020 (Publication Years)')."""
    j = k
    while (tok := p.peek(j)) is not None and tok.kind in ("word", "phrase"):
        if tok.kind == "word" and re.fullmatch(r"(?i)and|not|same|near(?:/\d+)?", tok.text):
            return None
        j += 1
    opening, close = p.peek(j), p.peek(j + 1)
    if j == k or opening is None or opening.kind != "(":
        return None
    while close is not None and close.kind == "word":
        j += 1
        close = p.peek(j + 1)
    if close is None or close.kind != ")" or not _REFINEMENT.fullmatch(" ".join(
            p.text[opening.end:close.pos].split())):
        return None
    return p.i + j + 1


def _refinement(p: Parser, tok: Token, end: int) -> Limit:
    """The limit of a refinement ending at token ``end`` (see :func:`_refinement_end`)."""
    close = p.toks[end]
    opening = next(t for t in reversed(p.toks[:end]) if t.kind == "(")
    m = _REFINEMENT.fullmatch(" ".join(p.text[opening.end:close.pos].split()))
    assert m is not None
    values = [v.strip().strip('"') for v in re.split(r"(?i)\s+or\s+", p.text[tok.pos:opening.pos]) if v.strip()]
    p.i = end + 1
    return _refined_limit(p, REFINED[" ".join(m.group(2).upper().split())], values, bool(m.group(1)),
                          p.text[tok.pos:close.end], tok.pos)


def _refined_limit(p: Parser, kind: str, values: list[str], exclude: bool, written: str, pos: int) -> Node:
    """The limit of refined values; publication years are a range where they run on (2019 or 2020), else
    one limit a year."""
    if kind != "year":
        return lim.make(kind, values, text=written, exclude=exclude)
    spans = [lim.year_range(v) for v in values]
    if not values or None in spans:
        raise p.error("Publication Years are refined by years (2019 or 2020 (Publication Years))", pos)
    years = sorted({lo for lo, hi in spans if lo is not None and lo == hi})  # type: ignore[misc]
    if len(years) == len(values) and years[-1] - years[0] + 1 > len(years):
        parts = tuple(Limit("year", (str(y),), y, y, exclude=exclude, text=written) for y in years)
        return Or(parts) if not exclude else And(parts)
    lows, highs = [s[0] for s in spans], [s[1] for s in spans]  # type: ignore[index]
    return Limit("year", tuple(values), None if None in lows else min(lows), None if None in highs else max(highs),
                 exclude=exclude, text=written)


_SETTING = re.compile(r"(?i)\b(timespan|indexes|databases|editions)\s*[:=]\s*")


def _settings(written: str) -> list[Limit]:
    """The limits of settings as Web of Science prints them: a timespan a year limit, the rest named."""
    parts: list[Limit] = []
    for m in re.finditer(r"(?i)\b(timespan|indexes|databases|editions)\s*[:=]\s*(.*?)(?=\.?\s+(?:timespan|"
                         r"indexes|databases|editions)\b|\.?\s*$)", written):
        value = m.group(2).strip()
        limit = lim.make("year", [value], text=m.group(0)) if m.group(1).lower() == "timespan" else None
        parts.append(limit if limit is not None and (limit.low or limit.high) else
                     lim.make("other", [value], text=m.group(0).strip()))
    return parts


_SETTINGS = ("timespan", "indexes", "databases", "editions")


def _setting_at(p: Parser, k: int) -> bool:
    """Whether a setting line starts at ``p.i + k``: 'Timespan: 2000-2020', 'Indexes=SCI-EXPANDED' (a setting's
    name followed by ':' or '='; the word alone, 'databases', is searched)."""
    tok, nxt = p.peek(k), p.peek(k + 1)
    if tok is None or tok.kind != "word":
        return False
    name = re.split(r"[:=]", tok.text, maxsplit=1)[0].lower()
    return name in _SETTINGS and (len(name) < len(tok.text) or (nxt is not None and nxt.text[:1] in ":="))
