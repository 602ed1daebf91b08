"""The one query tree every syntax parses into and every translation starts from.

A search string of any database becomes the same few node kinds: :class:`Term` (a word or phrase with
wildcards, searched in a set of fields), :class:`Heading` (a controlled-vocabulary term such as a MeSH
heading), :class:`Limit` (a structured filter: years, languages, document types, subject areas),
:class:`And`, :class:`Or`, :class:`Not` and :class:`Near` (proximity).

Fields are named for what they hold, not for any database's tag, so a translation can say exactly what a
tag adds or loses: ``title``, ``abstract``, ``keywords`` (the authors' keywords), ``headings`` (subject
headings and index terms a database adds: MeSH, Emtree, Scopus index terms, Web of Science KeyWords
Plus), ``author``, ``source`` (journal or book title), ``other`` (affiliations, substances, identifiers
and the like) and ``fulltext``.

Wildcards inside :attr:`Term.text` are written the same way whatever the syntax they came from:
``*`` any number of characters (none included), ``?`` exactly one character, ``#`` one character or none,
and ``*{n}`` at most ``n`` characters (Ovid's ``$n``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace

from review_tools.records import fold

FIELDS = ("title", "abstract", "keywords", "headings", "author", "source", "other", "fulltext")
TOPIC = ("title", "abstract", "keywords", "headings")
EVERYTHING = FIELDS
WILDCARD = re.compile(r"\*\{\d+\}|[*?#]")
_STAND_INS = (("*{", "zzboundzz"), ("*", "zzstarzz"), ("?", "zzqmarkzz"), ("#", "zzhashzz"), ("}", "zzclosezz"))


def term_words(text: str) -> list[str]:
    """The folded words of a term with its wildcards kept ('Wom?n's health*' -> ['wom?n', 's',
    'health*']): one tokenisation for the regular expressions here and the index's queries."""
    for mark, stand_in in _STAND_INS:
        text = text.replace(mark, f" {stand_in} " if mark in ("*{", "}") else stand_in)
    text = re.sub(r" zzboundzz (\d+) zzclosezz ", r"zzboundzz\1zzclosezz", text)
    words = fold(text).split()
    out = []
    for w in words:
        for mark, stand_in in reversed(_STAND_INS):
            w = w.replace(stand_in, mark)
        out.append(w)
    return out


def has_wildcard(word: str) -> bool:
    return any(c in word for c in "*?#")


# MeSH qualifiers (subheadings) by their two-letter abbreviations, for reading 'X/dt' and '[mh /AB]'.
SUBHEADINGS = {
    "ab": "abnormalities", "ae": "adverse effects", "an": "analysis", "bl": "blood", "ch": "chemistry",
    "co": "complications", "cl": "classification", "di": "diagnosis", "dg": "diagnostic imaging",
    "dt": "drug therapy", "ec": "economics", "ed": "education", "ep": "epidemiology", "eh": "ethnology",
    "et": "etiology", "ge": "genetics", "hi": "history", "im": "immunology", "me": "metabolism",
    "mi": "microbiology", "mo": "mortality", "nu": "nursing", "og": "organization & administration",
    "pa": "pathology", "pc": "prevention & control", "ph": "physiology", "pp": "physiopathology",
    "px": "psychology", "rh": "rehabilitation", "sn": "statistics & numerical data", "su": "surgery",
    "td": "trends", "th": "therapy", "tu": "therapeutic use", "ut": "utilization", "ma": "manpower",
    "st": "standards", "lj": "legislation & jurisprudence", "mt": "methods", "is": "instrumentation",
    "ps": "parasitology", "pd": "pharmacology", "pk": "pharmacokinetics", "po": "poisoning", "re": "radiation effects",
    "rt": "radiotherapy", "se": "secretion", "tm": "transmission", "to": "toxicity", "ur": "urine", "vi": "virology",
    "cy": "cytology", "de": "drug effects", "em": "embryology", "en": "enzymology", "in": "injuries",
    "ir": "innervation",
}
_ABBREVIATIONS = {name: code for code, name in SUBHEADINGS.items() if len(code) == 2}


def subheading_name(text: str) -> str:
    """A subheading as its full name in lower case ('DT', 'dt', 'Drug Therapy' -> 'drug therapy'; Embase's
    disease and drug links 'dm_dt', 'dd_ae' by the MeSH qualifier of the same code)."""
    key = " ".join(text.strip().strip("*").lower().split())
    linked = re.fullmatch(r"d[dm]_([a-z]{2})", key)
    if linked and linked.group(1) in SUBHEADINGS:
        return SUBHEADINGS[linked.group(1)]
    return SUBHEADINGS.get(key, key)


