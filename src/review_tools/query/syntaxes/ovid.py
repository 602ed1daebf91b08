"""Ovid (MEDLINE, Embase, PsycINFO ... on OvidSP), single lines and line-numbered strategies.

From Ovid's syntax help as reprinted by libraries (Calder Memorial Library "Ovid manual"; BMA Library
"Keyword searching: phrases", http://www.bma.org.uk/ap.nsf/Content/LIBMPUserGuide~KeywordSearching~Phrases;
Thomas Jefferson University "Searching in OVID", http://jeffline.tju.edu/AISR/Forum/03/01/articles/ovid.html):
words typed next to each other are a phrase; ``adj`` keeps them next to each other in order, ``adjN``
finds them within N words in either order (``adj3`` allows two words between, so Ovid's N counts
positions, not words between, unlike most databases -- see the proximity table of the University of
Illinois Chicago guide); field tags follow the term or a group between dots (``.ti,ab.``, ``.tw.``,
``.mp.``); ``exp X/`` explodes a subject heading, ``*X/`` focuses it, ``X/dt`` adds a subheading;
``*``, ``$`` and a word-final ``:`` truncate, ``$n`` (``:n``) at most n characters, ``#`` is exactly one
character and ``?`` one or none (the colon: Yale's "Ovid search tips").  Lines are numbered; ``or/1-3``,
``1 and 4``, ``limit 5 to (english language and yr="2015 - Current")`` and ``remove duplicates from 7``
combine them.  Ovid's help does not state how AND and OR mix without parentheses; this reading does AND
first and notes it where a line mixes them.  An untagged term is a multi-purpose (.mp.) search.
"""

from __future__ import annotations

import re
from types import MappingProxyType

from review_tools.query import limits as lim
from review_tools.query.lexer import Token
from review_tools.query.parser import Grammar, Parser, Proximity
from review_tools.query.syntaxes import pubmed
from review_tools.query.tree import (
    EVERYTHING,
    And,
    Heading,
    Limit,
    Node,
    Or,
    Term,
    combine,
    fields_of,
    subheading_code,
    walk,
    with_fields,
)
from review_tools.query.writing import Tag, Writer

MP = fields_of("title", "abstract", "keywords", "headings", "other")
FIELD_CODES: dict[str, tuple[str, ...]] = {
    "ti": ("title",), "ab": ("abstract",), "tw": fields_of("title", "abstract"), "kw": ("keywords",),
    "kf": ("keywords",), "ot": ("other",), "mp": MP, "sh": ("headings",), "hw": ("headings",),
    "fs": ("headings",), "xs": ("headings",), "af": tuple(f for f in EVERYTHING if f != "fulltext"), "tx": EVERYTHING,
    "au": ("author",), "fa": ("author",), "jn": ("source",), "jw": ("source",), "jx": ("source",),
    "so": ("source",), "cm": ("other",),
    **{c: ("other",) for c in ("in", "nm", "rn", "id", "ui", "ox", "ct", "dv", "tn", "dm", "mf", "ac", "cw",
                               "bt", "is", "ib", "cp", "ps", "gr", "vo", "ip", "pg", "do", "an", "dq")},
    # APA PsycInfo's methodology, population, age group, classification code and tests & measures
    **{c: ("other",) for c in ("md", "po", "ag", "cc", "tm")},
}
LIMIT_CODES = {"pt": "doctype", "lg": "language", "yr": "year", "dp": "year",  # entry dates are not years
               "ed": "other", "dd": "other", "em": "other", "sb": "other", "up": "other"}
_SUFFIX = re.compile(r"(?i)\.((?:[a-z]{2})(?:,[a-z]{2})*)\.?$")
_HEADING_END = re.compile(r"(?i)/((?:[a-z]{2})(?:,[a-z]{2})*)?$")
_SUBHEADINGS_GO_ON = re.compile(r"(?i)/(?:[a-z]{2},)+$")  # Heading/di, ra, ri as Ovid prints it: spaced
_MORE_SUBHEADINGS = re.compile(r"(?i)(?:[a-z]{2},)*[a-z]{2}(,?)")
_QUOTED_HEADING = re.compile(r"(?i)\b(?:and|or|not)\b|^(?:limit|exp|remove)\b|[()]")  # else misread
_COMBINE = re.compile(r"(?i)(or|and)/([\d\s,\-]+)")
LANGUAGE_NAMES = ("english", "finnish", "swedish", "german", "french", "spanish", "dutch", "italian",
                  "portuguese", "norwegian", "danish", "chinese", "japanese", "russian", "korean", "polish")


_FREQUENCY = re.compile(r"(?i)/\s*freq\s*=\s*(\d+)$")


