"""The shared reading machinery: precedence climbing over a syntax's table of operator levels, with the
syntax's own hooks for field tags, headings and limits.

Each database family's module (:mod:`review_tools.query.syntaxes`) declares a :class:`Grammar`: its
operator levels from loosest to tightest, its default fields, how juxtaposed words join, its wildcards,
and hooks for what only it writes (``TITLE-ABS-KEY(...)``, ``term[tiab]``, ``exp Aged/``, ``TI x``).
The parser here does the rest the same way for every syntax: groups, precedence, implicit joins, the
checks on proximity operands, and errors at the real cause with a hint.  Written by hand rather than
with a parser generator: the syntaxes differ in precedence, in what a word means next to a tag and in
line-numbered strategies, which a table plus a few hooks states more directly than a grammar file.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from review_tools.query import limits as lim
from review_tools.query.errors import QuerySyntaxError
from review_tools.query.lexer import Lexing, Token, tokens
from review_tools.query.tree import (
    TOPIC,
    And,
    Heading,
    Limit,
    Near,
    Node,
    Not,
    Or,
    Term,
    combine,
    depth,
    fields_of,
    joined,
    term_words,
    terms,
    walk,
    with_fields,
    with_variants,
)

_REF = re.compile(r"(?i)[#s]\d+")
_BOUNDS = re.compile(r"\{\d*\}")  # the neutral form's bound on a truncation, *{3}
MAX_NESTING = 50
MAX_DEPTH = 100
MAX_LENGTH = 100_000


@dataclass(frozen=True)
class Op:
    """An operator found in the token stream: ``kind`` is or / and / not / near; ``width`` tokens."""

    kind: str
    width: int
    name: str
    distance: int = 0
    ordered: bool = False


@dataclass(frozen=True)
class Proximity:
    """One spelling of a proximity operator: ``pattern`` matches the operator word (group 1: its number,
    absent where ``default`` applies); ``offset`` is subtracted from the number to get the words allowed
    between the terms (Ovid's adj3 allows 2)."""

    pattern: re.Pattern[str]
    ordered: bool
    offset: int = 0
    default: int | None = None


class Grammar:
    """A database family's syntax as data plus hooks; subclasses override what differs."""

    name = "generic"
    label = "generic"
    help_pages: tuple[str, ...] = ()
    lexing = Lexing()
    levels: tuple[frozenset[str], ...] = (frozenset({"or"}), frozenset({"and", "not"}), frozenset({"near"}))
    operators_upper_only = False
    not_spellings: tuple[tuple[str, ...], ...] = (("AND", "NOT"), ("NOT",))
    proximity: tuple[Proximity, ...] = ()
    default_fields: tuple[str, ...] = TOPIC
    variants = False
    implicit = "and"  # how juxtaposed words join: "and", "phrase", "near:N"
    juxtaposed = "and"  # how other juxtaposed units (groups, phrases, tagged terms) join: "and" or "error"
    tagged_run = "and"  # how words before a postfix tag join
    wildcards: Mapping[str, str] = MappingProxyType({"*": "*", "?": "?"})
    bounded_truncation: re.Pattern[str] | None = None
    leading_wildcard = True
    strict_chains = False
    mixed_and_or_note = ""
    tag_suffixes: tuple[re.Pattern[str], ...] = ()  # tags written glued to a word (``:ti,ab``, ``.ti,ab.``)
    # Where a restriction of the whole search starts, as a search history prints it after the search
    # (PubMed's 'Filters:', Web of Science's 'Refined by:', the Cochrane Library's 'in Trials'): it limits
    # everything before it, whatever the operators' precedence; the grammar's prefix hook reads it.
    restriction: re.Pattern[str] | None = None

    # --- operators -----------------------------------------------------------------------------------

    def operator(self, p: Parser) -> Op | None:
        tok = p.peek()
        if tok is None or tok.kind != "word":
            return None
        word = tok.text if self.operators_upper_only else tok.upper
        for spelling in self.not_spellings:
            if all((t := p.peek(k)) is not None and t.kind == "word"
                   and (t.text if self.operators_upper_only else t.upper) == w for k, w in enumerate(spelling)):
                return Op("not", len(spelling), " ".join(spelling))
        if word in ("AND", "OR"):
            return Op(word.lower(), 1, word)
        for prox in self.proximity:
            m = prox.pattern.fullmatch(tok.text)
            if m:
                n = int(m.group(1)) if m.groups() and m.group(1) is not None else prox.default
                if n is None:
                    return None
                return Op("near", 1, tok.text, max(0, n - prox.offset), prox.ordered)
        return None

    # --- hooks ---------------------------------------------------------------------------------------

    def prefix(self, p: Parser, tok: Token) -> Node | None:
        """Something only this syntax writes before a term or group (a tag, a limit); None otherwise."""
        return None

    def is_prefix(self, p: Parser, k: int) -> bool:
        """Whether the token at ``p.i + k`` starts such a construct (it then ends a run of words)."""
        return False

    def postfix(self, p: Parser, node: Node) -> Node | None:
        """A tag after a term, phrase or group (``[tiab]``, ``.ti,ab.``, ``:ti,ab``); None if none follows."""
        return None

    def has_postfix(self, p: Parser) -> bool:
        tok = p.peek()
        return tok is not None and tok.kind == "word" and any(s.fullmatch(tok.text) for s in self.tag_suffixes)

    def check_run(self, p: Parser, run: list[Token], tagged: bool) -> None:
        """A chance to reject a run of juxtaposed words before they are joined (PubMed's lower-case 'or')."""

    def word(self, p: Parser, tok: Token, alone: bool = True) -> Node:
        """A plain word: a term, or in a line-numbered strategy a reference to a line (#3, S3).  Only a
        word ``alone`` (not beside other words, no tag after it) can be a reference: in ``cancer antigen
        125`` or ``125.tw.`` the number is searched."""
        if alone and p.refs and _REF.fullmatch(tok.text):
            key = tok.text.upper()
            if key in p.refs:
                return p.refs[key]
            if key.startswith("#"):
                raise p.error(f"line {tok.text} is not an earlier line of the strategy", tok.pos)
        return p.term(tok.text, tok.pos)

    def split_word(self, tok: Token) -> tuple[Token, str]:
        """A word with a tag glued to its end (Ovid's ``segment*.ti,ab.``): the word and the glued tag."""
        for suffix in self.tag_suffixes:
            m = suffix.search(tok.text)
            if m and m.start() > 0 and self.splits_at(m, tok):
                return Token("word", tok.text[:m.start()], tok.pos, tok.pos + m.start()), tok.text[m.start():]
        return tok, ""

    def splits_at(self, m: re.Match[str], tok: Token) -> bool:
        """Whether a tag suffix found in a word really is one (Ovid: only its field or limit codes)."""
        return True

    def finish(self, p: Parser, node: Node) -> Node:
        """Last touches once the whole string is read (default fields are filled in by the parser)."""
        return node

    def read_tokens(self, p: Parser, toks: list[Token]) -> list[Token]:
        """The string's tokens as this syntax reads them, before parsing (Google Scholar's implied ANDs and
        ``-word`` exclusions); as lexed, by default."""
        return toks


class Parser:
    """Reads one search string with one grammar; :meth:`parse` returns the tree."""

    def __init__(self, text: str, grammar: Grammar, refs: Mapping[str, Node] | None = None, base: int = 0,
                 full_text: str | None = None, default_fields: tuple[str, ...] | None = None):
        self.g = grammar
        self.default_fields = default_fields or grammar.default_fields
        self.text = text
        self.full = full_text if full_text is not None else text
        self.base = base  # offset of ``text`` in ``full`` (a line of a strategy)
        self.refs = dict(refs or {})
        self.notes: list[str] = []
        self.marks: dict[int, int] = {}  # id of a node -> its offset, for errors a grammar's finish() raises
        self.toks = grammar.read_tokens(self, tokens(text, grammar.lexing, grammar.label)) \
            if len(text) <= MAX_LENGTH else []
        self.i = 0
        self.nesting = 0
        self.start = 0  # offset of the term, phrase or group a postfix hook is looking at
        # ids of the nodes written in parentheses, and of the earlier lines a strategy's line refers to
        self.grouped: set[int] = {id(node) for node in self.refs.values()}

    # --- helpers -------------------------------------------------------------------------------------

    def peek(self, k: int = 0) -> Token | None:
        j = self.i + k
        return self.toks[j] if 0 <= j < len(self.toks) else None

    def skip_to(self, end: int) -> None:
        """Move past every token that starts before offset ``end`` (a construct read from the text)."""
        while (tok := self.peek()) is not None and tok.pos < end:
            self.i += 1

    def rest_of_line(self, tok: Token) -> str:
        """The text from ``tok`` to the end of its line, stripped; its tokens are consumed."""
        line_end = self.text.find("\n", tok.pos)
        end = len(self.text) if line_end < 0 else line_end
        self.skip_to(end)
        return self.text[tok.pos:end].strip()

    def error(self, message: str, pos: int | None = None, hint: str = "") -> QuerySyntaxError:
        if pos is None:
            tok = self.peek()
            pos = tok.pos if tok else len(self.text.rstrip())
        return QuerySyntaxError(message, self.full, self.base + pos, hint, self.g.label)

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)

    def enter(self, tok: Token) -> None:
        self.nesting += 1
        if self.nesting > MAX_NESTING:
            raise self.error(f"groups nested more than {MAX_NESTING} deep", tok.pos)

    def expect_close(self, opening: Token, what: str = "'('") -> None:
        tok = self.peek()
        if tok is None:
            raise self.error(f"{what} is never closed", opening.pos,
                             "add ')' where the group ends")
        if tok.kind != ")":
            raise self.error(f"unexpected {tok.text!r}: an operator or ')' is expected")
        self.i += 1
        self.nesting -= 1

    # --- terms ---------------------------------------------------------------------------------------

    def term(self, text: str, pos: int, *, phrase: bool = False, exact: bool = False,
             fields: tuple[str, ...] | None = None) -> Term:
        """A term with the syntax's wildcards written in the tree's neutral form."""
        if not text.strip():
            raise self.error("empty phrase" if phrase else "empty term", pos)
        if exact:
            return Term(" ".join(text.split()), fields, phrase=True, exact=True)
        out = []
        j = 0
        while j < len(text):
            c = text[j]
            m = self.g.bounded_truncation.match(text, j) if self.g.bounded_truncation else None
            if m:
                out.append(f"*{{{m.group(1)}}}" if m.group(1) else "*")
                j = m.end()
                continue
            if c in self.g.wildcards:
                out.append(self.g.wildcards[c])
            elif c in "*?#":
                marks = " ".join(self.g.wildcards)
                raise self.error(f"'{c}' is not a wildcard in {self.g.label}", pos + j,
                                 f"{self.g.label} wildcards: {marks}" if marks else f"{self.g.label} has no wildcards")
            else:
                out.append(c)
            j += 1
        neutral = "".join(out)
        if not self.g.leading_wildcard and re.match(r"[*?#]", neutral.lstrip()):
            raise self.error(f"{self.g.label} does not allow a wildcard at the start of a word", pos,
                             "write at least one letter before the wildcard")
        words = neutral.split()
        if not any(any(c.isalnum() for c in _BOUNDS.sub("", w)) for w in term_words(neutral)):
            raise self.error(f"{text.strip()!r} has no letters or digits to search", pos)
        return Term(" ".join(words), fields, phrase=phrase)

    def join_words(self, parts: list[Node], how: str) -> Node:
        """Juxtaposed words joined the syntax's way: a phrase, AND, or a proximity chain."""
        if len(parts) == 1:
            return parts[0]
        if how == "phrase" and all(isinstance(t, Term) and not t.phrase for t in parts):
            return Term(" ".join(t.text for t in parts), None, phrase=True)  # type: ignore[union-attr]
        if how.startswith("near:"):
            node = parts[0]
            for part in parts[1:]:
                node = Near(node, part, int(how[5:]), False)
            return node
        return joined(And, parts)

    # --- grammar -------------------------------------------------------------------------------------

    def parse(self) -> Node:
        if len(self.text) > MAX_LENGTH:
            raise self.error(f"the search string is longer than {MAX_LENGTH:,} characters", MAX_LENGTH)
        if not self.toks:
            raise self.error("empty search string", 0)
        whole, cut = self.toks, self.restriction_at()
        if cut:
            self.toks = whole[:cut]
        node = self.expr(0)
        self.expect_end()
        if cut:
            self.toks = whole
            node = combine(And, node, self.unary())
            self.expect_end()
        node = self.g.finish(self, node)
        node = with_fields(node, self.default_fields)
        if self.g.variants:
            node = with_variants(node, True)
        if depth(node) > MAX_DEPTH:
            raise self.error(f"the string nests operators more than {MAX_DEPTH} deep", 0)
        return node

    def expect_end(self) -> None:
        tok = self.peek()
        if tok is not None:
            if tok.kind == ")":
                raise self.error("')' without '('", tok.pos, "remove it or add the '(' it closes")
            raise self.error(f"unexpected {tok.text!r}")

    def restriction_at(self) -> int:
        """The index of the token where the grammar's whole-search restriction starts, outside every
        parenthesis and phrase and after some search; 0 where there is none."""
        if self.g.restriction is None:
            return 0
        for m in self.g.restriction.finditer(self.text):
            start = m.start() + len(m.group()) - len(m.group().lstrip())
            k = next((j for j, t in enumerate(self.toks) if t.pos == start), 0)  # inside a phrase: no token starts
            depth_before = sum(1 if t.kind == "(" else -1 if t.kind == ")" else 0 for t in self.toks[:k])
            if k and depth_before == 0:
                return k
        return 0

    def expr(self, level: int) -> Node:
        if level == len(self.g.levels):
            return self.unary()
        node = self.expr(level + 1)
        chain: Op | None = None
        while (op := self.g.operator(self)) is not None and op.kind in self.g.levels[level]:
            optok = self.peek()
            assert optok is not None
            self.i += op.width
            nxt = self.peek()
            if nxt is None:
                raise self.error(f"the string ends after {op.name}: a term is expected", len(self.text.rstrip()))
            if nxt.kind == ")":
                raise self.error(f"a term is expected after {op.name}, not ')'", nxt.pos)
            other = self.g.operator(self)
            if other is not None:
                raise self.error(f"operator {other.name} where a term is expected after {op.name}", nxt.pos)
            right = self.expr(level + 1)
            if self.g.mixed_and_or_note and op.kind in ("and", "or") and any(
                    isinstance(side, And | Or) and id(side) not in self.grouped and
                    isinstance(side, And) != (op.kind == "and") for side in (node, right)):
                self.note(self.g.mixed_and_or_note)
            node = self.combine(op, node, right, optok, chain)
            chain = op
        return node

    def combine(self, op: Op, left: Node, right: Node, optok: Token, chain: Op | None) -> Node:
        if op.kind in ("and", "same"):
            return combine(And, left, right)
        if op.kind == "or":
            return combine(Or, left, right)
        if op.kind == "not":
            return Not(left, right)
        if self.g.strict_chains and chain is not None and chain.kind in ("near", "pre") \
                and _kind_of(chain) != _kind_of(op):
            raise self.error(f"{chain.name} and {op.name} in one chain", optok.pos,
                             f"{self.g.label} does not mix proximity operators or distances in one chain; "
                             "use parentheses or one operator")
        for side in (left, right):
            bad = _not_positional(side)
            if bad:
                raise self.error(f"{bad} inside a proximity operator ({op.name})", optok.pos,
                                 "proximity takes terms, phrases or OR-groups of them; put the AND outside")
        shared: set[str] | None = None
        for t in terms(left) + terms(right):
            fields = set(t.fields or self.default_fields)
            shared = fields if shared is None else shared & fields
        if not shared:
            raise self.error(f"the terms of {op.name} are searched in different fields", optok.pos,
                             "proximity is measured inside one field; tag both sides with the same field")
        return Near(left, right, op.distance, op.ordered)

    def starts_operand(self) -> bool:
        tok = self.peek()
        return tok is not None and tok.kind != ")" and self.g.operator(self) is None

    def unary(self) -> Node:
        node = self.primary()
        while self.starts_operand():
            tok = self.peek()
            assert tok is not None
            if self.g.juxtaposed == "error":
                raise self.error(f"missing operator (AND, OR, NOT) before {tok.text!r}", tok.pos)
            node = combine(And, node, self.primary())
        return node

    def primary(self) -> Node:
        tok = self.peek()
        if tok is None:
            raise self.error("the string ends where a term is expected")
        if tok.kind == ")":
            raise self.error("a term is expected before ')'", tok.pos)
        op = self.g.operator(self)
        if op is not None and op.kind in ("near", "pre") and "/" not in op.name:
            self.i += 1  # 'N95' or 'W2' where a term stands is a word, not EBSCO's proximity operator
            node: Node = self.term(tok.text, tok.pos)
            return self.postfixes(node, tok)
        if op is not None:
            raise self.error(f"operator {op.name} where a term is expected", tok.pos,
                             "an operator needs a term on each side")
        node = self.g.prefix(self, tok)
        if node is None:
            if tok.kind == "(":
                self.enter(tok)
                self.i += 1
                if self.peek() is not None and self.peek().kind == ")":  # type: ignore[union-attr]
                    raise self.error("empty parentheses", tok.pos)
                node = self.expr(0)
                self.expect_close(tok)
                self.grouped.add(id(node))
            elif tok.kind == "phrase":
                self.i += 1
                node = self.term(tok.text, tok.pos, phrase=True, exact=tok.quote == "{")
            elif tok.kind == "bracket":
                raise self.error(f"the field tag [{tok.text}] needs a term before it", tok.pos)
            else:
                node = self.words()
        return self.postfixes(node, tok)

    def postfixes(self, node: Node, first: Token) -> Node:
        """``node`` with the tags that follow it applied (``first``: its first token)."""
        while True:
            self.start = first.pos
            tagged = self.g.postfix(self, node)
            if tagged is None:
                return node
            node = tagged

    def words(self) -> Node:
        """A run of plain juxtaposed words, joined the syntax's way (a tag after the run covers all)."""
        run: list[Token] = []
        while (tok := self.peek()) is not None and tok.kind == "word" and self.g.operator(self) is None \
                and not (run and (self.g.is_prefix(self, 0) or self.g.has_postfix(self))):
            word, glued = self.g.split_word(tok)
            self.i += 1
            run.append(word)
            if glued:
                self.toks.insert(self.i, Token("word", glued, word.end, tok.end))
                break
        if not run:
            tok = self.peek()
            raise self.error(f"unexpected {tok.text!r}" if tok else "a term is expected")
        tagged = self.g.has_postfix(self)
        self.g.check_run(self, run, tagged)
        alone = len(run) == 1 and not tagged
        return self.join_words([self.g.word(self, t, alone) for t in run],
                               self.g.tagged_run if tagged else self.g.implicit)

    # --- helpers for grammars --------------------------------------------------------------------------

    def group(self, opening: Token, what: str) -> Node:
        """The parenthesised expression after a tag word (``TITLE(`` ... ``)``); ``opening`` is '('."""
        self.enter(opening)
        self.i += 1
        if self.peek() is not None and self.peek().kind == ")":  # type: ignore[union-attr]
            raise self.error(f"empty {what}", opening.pos)
        node = self.expr(0)
        self.expect_close(opening, what)
        return node

    def colon_labels(self, node: Node, tok: Token, codes: list[str], labels: Mapping[str, tuple[str, ...]],
                     limit_labels: Mapping[str, str], what: str, limit_text: str) -> Node:
        """``node`` under glued ':ti,ab'-style labels (Cochrane, Embase): the fields of its ``labels``, or, for
        one label of ``limit_labels`` (':pt', ':lim'), a limit on its words; an unknown label is an error
        at ``tok`` naming the nearest known one."""
        unknown = [c for c in codes if c not in labels and c not in limit_labels]
        if unknown:
            raise self.unknown_tag(f":{unknown[0]}", [f":{c}" for c in (*labels, *limit_labels)], tok.pos, what)
        if len(codes) == 1 and codes[0] in limit_labels:
            return lim.make(limit_labels[codes[0]], [t.text for t in walk(node) if isinstance(t, Term)],
                               text=limit_text)
        return with_fields(node, fields_of(*{f for c in codes for f in labels.get(c, ())}))

    def unknown_tag(self, tag: str, known: list[str], pos: int, what: str = "field tag") -> QuerySyntaxError:
        """An error for an unknown tag, with the nearest known one (the first listed wins a tie)."""
        scores = [(difflib.SequenceMatcher(None, tag.lower(), k.lower()).ratio(), -i, k) for i, k in enumerate(known)]
        best = max(scores, default=(0.0, 0, ""))
        hint = f"did you mean {best[2]}?" if best[0] >= 0.6 else ""
        return self.error(f"unknown {what} {tag}", pos, hint)


