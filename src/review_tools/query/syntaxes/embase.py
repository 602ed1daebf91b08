"""Embase.com (Elsevier's own Embase platform; Embase on Ovid is read with the Ovid syntax).

From Embase's search hints (http://embase.com/info/helpfiles/search-hints/boolean-operators): AND, OR,
NOT, NEAR/n within n words in either order and NEXT/n in order -- "symptom NEAR/5 headache retrieves
records with at most 4 words between", so n counts positions like Ovid's adj; words next to each other
are ANDed; phrases in single or double quotes; field labels after a term or group (``:ti,ab,kw``);
Emtree terms ``'heart infarction'/exp`` (exploded), ``/de`` (this term only), ``/mj`` (major focus);
limits in brackets ``[english]/lim``, ``[humans]/lim``, ``[2015-2024]/py``, ``[article]/it``, entry dates
``[1-1-2010]/sd``; wildcards ``*``, ``?`` one character, ``$`` one or none.  An untagged term searches all fields.
"""

from __future__ import annotations

import re
from types import MappingProxyType

from review_tools.query import limits as lim
from review_tools.query.lexer import Lexing, Token
from review_tools.query.parser import Grammar, Parser, Proximity
from review_tools.query.tree import EVERYTHING, Heading, Limit, Node, Term, has_wildcard, subheading_code
from review_tools.query.writing import Tag, Writer

LABELS: dict[str, tuple[str, ...]] = {
    "ti": ("title",), "ab": ("abstract",), "kw": ("keywords",), "de": ("headings",), "mj": ("headings",),
    "au": ("author",), "jt": ("source",), "so": ("source",), "af": ("other",), "tn": ("other",), "dn": ("other",),
    "mn": ("other",), "cn": ("other",), "rn": ("other",), "ff": ("other",), "lnk": ("headings",),
}
LIMIT_LABELS = {"it": "doctype", "la": "language", "py": "year", "lim": "other", "dtype": "doctype"}
_LABEL = re.compile(r"(?i):((?:[a-z]{2,3})(?:,[a-z]{2,3})*)$")
_SLASH = re.compile(r"(?i)((?:/(?:exp|de|mj|lim|py|sd|it|la|dtype|d[dm]_[a-z]{2}))+)$")
# Emtree's drug subheadings ('x'/dd_ae); the rest are written as disease subheadings ('x'/dm_dt).
_DRUG_LINKS = frozenset({"ad", "ae", "an", "cb", "cm", "cr", "ct", "do", "ia", "it", "pd", "pk", "pr"})
LANGUAGE_NAMES = ("english", "finnish", "swedish", "german", "french", "spanish", "dutch", "italian", "chinese")
DOCTYPES_LIM = ("article", "review", "conference abstract", "conference paper", "letter", "editorial", "note",
                "short survey", "article in press", "book", "chapter", "erratum", "randomized controlled trial",
                "controlled clinical trial", "systematic review", "meta analysis")