class Ovid(Grammar):
    name = "ovid"
    label = "Ovid"
    help_pages = ("http://www.bma.org.uk/ap.nsf/Content/LIBMPUserGuide~KeywordSearching~Phrases",
                  "http://jeffline.tju.edu/AISR/Forum/03/01/articles/ovid.html",
                  "https://researchguides.uic.edu/searchstrategies/proximityoperators")
    levels = (frozenset({"or"}), frozenset({"and", "not"}), frozenset({"near"}))
    proximity = (Proximity(re.compile(r"(?i)adj(\d+)"), False, offset=1),
                 Proximity(re.compile(r"(?i)adj"), True, default=0))
    default_fields = MP
    tag_suffixes = (_SUFFIX,)
    implicit = "phrase"
    tagged_run = "phrase"
    wildcards = MappingProxyType({"*": "*", "#": "?", "?": "#"})
    bounded_truncation = re.compile(r"(?:\$|:(?=\d*(?:\s|$)))(\d*)")
    mixed_and_or_note = ("Ovid: AND and OR are mixed without parentheses; read with AND first (Ovid's help does "
                         "not say); add parentheses to be sure")
    vocabulary = "mesh"
    writer = Writer(
        "suffix",
        (Tag("ti", ("title",)), Tag("ab", ("abstract",)), Tag("kw", ("keywords",)), Tag("hw", ("headings",)),
         Tag("mp", MP), Tag("af", FIELD_CODES["af"]), Tag("tx", EVERYTHING), Tag("au", ("author",)),
         Tag("jw", ("source",)), Tag("ot", ("other",))),
        join_codes=",", near="adj{n}", adjacent_pre="adj", offset=1,
        wildcards=MappingProxyType({"*": "*", "?": "#", "#": "?"}), bounded="${n}")

    floating_subheadings = True

    def read_tokens(self, p: Parser, toks: list[Token]) -> list[Token]:
        """Ovid's frequency option ('(crm or segment*).ab. /freq=2': the words at least twice in the field)
        taken off with a note: the tree has no way to say it, so the search finds more than Ovid's did."""
        out: list[Token] = []
        for tok in toks:
            m = _FREQUENCY.search(tok.text) if tok.kind == "word" else None
            if m is None:
                out.append(tok)
                continue
            p.note(f"'{m.group().strip()}' (the words at least {m.group(1)} times in the field) not applied: the "
                   "search finds more records than Ovid's did")
            if m.start():
                out.append(Token("word", tok.text[:m.start()], tok.pos, tok.pos + m.start()))
        return out

    def write_heading(self, h: Heading, warn) -> str:
        if h.vocabulary not in ("mesh",):
            warn(f"{h.vocabulary} heading '{h.text}' written as an Ovid subject heading: check it in the "
                 "database's thesaurus")
        text = f'"{h.text}"' if _QUOTED_HEADING.search(h.text) else h.text
        if not h.text:
            return f"{subheading_code(h.subheading)}.fs."
        sub = subheading_code(h.subheading) if h.subheading else ""
        return f"{'exp ' if h.explode else ''}{'*' if h.major else ''}{text}/{sub}"

    def write_limit(self, limit: Limit, warn) -> str | None:
        if limit.kind in ("doctype", "language"):
            names = [lim.publication_type(v, lim.DOCTYPE_NAMES) if limit.kind == "doctype" else lim.language_name(v)
                     for v in limit.values]
            body = " OR ".join(f'"{n}"' if " " in n else n for n in names)
            return f"({body}).{'pt' if limit.kind == 'doctype' else 'lg'}." if len(names) > 1 else \
                f"{body}.{'pt' if limit.kind == 'doctype' else 'lg'}."
        if limit.kind == "year" and limit.low and limit.high and limit.high - limit.low < 50:
            return "(" + " OR ".join(str(y) for y in range(limit.low, limit.high + 1)) + ").yr."
        return None

    # --- tags after a term or group ------------------------------------------------------------------

    def splits_at(self, m: re.Match[str], tok: Token) -> bool:
        return tok.text.endswith(".") or all(c in FIELD_CODES or c in LIMIT_CODES
                                             for c in m.group(1).lower().split(","))

    def postfix(self, p: Parser, node: Node) -> Node | None:
        tok = p.peek()
        if tok is None:
            return None
        if tok.kind == "bracket" and " ".join(tok.text.lower().split()).split(":")[0] not in pubmed.KNOWN:
            p.i += 1  # Ovid's own annotation ([mp=title, abstract, ...], [Drug Therapy]) or the author's
            if not tok.text.lower().startswith("mp=") and not isinstance(node, Heading):
                p.note(f"[{tok.text}] is read as a comment: Ovid has no tags in square brackets")
            return node
        if tok.kind != "word":
            return None
        m = _SUFFIX.fullmatch(tok.text)
        if m is None:
            return None
        codes = m.group(1).lower().split(",")
        p.i += 1
        unknown = [c for c in codes if c not in FIELD_CODES and c not in LIMIT_CODES]
        if unknown:
            raise p.unknown_tag(f".{unknown[0]}.", [f".{c}." for c in (*FIELD_CODES, *LIMIT_CODES)], tok.pos,
                                "Ovid field")
        if codes in (["fs"], ["xs"]):
            return _floating(p, node, tok)
        if len(codes) == 1 and codes[0] in LIMIT_CODES:
            values = [t.text for t in walk(node) if isinstance(t, Term)]
            written = p.text[p.start:tok.end].strip()
            kind = LIMIT_CODES[codes[0]]
            return _years(values, written) if kind == "year" else lim.make(kind, values, text=written)
        fields = fields_of(*{f for c in codes for f in FIELD_CODES.get(c, ())})
        return with_fields(node, fields)

    # --- headings, line references, combinations ------------------------------------------------------

    def _heading_ahead(self, p: Parser, k: int, explode: bool) -> int | None:
        """Index (relative to p.i) of the token that closes a heading starting at ``k``, or None."""
        j = k
        while (tok := p.peek(j)) is not None and tok.kind in ("word", "phrase"):
            if tok.kind == "word" and _HEADING_END.search(tok.text):
                return j
            if tok.kind == "word" and _SUBHEADINGS_GO_ON.search(tok.text):
                while (nxt := p.peek(j + 1)) is not None and nxt.kind == "word" and \
                        (m := _MORE_SUBHEADINGS.fullmatch(nxt.text)):
                    j += 1
                    if not m.group(1):
                        return j
                return None
            if not explode and j > k and p.g.operator(_At(p, j)) is not None:
                return None
            j += 1
        return None

    def is_prefix(self, p: Parser, k: int) -> bool:
        tok = p.peek(k)
        if tok is None or tok.kind != "word":
            return False
        low = tok.text.lower()
        return low in ("exp", "limit", "remove") or _COMBINE.fullmatch(tok.text) is not None or \
            self._heading_ahead(p, k, False) is not None

    def prefix(self, p: Parser, tok: Token) -> Node | None:
        if tok.kind not in ("word", "phrase"):
            return None
        low = tok.text.lower()
        if tok.kind == "word" and low == "limit":
            return self._limit_line(p, tok)
        nxt = p.peek(1)
        if tok.kind == "word" and low == "remove" and nxt is not None and nxt.text.lower() == "duplicates":
            p.i += 3 if (f := p.peek(2)) is not None and f.text.lower() == "from" else 2
            return p.primary()
        if tok.kind == "word" and (m := _COMBINE.fullmatch(tok.text)):
            p.i += 1
            return self._combine_lines(p, tok, m.group(1).lower(), m.group(2))
        explode = tok.kind == "word" and low == "exp"
        start = 1 if explode else 0
        end = self._heading_ahead(p, start, explode)
        if end is None:
            if explode:
                raise p.error("'exp' needs a subject heading ending in '/' (exp Aged/)", tok.pos)
            return None
        parts = [t for t in (p.peek(j) for j in range(start, end + 1)) if t is not None]
        p.i += end + 1
        slash = max(i for i, t in enumerate(parts) if "/" in t.text)
        last = "".join(t.text for t in parts[slash:])
        m = _HEADING_END.search(last)
        assert m is not None
        parts_text = [t.text for t in parts[:slash]] + ([last[:m.start()]] if last[:m.start()] else [])
        text = " ".join(parts_text).strip()
        major = text.startswith("*")
        text = text.lstrip("*").strip().strip('"')
        if not text:
            raise p.error("a subject heading is empty", tok.pos)
        codes = (m.group(1) or "").lower().split(",")
        node = Or(tuple(Heading(text, self.vocabulary, explode=explode, major=major, subheading=code)
                        for code in codes))  # Aged/dt,ad: Aged with either subheading
        return node.parts[0] if len(codes) == 1 else node

    def word(self, p: Parser, tok: Token, alone: bool = True) -> Node:
        if tok.text.startswith(".") and not tok.text.strip("."):
            raise p.error(f"{tok.text!r} stands apart from the term or group it should tag", tok.pos,
                          "Ovid writes a field tag glued to what it tags: (a or b).tw.")
        if alone and tok.text.isdigit() and p.refs:
            if tok.text not in p.refs:
                raise p.error(f"line {tok.text} is not an earlier line of the strategy", tok.pos)
            return p.refs[tok.text]
        return super().word(p, tok, alone)

    def _combine_lines(self, p: Parser, tok: Token, how: str, spec: str) -> Node:
        numbers: list[str] = []
        for part in re.split(r"\s*,\s*", spec.strip()):
            if "-" in part:
                a, b = (int(x) for x in part.split("-", 1))
                numbers += [str(n) for n in range(a, b + 1)]
            elif part:
                numbers.append(part)
        missing = [n for n in numbers if n not in p.refs]
        if missing or not numbers:
            named = (", ".join(missing) if len(missing) <= 5 else f"{missing[0]} to {missing[-1]}") or "(none)"
            raise p.error(f"{tok.text} refers to line(s) {named} not above it", tok.pos)
        node = p.refs[numbers[0]]
        for n in numbers[1:]:
            node = combine(Or if how == "or" else And, node, p.refs[n])
        return node

    def _limit_line(self, p: Parser, tok: Token) -> Node:
        """``limit 5 to (english language and yr="2015 - Current")``: the rest of the line."""
        m = re.match(r"(?is)limit\s+(\d+)\s+to\s+(.+)$", p.text[tok.pos:].strip())
        if m is None or m.group(1) not in p.refs:
            raise p.error("write 'limit N to ...' with N an earlier line", tok.pos)
        p.i = len(p.toks)
        node = p.refs[m.group(1)]
        return combine(And, node, _limit_items(m.group(2)))