# --- exclusions written without a left side ---------------------------------------------------------------

_KEPT = Term("anything", TOPIC)  # the kept side of an exclusion until exclusions_joined() fills it in


def excluded(p: Parser, node: Node, pos: int) -> Not:
    """``node`` left out of whatever it is ANDed with (Google Scholar's ``-word``, Scopus'
    ``EXCLUDE(EXACTKEYWORD, "x")``): a NOT whose kept side :func:`exclusions_joined` fills in once the whole
    string is read; ``pos`` is where it was written, for errors."""
    out = Not(_KEPT, node)
    p.marks[id(out)] = pos
    return out


def is_excluded(node: Node) -> bool:
    return isinstance(node, Not) and node.keep is _KEPT


def exclusions_joined(p: Parser, node: Node, *, or_note: str = "") -> Node:
    """The tree with each group's exclusions taken out of its AND and put in one NOT: ``a -b c`` is
    ``(a AND c) NOT b``.  An OR of nothing but exclusions (excluded terms, excluding limits) is, with
    ``or_note`` (noted), all of them left out, as Scopus runs its ``EXCLUDE(...) OR EXCLUDE(...)``; an
    exclusion in any other OR, or with nothing to keep, is an error."""
    joined = _joined(p, node, or_note)
    if is_excluded(joined):
        raise p.error(_nothing_kept(p), p.marks.get(id(joined), 0))
    return joined


