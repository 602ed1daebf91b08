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
from review_tools.query.tree import And, Heading, Limit, Node, combine, fields_of, walk, with_fields
from review_tools.query.writing import Tag, Writer

TOPIC = fields_of("title", "abstract", "keywords", "headings")
TAGS: dict[str, tuple[str, ...]] = {
    "ts": TOPIC, "ti": ("title",), "ab": ("abstract",), "ak": ("keywords",), "kp": ("headings",),
    "all": fields_of("title", "abstract", "keywords", "headings", "author", "source", "other"),
    "au": ("author",), "ai": ("author",), "gp": ("author",), "ed": ("author",), "so": ("source",),
    "se": ("source",), "bs": ("source",),
    **{t: ("other",) for t in ("ad", "og", "oo", "sg", "sa", "ci", "ps", "cu", "zp", "fo", "fg", "fd", "ft",
                               "do", "is", "ut", "pmid", "cf", "pubm", "publ", "tmac", "tmso", "tmic", "sdg",
                               "ur", "ue", "fpy", "ea")},
}
LIMIT_TAGS = {"py": "year", "dt": "doctype", "la": "language", "su": "subject", "wc": "subject",
              "dop": "year", "sj": "subject"}
REFINED = {"DOCUMENT TYPES": "doctype", "LANGUAGES": "language", "PUBLICATION YEARS": "year",
           "WEB OF SCIENCE CATEGORIES": "subject", "RESEARCH AREAS": "subject", "DATABASES": "other",
           "OPEN ACCESS": "other", "COUNTRIES/REGIONS": "other", "PUBLICATION TITLES": "other"}
DOCTYPE_NAMES = {"article": "Article", "review": "Review", "conference": "Proceedings Paper", "chapter": "Book Chapter",
                 "book": "Book", "letter": "Letter", "editorial": "Editorial Material", "erratum": "Correction",
                 "note": "Note", "data": "Data Paper"}
_TAG = re.compile(r"(?i)([A-Z]{2,4})=(.*)")


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
        return f"NOT {text}" if limit.exclude else text

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
                    or tok.text.rstrip(":").lower() == "refined" or _setting_at(p, k))

    def prefix(self, p: Parser, tok: Token) -> Node | None:
        if tok.kind != "word":
            return None
        low = tok.text.rstrip(":").lower()
        if low == "refined" and p.peek(1) is not None and p.peek(1).text.lower().startswith("by"):  # type: ignore[union-attr]
            return self._refined(p, tok)
        if _setting_at(p, 0):
            return self._setting(p, tok)
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
        """'Refined by: DOCUMENT TYPES: ( ARTICLE OR REVIEW ) AND LANGUAGES: ( ENGLISH )' to the end."""
        start = tok.pos
        p.i = len(p.toks)
        text = p.text[start:]
        body = re.sub(r"(?i)^refined\s+by\s*:?", "", text).strip()
        parts: list[Node] = []
        for m in re.finditer(r"([A-Z][A-Z/ ]+?)\s*:\s*\(([^)]*)\)", body):
            kind = REFINED.get(re.sub(r"^(?:AND|OR)\s+", "", m.group(1).strip()), "other")
            values = [v.strip() for v in re.split(r"\s+OR\s+", m.group(2)) if v.strip()]
            parts.append(lim.make(kind, values, text=m.group(0)))
        if not parts:
            raise p.error("'Refined by:' is not followed by FIELD: (values)", start)
        node = parts[0]
        for part in parts[1:]:
            node = combine(And, node, part)
        return node

    def _setting(self, p: Parser, tok: Token) -> Node:
        """'Timespan: 2000-2020' / 'Timespan=All years' / 'Indexes=SCI-EXPANDED, SSCI' up to the line end."""
        written = p.rest_of_line(tok)
        parts: list[Node] = []
        for m in re.finditer(r"(?i)\b(timespan|indexes|databases|editions)\s*[:=]\s*(.*?)(?=\.?\s+(?:timespan|"
                             r"indexes|databases|editions)\b|\.?\s*$)", written):
            value = m.group(2).strip()
            limit = lim.make("year", [value], text=m.group(0)) if m.group(1).lower() == "timespan" else None
            parts.append(limit if limit is not None and (limit.low or limit.high) else
                         lim.make("other", [value], text=m.group(0).strip()))
        if not parts:
            raise p.error("a setting line needs a name and a value (Timespan: 2000-2020)", tok.pos)
        node = parts[0]
        for part in parts[1:]:
            node = combine(And, node, part)
        return node


_SETTINGS = ("timespan", "indexes", "databases", "editions")


def _setting_at(p: Parser, k: int) -> bool:
    """Whether a setting line starts at ``p.i + k``: 'Timespan: 2000-2020', 'Indexes=SCI-EXPANDED' (a setting's
    name followed by ':' or '='; the word alone, 'databases', is searched)."""
    tok, nxt = p.peek(k), p.peek(k + 1)
    if tok is None or tok.kind != "word":
        return False
    name = re.split(r"[:=]", tok.text, maxsplit=1)[0].lower()
    return name in _SETTINGS and (len(name) < len(tok.text) or (nxt is not None and nxt.text[:1] in ":="))
