"""A query in another database's syntax, keeping its meaning or saying exactly where it cannot.

The target grammar's :class:`~review_tools.query.writing.Writer` table says how to write tags, operators,
proximity and wildcards; headings and limits are written by the grammar's ``write_heading`` and
``write_limit``.  Every compound part is parenthesised, so the result means the same under any
precedence; a tag covers the largest group whose terms share the same fields.  Where the target has no
exact equivalent (a field set, an ordered proximity, a wildcard, a heading vocabulary, word variants,
a limit) the nearest form is written and a warning names the difference.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, replace

from review_tools.query.strategy import parse
from review_tools.query.syntaxes import grammar
from review_tools.query.tree import (
    And,
    Heading,
    Limit,
    Near,
    Node,
    Not,
    Or,
    Term,
    fields_of,
    has_wildcard,
    joined,
    terms,
    walk,
)
from review_tools.query.writing import Tag, Writer

_OPERATOR_WORD = re.compile(r"(?i)(and|or|not|near(/?\d+)?|same|adj\d*|next(/\d+)?|[nw]\d+|w/\d+|pre/\d+)")


@dataclass(frozen=True)
class Plan:
    """How to write one set of fields: ``codes`` of one tag (joined) or several ORed, or untagged."""

    codes: tuple[str, ...]
    union: bool = False
    warning: str = ""

    @property
    def untagged(self) -> bool:
        return not self.codes


class _Emitter:
    def __init__(self, target: str):
        self.g = grammar(target)
        self.w: Writer = self.g.writer  # type: ignore[attr-defined]
        self.warnings: list[str] = []
        self._plans: dict[tuple[str, ...], Plan] = {}

    def warn(self, text: str) -> None:
        if text not in self.warnings:
            self.warnings.append(text)

    # --- fields ----------------------------------------------------------------------------------------

    def plan(self, fields: tuple[str, ...]) -> Plan:
        if fields not in self._plans:
            self._plans[fields] = self._best_plan(fields)
        plan = self._plans[fields]
        if plan.warning:
            self.warn(plan.warning)
        return plan

    def _best_plan(self, fields: tuple[str, ...]) -> Plan:
        want = set(fields)
        candidates: list[tuple[float, int, Plan, set[str]]] = []
        order = 0

        def add(cost: float, plan: Plan, covers: set[str]) -> None:
            nonlocal order
            candidates.append((cost, order, plan, covers))
            order += 1

        if self.w.untagged is not None:
            add(0.0 if set(self.w.untagged) == want else _cost(want, set(self.w.untagged)), Plan(()),
                set(self.w.untagged))
        tags = [t for t in self.w.tags if set(t.fields) & want]
        for size in range(1, 4):
            for combo in itertools.combinations(tags, size):
                if size > 1 and any(set(t.fields) <= set().union(*(o.fields for o in combo if o is not t))
                                    for t in combo):
                    continue
                covers = set().union(*(t.fields for t in combo))
                codes = tuple(t.code for t in combo)
                if size == 1:
                    add(_cost(want, covers), Plan(codes), covers)
                elif self.w.join_codes:
                    add(_cost(want, covers) + 0.1 * size, Plan(codes), covers)
                elif covers <= want:
                    add(_cost(want, covers) + 0.2 * size, Plan(codes, union=True), covers)
        if not candidates:
            self.warn(f"{self.g.label} cannot search {', '.join(fields)}: written without a field tag")
            return Plan(())
        cost, _, plan, covers = min(candidates, key=lambda c: (c[0], c[1]))
        if cost >= 1:
            extra, missing = sorted(covers - want), sorted(want - covers)
            what = self.tag_name(plan)
            parts = ([f"also searches {_names(extra)}"] if extra else []) + \
                    ([f"does not search {_names(missing)}"] if missing else [])
            plan = Plan(plan.codes, plan.union, f"{self.g.label} {what} {' and '.join(parts)} (the string searched "
                                                f"{_names(fields)})")
        return plan

    def tag_name(self, plan: Plan) -> str:
        if plan.untagged:
            return "(no field tag)"
        if plan.union:
            return " OR ".join(self.wrap(c, "x", False).replace("x", "").strip() or c for c in plan.codes)
        return self.wrap(self.w.join_codes.join(plan.codes), "", False).strip() or plan.codes[0]

    def wrap(self, code: str, body: str, compound: bool) -> str:
        form = self.w.form
        if form == "function":
            return f"{code}({body})"
        if form == "equals":
            return f"{code}=({body})"
        if form == "prefix":
            return f"{code} ({body})" if compound else f"{code} {body}"
        if form == "bracket":
            return f"{body}[{code}]"
        if form == "suffix":
            return f"({body}).{code}." if compound else f"{body}.{code}."
        if form == "colon":
            return f"({body}):{code}" if compound else f"{body}:{code}"
        if form == "field":
            return f"{code}:({body})" if compound else f"{code}:{body}"
        raise ValueError(form)

    def tagged(self, plan: Plan, body: str, compound: bool) -> str:
        if plan.untagged:
            return body
        if plan.union:
            return "(" + f" {self.w.or_} ".join(self.wrap(c, body, compound) for c in plan.codes) + ")"
        return self.wrap(self.w.join_codes.join(plan.codes), body, compound)

    # --- nodes -----------------------------------------------------------------------------------------

    def node(self, node: Node, inside: bool = False) -> str | None:
        """``node`` written; ``inside``: a tag around it already gives its fields."""
        out = self._node(node, inside)
        return None if out is None else out[0]

    def _node(self, node: Node, inside: bool) -> tuple[str, bool] | None:
        """``node`` written, and whether it stands as one operand (needs no parentheses)."""
        if not inside and self.w.group_tags and isinstance(node, And | Or | Not | Near):
            fields = _uniform_fields(node)
            if fields is not None:
                plan = self.plan(fields)
                if not plan.union:
                    body = self.node(node, inside=True)
                    return None if body is None else (self.tagged(plan, body, True), not plan.untagged)
        if isinstance(node, Term):
            body = self.term(node)
            if inside:
                return body, True
            plan = self.plan(node.fields or ())
            return self.tagged(plan, body, False), not plan.union or len(plan.codes) == 1
        if isinstance(node, Heading):
            if not node.text and not getattr(self.g, "floating_subheadings", False):
                self.warn(f"{self.g.label} has no floating subheadings: '{node.subheading}' searched as a word in "
                          "the subject headings")
                return self._node(Term(node.subheading, ("headings",), phrase=" " in node.subheading), inside)
            return self.g.write_heading(node, self.warn), True  # type: ignore[attr-defined]
        if isinstance(node, Limit):
            if node.exclude and node.kind not in self.w.excluding_limits:
                self.warn(f"{self.g.label} cannot leave records out by a limit on its own ('{node.text or node.kind}' "
                          "outside an AND): left out (finds more)")
                return None
            text = self.g.write_limit(node, self.warn)  # type: ignore[attr-defined]
            if text is None:
                self.warn(f"{self.g.label} has no way to write the limit '{node.text or node.kind}' in a search "
                          "string: left out (apply it with the database's filters)")
                return None
            return text, _wrapped(text) or " " not in text
        if isinstance(node, And | Or):
            parts = [t for p in node.parts if (t := self.child(p, inside)) is not None]
            if not parts:
                return None
            operator = self.w.and_ if isinstance(node, And) else self.w.or_
            return (f" {operator} " if operator else " ").join(parts), len(parts) == 1
        if isinstance(node, Not):
            keep, drop = self.child(node.keep, inside), self.child(node.drop, inside)
            if drop is None:
                return None if keep is None else (keep, True)
            if keep is None:
                self.warn("a NOT without anything to keep: left out")
                return None
            if self.w.minus:  # an AND kept needs no parentheses before its minus signs: written bare
                return self.minus(node, keep if not isinstance(node.keep, And) else self.node(node.keep, inside), drop)
            return f"{keep} {self.w.not_} {drop}", False
        if isinstance(node, Near):
            return self.near(node, inside)
        raise TypeError(node)

    def child(self, node: Node, inside: bool) -> str | None:
        out = self._node(node, inside)
        if out is None:
            return None
        text, single = out
        return text if single or _wrapped(text) else f"({text})"

    def minus(self, node: Not, keep: str, drop: str) -> tuple[str, bool]:
        """``keep -a -b``: a minus sign before each term left out (an OR of terms leaves out each); what is
        not a term or an OR of terms (``drop``, as written) cannot be left out this way, and is dropped with a
        warning."""
        drops, pending = [], [node.drop]
        while pending:  # nested ORs flattened, in the order written
            drop = pending.pop(0)
            if isinstance(drop, Or):
                pending[:0] = drop.parts
            else:
                drops.append(drop)
        if not all(isinstance(d, Term) for d in drops):
            self.warn(f"{self.g.label} can leave out only words and phrases (-word): NOT {drop} left out (finds more)")
            return keep, False
        return " ".join([keep, *(f"-{self.child(d, False)}" for d in drops)]), False

    def near(self, node: Near, inside: bool) -> tuple[str, bool] | None:
        fields = _uniform_fields(node) or tuple(sorted({f for t in terms(node) for f in t.fields or ()}))
        if not self.w.near:
            if self.w.phrase_near:
                return self.pubmed_near(node, fields, inside)
            self.warn(f"{self.g.label} has no proximity operator: written as AND (finds more)")
            return self._node(And((node.left, node.right)), inside)
        ordered, n = node.ordered, node.distance
        if ordered and n == 0 and self.w.adjacent_pre:
            op = self.w.adjacent_pre
        elif ordered and self.w.pre:
            op = self.w.pre.format(n=n + self.w.offset)
        else:
            if ordered:
                self.warn(f"{self.g.label} has no ordered proximity: {self.w.near.format(n=n + self.w.offset)} "
                          "also finds the words the other way round")
            op = self.w.near.format(n=n + self.w.offset)
        left, right = self.child(node.left, True), self.child(node.right, True)
        body = f"{left} {op} {right}"
        if inside:
            return body, False
        plan = self.plan(fields)
        return self.tagged(plan, body, True), not plan.untagged and not plan.union

    def pubmed_near(self, node: Near, fields: tuple[str, ...], inside: bool) -> tuple[str, bool] | None:
        """PubMed: ``"a b"[tiab:~N]`` for plain words in title/abstract, else AND (broader)."""
        words = [n for n in walk(node) if isinstance(n, Term)]
        chain = _chain_of_words(node)
        if chain is not None and not node.ordered and not any("*" in t.text or "?" in t.text or "#" in t.text
                                                               for t in words):
            tag = {fields_of("title", "abstract", "keywords"): "tiab", ("title",): "ti"}.get(fields)
            if tag is not None:
                return f'"{" ".join(chain[0])}"[{tag}:~{chain[1]}]', True
        self.warn(f"{self.g.label} proximity takes only plain words in [tiab] or [ti] with the same distance: "
                  "written as AND (finds more)")
        return self._node(And((node.left, node.right)), inside)

    def term(self, t: Term) -> str:
        plain = any(not has_wildcard(w) for w in t.text.split())
        if self.w.variants and not t.variants and not t.exact and plain:
            self.warn(f"{self.g.label} also finds plurals and spelling variants of each word; the string did not")
        if t.variants and not self.w.variants:
            self.warn(f"{self.g.label} does not add plurals and spelling variants; the string's database did: add "
                      "them with OR where they matter")
        words = [self.word(w.strip("'\"“”‘’")) for w in t.text.split() if w.strip("'\"“”‘’")]
        text = " ".join(words)
        if t.exact and self.g.name == "scopus":
            return "{" + text + "}"
        if t.phrase or len(words) > 1 or _OPERATOR_WORD.fullmatch(text):
            q = self.w.quote
            return f"{q}{text}{q}"
        return text

    def word(self, word: str) -> str:
        if not self.g.leading_wildcard and _LEADING_WILDCARD.match(word):
            kept = _LEADING_WILDCARD.sub("", word)
            self.warn(f"{self.g.label} does not allow a wildcard at the start of a word: '{word}' written as "
                      f"'{kept}' (finds less: not the words that only end with it)")
            word = kept
        if (self.w.stems or self.w.plain) and re.search(r"[*?#]", word):
            stem = re.sub(r"\*\{\d+\}|[*?#]", "", word)
            self.warn(f"{self.g.label} has no truncation or wildcards; it stems words: '{word}' written as "
                      f"'{stem}' (finds its word forms, not every word that starts with it)" if self.w.stems else
                      f"{self.g.label} has no truncation or wildcards: '{word}' written as '{stem}' (finds that "
                      "word, not every word that starts with it)")
            return stem
        out = ""
        parts = re.split(r"(\*\{\d+\}|[*?#])", word)
        for i, part in enumerate(parts):
            if part in ("*", "?", "#") or part.startswith("*{"):
                if self.w.trailing_only and any(parts[i + 1:]):
                    self.warn(f"{self.g.label} truncates only at the end of a word: '{word}' written as "
                              f"'{out}*' (finds more)")
                    return out + "*"
                if part.startswith("*{"):
                    if self.w.bounded:
                        out += self.w.bounded.format(n=part[2:-1])
                        continue
                    self.warn(f"{self.g.label} has no limited truncation: '{word}' written with * (finds more)")
                    part = "*"
                mark = self.w.wildcards.get(part)
                if mark is None:
                    if self.w.trailing_only and part != "*":
                        self.warn(f"{self.g.label} has no single-character wildcard: '{word}' written as '{out}*' "
                                  "(finds more)")
                        return out + "*"
                    fallback = self.w.wildcards.get("*", "*")
                    self.warn(f"{self.g.label} has no wildcard for {_WILDCARD_NAMES[part]}: '{word}' written with "
                              f"{fallback} (finds more)")
                    mark = fallback
                out += mark
            else:
                out += part
        return out


_FIELD_NAMES = {"keywords": "author keywords", "headings": "subject headings", "other": "other fields (affiliations, "
                "substances, identifiers)", "fulltext": "full text", "source": "journal titles", "author": "authors"}


def _names(fields) -> str:
    return ", ".join(_FIELD_NAMES.get(f, f) for f in fields)


_LEADING_WILDCARD = re.compile(r"^(?:\*\{\d+\}|[*?#])+")
_WILDCARD_NAMES = {"?": "exactly one character", "#": "one character or none", "*": "any characters"}


def _cost(want: set[str], covers: set[str]) -> float:
    if not want & covers:
        return 1000.0
    return 2 * len(want - covers) + len(covers - want)


def _uniform_fields(node: Node) -> tuple[str, ...] | None:
    """The fields of every term under ``node`` if they are all the same and there are only terms."""
    seen: tuple[str, ...] | None = None
    for n in walk(node):
        if isinstance(n, Heading | Limit):
            return None
        if isinstance(n, Term):
            if seen is None:
                seen = n.fields
            elif n.fields != seen:
                return None
    return seen


def _chain_of_words(node: Node) -> tuple[list[str], int] | None:
    """A proximity chain of single plain words with one distance: (words, distance)."""
    if isinstance(node, Term):
        return ([node.text], -1) if len(node.text.split()) == 1 else None
    if isinstance(node, Near):
        left, right = _chain_of_words(node.left), _chain_of_words(node.right)
        if left is None or right is None or {left[1], right[1]} - {-1, node.distance}:
            return None
        return left[0] + right[0], node.distance
    return None


def _wrapped(text: str) -> bool:
    """Whether ``text`` is one parenthesised group (so it needs no more parentheses)."""
    if not (text.startswith("(") and text.endswith(")")):
        return False
    depth = 0
    for i, c in enumerate(text):
        depth += {"(": 1, ")": -1}.get(c, 0)
        if depth == 0 and i < len(text) - 1:
            return False
    return True


def _exclusions_as_not(node: Node, native: tuple[str, ...]) -> Node:
    """The tree with each AND's excluding limits (Scopus' ``EXCLUDE(DOCTYPE, "re")``) of kinds other than
    ``native`` taken out into one AND NOT of the same limits including: ``crm AND EXCLUDE(DOCTYPE, "re")`` is
    ``crm NOT review[pt]``, what a syntax without excluding limits can write."""
    def pulled(p: Node) -> bool:
        return isinstance(p, Limit) and p.exclude and p.kind not in native

    if isinstance(node, And):
        parts = [_exclusions_as_not(p, native) for p in node.parts]
        drop = [replace(p, exclude=False) for p in parts if pulled(p)]
        keep = [p for p in parts if not pulled(p)]
        if not drop or not keep:
            return And(tuple(parts))
        return Not(keep[0] if len(keep) == 1 else And(tuple(keep)), joined(Or, drop))
    if isinstance(node, Or):
        return Or(tuple(_exclusions_as_not(p, native) for p in node.parts))
    if isinstance(node, Not):
        return Not(_exclusions_as_not(node.keep, native), _exclusions_as_not(node.drop, native))
    return node


def translate(query: str | Node, target: str, source: str = "generic") -> tuple[str, list[str]]:
    """The query written in ``target``'s syntax and a warning for every change of meaning.  ``query`` is a
    search string in ``source``'s syntax or a parsed tree."""
    tree = parse(query, source) if isinstance(query, str) else query
    emitter = _Emitter(target)
    tree = _exclusions_as_not(tree, emitter.w.excluding_limits)
    text = emitter.node(tree)
    if text is None:
        raise ValueError("nothing of the query can be written in " + emitter.g.label)
    if emitter.w.max_length and len(text) > emitter.w.max_length:
        emitter.warn(f"{emitter.g.label} reads at most {emitter.w.max_length} characters of a search and this one "
                     f"has {len(text)}: split it into searches that each fit")
    return text, emitter.warnings


TARGETS = ("pubmed", "scopus", "wos", "ebsco", "proquest", "ovid", "cochrane", "embase", "scholar", "generic")
API_TARGETS = ("openalex", "europepmc", "arxiv")  # written only: the query languages of the search APIs
__all__ = ["API_TARGETS", "TARGETS", "Plan", "Tag", "translate"]