def _nothing_kept(p: Parser) -> str:
    return f"only excluded terms: {p.g.label} needs a term to search besides the ones it leaves out"


def _joined(p: Parser, node: Node, or_note: str) -> Node:
    if is_excluded(node):
        out = Not(_KEPT, exclusions_joined(p, node.drop, or_note=or_note))  # type: ignore[union-attr]
        p.marks[id(out)] = p.marks.get(id(node), 0)
        return out
    if isinstance(node, And):
        parts = [inner for part in node.parts for inner in _and_parts(_joined(p, part, or_note))]
        keep = [part for part in parts if not is_excluded(part)]
        drop = [part.drop for part in parts if is_excluded(part)]  # type: ignore[union-attr]
        if not drop:
            return And(tuple(keep))
        if not keep:
            raise p.error(_nothing_kept(p), p.marks.get(id(parts[0]), 0))
        return Not(keep[0] if len(keep) == 1 else And(tuple(keep)), joined(Or, drop))
    if isinstance(node, Or):
        parts = [_joined(p, part, or_note) for part in node.parts]
        if or_note and all(is_excluded(part) or (isinstance(part, Limit) and part.exclude) for part in parts):
            p.note(or_note)
            limits = [part for part in parts if not is_excluded(part)]
            drops = [part for part in parts if is_excluded(part)]
            if drops:
                limits.append(excluded(p, joined(Or, [d.drop for d in drops]),  # type: ignore[union-attr]
                                       p.marks.get(id(drops[0]), 0)))
            return limits[0] if len(limits) == 1 else And(tuple(limits))
        for part in parts:
            if is_excluded(part):
                raise p.error(f"an excluded term inside OR: {p.g.label} leaves it out of the whole search, not "
                              "out of one alternative", p.marks.get(id(part), 0), "move it out of the OR group")
        return Or(tuple(parts))
    if isinstance(node, Not):
        return Not(exclusions_joined(p, node.keep, or_note=or_note), exclusions_joined(p, node.drop, or_note=or_note))
    return node


def _and_parts(node: Node) -> tuple[Node, ...]:
    return node.parts if isinstance(node, And) else (node,)


def _kind_of(op: Op) -> tuple[bool, int, str]:
    return op.ordered, op.distance, op.name[:1].upper()


def _not_positional(node: Node) -> str:
    """What in a proximity operand cannot be checked by word position ('' if it all can)."""
    for n in walk(node):
        if isinstance(n, And):
            return "AND (written or implied)"
        if isinstance(n, Not):
            return "NOT"
        if isinstance(n, Heading):
            return "a subject heading"
        if isinstance(n, Limit):
            return "a limit"
    return ""