def subheading_code(text: str) -> str:
    """A subheading's two-letter abbreviation where MeSH has one ('drug therapy' -> 'dt')."""
    name = subheading_name(text)
    return _ABBREVIATIONS.get(name, name)


def fields_of(*names: str) -> tuple[str, ...]:
    """Field names in their canonical order, each once; an unknown name is a programming error."""
    unknown = set(names) - set(FIELDS)
    if unknown:
        raise ValueError(f"unknown field(s) {sorted(unknown)}")
    return tuple(f for f in FIELDS if f in names)


@dataclass(frozen=True)
class Term:
    """A word or a phrase.  ``phrase``: the words must stand next to each other in this order (quoted,
    or joined by the syntax's own rule); ``exact``: Scopus' ``{...}``, no wildcards or word variants;
    ``variants``: the database also finds plurals and British/American spellings of each word (Scopus,
    Web of Science, ProQuest, EBSCOhost); ``fields`` is ``None`` only while parsing (then the syntax's
    default fields are filled in)."""

    text: str
    fields: tuple[str, ...] | None = TOPIC
    phrase: bool = False
    exact: bool = False
    variants: bool = False

    @property
    def words(self) -> list[str]:
        return self.text.split()


@dataclass(frozen=True)
class Heading:
    """A controlled-vocabulary term: ``"Aged"[Mesh]``, ``exp Aged/``, ``MH "Aged+"``, ``SU.EXACT("x")``.
    ``vocabulary`` names the thesaurus (``mesh``, ``emtree``, ``cinahl``, ``apa``, ``thesaurus`` for a
    database's own descriptors); ``explode`` includes the narrower headings; ``major`` only records where
    it is a major topic; ``subheading`` a qualifier such as ``drug therapy``."""

    text: str
    vocabulary: str = "mesh"
    explode: bool = True
    major: bool = False
    subheading: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "subheading", subheading_name(self.subheading) if self.subheading else "")


LIMIT_KINDS = ("year", "language", "doctype", "subject", "source_type", "peer_reviewed", "other")


@dataclass(frozen=True)
class Limit:
    """A structured filter written in the string: ``kind`` is one of :data:`LIMIT_KINDS`.  A year limit
    keeps ``low``/``high`` (either may be None for an open end); other kinds keep ``values`` as
    written.  ``exclude``: Scopus' ``EXCLUDE(...)``.  ``text`` is the limit as written, for reports."""

    kind: str
    values: tuple[str, ...] = ()
    low: int | None = None
    high: int | None = None
    exclude: bool = False
    text: str = field(default="", compare=False)


@dataclass(frozen=True)
class And:
    parts: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    parts: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    keep: Node
    drop: Node


@dataclass(frozen=True)
class Near:
    """``left`` within ``distance`` words of ``right`` (``distance`` = the most words allowed between
    them, whatever the syntax's own count); ``ordered``: ``left`` must come first."""

    left: Node
    right: Node
    distance: int
    ordered: bool = False


Node = Term | Heading | Limit | And | Or | Not | Near


def walk(node: Node) -> Iterator[Node]:
    """Every node of the tree, parents before children (iteratively: trees may be deep)."""
    stack = [node]
    while stack:
        n = stack.pop()
        yield n
        if isinstance(n, And | Or):
            stack.extend(reversed(n.parts))
        elif isinstance(n, Not):
            stack.extend((n.drop, n.keep))
        elif isinstance(n, Near):
            stack.extend((n.right, n.left))


def terms(node: Node) -> list[Term]:
    return [n for n in walk(node) if isinstance(n, Term)]


def headings(node: Node) -> list[Heading]:
    return [n for n in walk(node) if isinstance(n, Heading)]


def limits(node: Node) -> list[Limit]:
    return [n for n in walk(node) if isinstance(n, Limit)]


def depth(node: Node) -> int:
    """How many operators deep the tree goes."""
    best, stack = 0, [(node, 0)]
    while stack:
        n, d = stack.pop()
        best = max(best, d)
        if isinstance(n, And | Or):
            stack.extend((p, d + 1) for p in n.parts)
        elif isinstance(n, Not):
            stack.extend(((n.keep, d + 1), (n.drop, d + 1)))
        elif isinstance(n, Near):
            stack.extend(((n.left, d + 1), (n.right, d + 1)))
    return best