def _limit_items(body: str) -> Node:
    """The limits after 'limit N to': items joined by 'and' or 'or', grouped in parentheses
    (``(embase and (article or "review"))``)."""
    body = body.strip()
    while body.startswith("(") and body.endswith(")") and _split_top(body[1:-1], "and|or") is not None:
        body = body[1:-1].strip()
    for word, node_type in (("and", And), ("or", Or)):
        items = _split_top(body, word)
        if items is not None and len(items) > 1:
            return node_type(tuple(_limit_items(item) for item in items))
    return _ovid_limit(body.strip('"'), body)


def _split_top(text: str, words: str) -> list[str] | None:
    """``text`` split at ``words`` outside parentheses and quotes; None if its parentheses do not balance."""
    items, depth, quoted, start = [], 0, False, 0
    for m in re.finditer(rf'(?i)[()"]|\s+(?:{words})\s+', text):
        c = m.group(0)
        if c == '"':
            quoted = not quoted
        elif quoted:
            continue
        elif c in "()":
            depth += 1 if c == "(" else -1
            if depth < 0:
                return None
        elif depth == 0:
            items.append(text[start:m.start()])
            start = m.end()
    return None if depth else [*items, text[start:]]


def _years(values: list[str], written: str) -> Node:
    """``2015.yr.``, ``"2015-2024".yr.``, ``(2015 or 2016 or 2017).yr.`` (as Ovid is written a range): one
    year limit where the years run on, else one per value, ORed."""
    spans = [lim.year_range(v) for v in values]
    if not spans or None in spans:
        return lim.make("other", values, text=written)
    if len(values) == 1:
        return lim.make("year", values, text=written)
    years = sorted({y for lo, hi in spans for y in range(lo or hi, (hi or lo) + 1)})  # type: ignore[operator]
    if all(lo is not None and hi is not None for lo, hi in spans) and years == list(range(years[0], years[-1] + 1)):
        return lim.make("year", [f"{years[0]}-{years[-1]}"], text=written)
    parts = [lim.make("year", [v], text=written) for v in values]
    return parts[0] if len(parts) == 1 else Or(tuple(parts))