class Embase(Grammar):
    name = "embase"
    label = "Embase.com"
    help_pages = ("http://embase.com/info/helpfiles/search-hints/boolean-operators",)
    lexing = Lexing(single=True)
    proximity = (Proximity(re.compile(r"(?i)near/(\d+)"), False, offset=1),
                 Proximity(re.compile(r"(?i)next/(\d+)"), True, offset=1),
                 Proximity(re.compile(r"(?i)next"), True, default=1, offset=1))
    default_fields = tuple(f for f in EVERYTHING if f != "fulltext")
    wildcards = MappingProxyType({"*": "*", "?": "?", "$": "#"})
    tag_suffixes = (_LABEL, _SLASH)
    writer = Writer(
        "colon",
        (Tag("ti", ("title",)), Tag("ab", ("abstract",)), Tag("kw", ("keywords",)), Tag("de", ("headings",)),
         Tag("au", ("author",)), Tag("jt", ("source",))),
        join_codes=",", untagged=tuple(f for f in EVERYTHING if f != "fulltext"), near="NEAR/{n}", pre="NEXT/{n}",
        offset=1, wildcards=MappingProxyType({"*": "*", "?": "?", "#": "$"}), quote="'")

    def write_heading(self, h: Heading, warn) -> str:
        if h.vocabulary != "emtree":
            warn(f"{h.vocabulary} heading '{h.text}' written as an Emtree term: check the Emtree term")
        code = subheading_code(h.subheading) if h.subheading else ""
        link = f"{'dd' if code in _DRUG_LINKS else 'dm'}_{code}" if len(code) == 2 and h.vocabulary == "emtree" else ""
        if h.subheading and not link:
            warn(f"subheading '{h.subheading}' of '{h.text}' dropped: Emtree subheadings are written differently")
        return f"'{h.text}'/{'exp' if h.explode else 'de'}{'/mj' if h.major else ''}{'/' + link if link else ''}"

    def write_limit(self, limit: Limit, warn) -> str | None:
        if limit.kind == "year":
            return f"[{limit.low or 1800}-{limit.high or 2100}]/py"
        if limit.kind == "doctype":
            names = [lim.doctype_name(v).lower() for v in limit.values]
            body = " OR ".join(f"'{n}'" if " " in n else n for n in names)
            return f"({body}):it" if len(names) > 1 else f"{body}:it"
        if limit.kind == "language":
            values = [lim.language_name(v).lower() for v in limit.values]
            text = " OR ".join(f"[{v}]/lim" for v in values)
            return f"({text})" if len(values) > 1 else text
        return None

    def prefix(self, p: Parser, tok: Token) -> Node | None:
        nxt = p.peek(1)
        if tok.kind == "bracket" and nxt is not None and nxt.kind == "word" and _SLASH.fullmatch(nxt.text):
            p.i += 2
            return _slash_limit(nxt.text.lower().strip("/"), [v.strip() for v in tok.text.split(",")],
                                p.text[tok.pos:nxt.end])
        return None

    def is_prefix(self, p: Parser, k: int) -> bool:
        tok, nxt = p.peek(k), p.peek(k + 1)
        return tok is not None and tok.kind == "bracket" and nxt is not None and bool(_SLASH.fullmatch(nxt.text))

    def postfix(self, p: Parser, node: Node) -> Node | None:
        tok = p.peek()
        if tok is None or tok.kind != "word":
            return None
        if m := _LABEL.fullmatch(tok.text):
            p.i += 1
            return p.colon_labels(node, tok, m.group(1).lower().split(","), LABELS, LIMIT_LABELS,
                                  "Embase field label", tok.text)
        if m := _SLASH.fullmatch(tok.text):
            p.i += 1
            kinds = [k for k in m.group(1).lower().split("/") if k]
            if not isinstance(node, Term):
                raise p.error(f"{tok.text} follows one Emtree term or limit value, not a group", tok.pos)
            if set(kinds) & {"lim", "py", "sd", "it", "la", "dtype"}:
                if len(kinds) > 1:
                    raise p.error(f"{tok.text} mixes a limit with an Emtree tag", tok.pos)
                return _slash_limit(kinds[0], [node.text], p.text[p.start:tok.end])
            if has_wildcard(node.text):
                raise p.error(f"an Emtree term takes no wildcard: '{node.text}'{tok.text}", p.start,
                              "search the truncated word as free text (word*:ti,ab) or pick the Emtree term")
            links = [k for k in kinds if re.fullmatch(r"d[dm]_[a-z]{2}", k)]
            if len(links) > 1:
                raise p.error(f"{tok.text} links more than one subheading; write one line each and OR them", tok.pos)
            return Heading(node.text, "emtree", explode="exp" in kinds, major="mj" in kinds,
                           subheading=links[0] if links else "")
        return None


def _slash_limit(kind: str, values: list[str], written: str) -> Limit:
    """A limit written with a slash tag, on a value in brackets (``[english]/lim``, ``[2015-2024]/py``) or
    quoted (``'conference abstract'/it``, as Embase's own search builder writes publication types)."""
    if kind == "py":
        return lim.make("year", [", ".join(values)], text=written)
    if kind == "sd":  # the date a record entered Embase, not its publication year: kept, named, not applied
        return lim.make("other", values, text=written)
    if kind in ("it", "dtype"):
        return lim.make("doctype", values, text=written)
    if kind == "la" or all(v.lower() in LANGUAGE_NAMES for v in values):
        return lim.make("language", values, text=written)
    if all(v.lower() in DOCTYPES_LIM for v in values):
        return lim.make("doctype", values, text=written)
    return lim.make("other", values, text=written)