def map_leaves(node: Node, fn: Callable[[Node], Node]) -> Node:
    """The tree with every leaf (term, heading, limit) replaced by ``fn(leaf)``."""
    if isinstance(node, And | Or):
        return type(node)(tuple(map_leaves(p, fn) for p in node.parts))
    if isinstance(node, Not):
        return Not(map_leaves(node.keep, fn), map_leaves(node.drop, fn))
    if isinstance(node, Near):
        return replace(node, left=map_leaves(node.left, fn), right=map_leaves(node.right, fn))
    return fn(node)


def with_fields(node: Node, fields: tuple[str, ...], *, only_unset: bool = True) -> Node:
    """The tree with ``fields`` given to its terms (only to those without fields, unless told)."""
    return map_leaves(node, lambda n: replace(n, fields=fields)
                      if isinstance(n, Term) and (n.fields is None or not only_unset) else n)


def with_variants(node: Node, on: bool) -> Node:
    """The tree with word variants switched on (except in exact phrases) or off for every term."""
    return map_leaves(node, lambda n: replace(n, variants=on and not n.exact) if isinstance(n, Term) else n)


def combine(kind: type[And] | type[Or], left: Node, right: Node) -> Node:
    """``left AND right`` (or OR), flattening nested nodes of the same kind."""
    def parts(n: Node) -> tuple[Node, ...]:
        return n.parts if isinstance(n, kind) else (n,)

    return kind((*parts(left), *parts(right)))


def joined(kind: type[And] | type[Or], nodes: Sequence[Node]) -> Node:
    """``nodes`` joined by AND (or OR) as :func:`combine` joins two; one node alone as it is."""
    node = nodes[0]
    for more in nodes[1:]:
        node = combine(kind, node, more)
    return node


def normalise(node: Node) -> Node:
    """A canonical form for comparing meanings: nested AND/OR flattened, their parts in a fixed order,
    duplicates dropped, a single part unwrapped, a term a phrase exactly when it has several words
    (``"on-line"`` and ``on-line`` are both the two words 'on line'), word variants only where a word
    has no wildcard (they change nothing else), NOT lifted out of AND and merged (``(a NOT b) AND c`` is
    ``(a AND c) NOT b``, ``(a NOT b) NOT c`` is ``a NOT (b OR c)``)."""
    if isinstance(node, And | Or):
        parts: dict[str, Node] = {}
        for p in node.parts:
            p = normalise(p)
            for q in (p.parts if isinstance(p, type(node)) else (p,)):
                fields = _uniform(q) if isinstance(node, Or) else None
                key = repr(with_fields(q, (), only_unset=False)) if fields is not None else repr(q)
                if fields is not None and key in parts:  # the same search in other fields: one search in both
                    both = fields_of(*{*fields, *(_uniform(parts[key]) or ())})
                    q = with_fields(q, both, only_unset=False)
                parts[key] = q
        ordered = tuple(parts[k] for k in sorted(parts))
        if isinstance(node, And) and any(isinstance(p, Not) for p in ordered):
            return normalise(Not(And(tuple(p.keep if isinstance(p, Not) else p for p in ordered)),
                                 Or(tuple(p.drop for p in ordered if isinstance(p, Not)))))
        return ordered[0] if len(ordered) == 1 else type(node)(ordered)
    if isinstance(node, Not):
        keep, drop = normalise(node.keep), normalise(node.drop)
        if isinstance(keep, Not):
            return normalise(Not(keep.keep, Or((keep.drop, drop))))
        return Not(keep, drop)
    if isinstance(node, Near):
        left, right = normalise(node.left), normalise(node.right)
        if not node.ordered and repr(right) < repr(left):
            left, right = right, left
        return replace(node, left=left, right=right)
    if isinstance(node, Term):
        words = term_words(node.text)
        return replace(node, phrase=len(words) > 1,
                       variants=node.variants and any(not has_wildcard(w) for w in words))
    return node


def _uniform(node: Node) -> tuple[str, ...] | None:
    """The fields of every term of ``node`` when they are all the same (None if not, or no terms)."""
    seen = {t.fields for t in terms(node)}
    if len(seen) != 1 or any(isinstance(n, Heading | Limit) for n in walk(node)):
        return None
    return seen.pop()