def _floating(p: Parser, node: Node, tok: Token) -> Node:
    """``abnormalities.fs.``, ``(ae or co).fs.``: floating subheadings, whatever heading they qualify
    (``tu.xs.``, the subheading exploded, is read the same way)."""
    if isinstance(node, Term):
        return Heading("", "mesh", subheading=node.text.lower())
    if isinstance(node, Or) and all(isinstance(part, Term) for part in node.parts):
        return Or(tuple(Heading("", "mesh", subheading=part.text.lower())  # type: ignore[union-attr]
                        for part in node.parts))
    raise p.error(f"{tok.text} follows subheadings (dt.fs., (ae or co).fs.), not {type(node).__name__}", tok.pos)


class _At:
    def __init__(self, p: Parser, k: int):
        self.p, self.k = p, k

    def peek(self, j: int = 0) -> Token | None:
        return self.p.peek(self.k + j)


def _ovid_limit(item: str, written: str) -> Limit:
    low = item.lower().strip()
    m = re.match(r'(?i)yr\s*=\s*"?([^"]+)"?', low)
    if m:
        return lim.make("year", [m.group(1)], text=written)
    lang = low.removesuffix(" language")
    if lang in LANGUAGE_NAMES:
        return lim.make("language", [lang], text=written)
    if lim.doctype_family(low) or low in ("journal article", "article", "review", "systematic reviews"):
        return lim.make("doctype", [low], text=written)
    return lim.make("other", [item], text=written)
