"""Boolean search strings as data: parse them as databases accept them, and run them over records.

Grammar (precedence from loose to tight): OR, then AND / NOT / AND NOT, then proximity (NEAR/n, W/n, PRE/n,
Nn), then a term, an "exact phrase" or a parenthesised group.  Terms may carry truncation ``*`` and
wildcards ``?``.  Field tags in each database's spelling restrict a term or group: ``TITLE-ABS-KEY(...)``,
``TITLE(...)``, ``ABS(...)`` (Scopus), ``TS=``, ``TI=``, ``AB=`` (Web of Science), ``TI``, ``AB``, ``SU``
followed by a space (EBSCOhost), ``noft(...)``, ``ti(...)``, ``ab(...)`` (ProQuest), ``term[tiab]``,
``[ti]``, ``[ab]``, ``[mh]`` (PubMed).  Errors say what is wrong and point at the place with a caret.

Written by hand: the Python search-query packages on PyPI either target one database or do not parse
proximity and field tags in these spellings.  Matching folds case and diacritics, so ``asiakkuu*`` matches
``asiakkuuksien`` and ``lääke*`` matches ``Laakeyritys``.
"""

from __future__ import annotations

import functools
import re
from bisect import bisect_left
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from review_tools.errors import ReviewToolsError
from review_tools.records import Record, fold

FIELDS = ("title", "abstract", "keywords")
ALL = FIELDS
FIELD_TAGS = {
    "title-abs-key": ALL, "title-abs": ("title", "abstract"), "title": ("title",), "abs": ("abstract",),
    "key": ("keywords",), "authkey": ("keywords",), "noft": ALL, "ti": ("title",), "ab": ("abstract",),
    "ts": ALL, "su": ("keywords",), "kw": ("keywords",), "de": ("keywords",),
}
BRACKET_TAGS = {"tiab": ("title", "abstract"), "ti": ("title",), "ab": ("abstract",), "mh": ("keywords",),
                "ot": ("keywords",), "tw": ALL, "all": ALL}
_PROXIMITY = re.compile(r"(?i)^(?:near|w|pre|adj)/(\d+)$|^(?:n|w)(\d+)$")


# Proximity: "n" means at most n other words between the two terms (PRE/n and EBSCO's Wn also keep the order).


class QuerySyntaxError(ReviewToolsError):
    """A search string that cannot be parsed; ``str()`` shows the string with a caret under the place."""

    def __init__(self, message: str, query: str, position: int):
        self.message, self.query, self.position = message, query, position
        super().__init__(f"{message} at column {position + 1}:\n  {query}\n  {' ' * position}^")


@dataclass(frozen=True)
class Term:
    text: str
    fields: tuple[str, ...] = ALL
    phrase: bool = False


@dataclass(frozen=True)
class And:
    parts: tuple[object, ...]


@dataclass(frozen=True)
class Or:
    parts: tuple[object, ...]


@dataclass(frozen=True)
class Not:
    keep: object
    drop: object


@dataclass(frozen=True)
class Near:
    left: object
    right: object
    distance: int
    ordered: bool


_TOKEN = re.compile(r'\s*(?:(?P<lp>\()|(?P<rp>\))|"(?P<phrase>[^"]*)(?P<close>")?|(?P<word>[^\s()"]+))')


def _tokens(query: str) -> list[tuple[str, str, int]]:
    out: list[tuple[str, str, int]] = []
    pos = 0
    while pos < len(query):
        m = _TOKEN.match(query, pos)
        if m is None or m.end() == pos:
            break
        start = m.start() + (len(m.group(0)) - len(m.group(0).lstrip()))
        if m.group("lp"):
            out.append(("(", "(", start))
        elif m.group("rp"):
            out.append((")", ")", start))
        elif m.group("phrase") is not None:
            if m.group("close") is None:
                raise QuerySyntaxError("unclosed quotation mark", query, start)
            out.append(("phrase", m.group("phrase"), start))
        else:
            out.append(("word", m.group("word"), start))
        pos = m.end()
    return out


class _Parser:
    def __init__(self, query: str):
        self.query = query
        self.tokens = _tokens(query)
        self.i = 0

    def peek(self) -> tuple[str, str, int] | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def error(self, message: str, position: int | None = None):
        tok = self.peek()
        where = position if position is not None else (tok[2] if tok else len(self.query))
        raise QuerySyntaxError(message, self.query, where)

    def is_op(self, name: str) -> bool:
        tok = self.peek()
        return tok is not None and tok[0] == "word" and tok[1].upper() == name

    def parse(self):
        if not self.tokens:
            self.error("empty search string", 0)
        node = self.or_expr(ALL)
        if self.peek() is not None:
            tok = self.peek()
            self.error("unbalanced parenthesis: ')' without '('" if tok[0] == ")"
                       else f"missing operator (AND, OR, NOT) before {tok[1]!r}")
        return node

    def or_expr(self, fields):
        parts = [self.and_expr(fields)]
        while self.is_op("OR"):
            self.i += 1
            parts.append(self.and_expr(fields))
        return parts[0] if len(parts) == 1 else Or(tuple(parts))

    def and_expr(self, fields):
        node = self.near_expr(fields)
        while True:
            if self.is_op("AND"):
                self.i += 1
                if self.is_op("NOT"):
                    self.i += 1
                    node = Not(node, self.near_expr(fields))
                else:
                    right = self.near_expr(fields)
                    node = And((*node.parts, right) if isinstance(node, And) else (node, right))
            elif self.is_op("NOT"):
                self.i += 1
                node = Not(node, self.near_expr(fields))
            else:
                return node

    def near_expr(self, fields):
        node = self.primary(fields)
        while (tok := self.peek()) and tok[0] == "word" and (m := _PROXIMITY.match(tok[1])):
            self.i += 1
            distance = int(m.group(1) or m.group(2))
            word = tok[1].upper()
            ordered = word.startswith("PRE/") or bool(re.fullmatch(r"W\d+", word))  # EBSCO Wn is ordered
            node = Near(node, self.primary(fields), distance, ordered)
        return node

    def primary(self, fields):
        tok = self.peek()
        if tok is None:
            self.error("the search string ends where a term is expected (dangling operator?)")
        kind, text, pos = tok
        if kind == "(":
            self.i += 1
            node = self.or_expr(fields)
            if self.peek() is None or self.peek()[0] != ")":
                self.error("unbalanced parenthesis: '(' is never closed", pos)
            self.i += 1
            return node
        if kind == ")":
            self.error("a term is expected before ')'")
        if kind == "phrase":
            self.i += 1
            if not text.strip():
                self.error("empty phrase", pos)
            return Term(text, self._suffix(fields), phrase=True)
        if text.upper() in ("AND", "OR", "NOT") or _PROXIMITY.match(text):
            self.error(f"operator {text} where a term is expected (dangling operator?)")
        tag = text.lower()
        nxt = self.tokens[self.i + 1] if self.i + 1 < len(self.tokens) else None
        if tag in FIELD_TAGS and nxt is not None and nxt[0] == "(":  # TITLE-ABS-KEY(x), TITLE-ABS-KEY ( x ), TI (x)
            self.i += 2
            node = self.or_expr(FIELD_TAGS[tag])
            if self.peek() is None or self.peek()[0] != ")":
                self.error(f"unbalanced parenthesis: '{text}(' is never closed", pos)
            self.i += 1
            return node
        if "=" in text and text.split("=", 1)[0].lower() in FIELD_TAGS:
            head, rest = text.split("=", 1)
            if rest:
                self.i += 1
                return Term(rest, FIELD_TAGS[head.lower()])
            self.i += 1
            return self.primary(FIELD_TAGS[head.lower()])
        if re.fullmatch(r"[A-Z]{2}", text) and text.lower() in FIELD_TAGS and nxt is not None and nxt[0] != ")":
            self.i += 1  # EBSCO: TI term, or TI term N3 term (the tag covers the proximity pair)
            return self.near_expr(FIELD_TAGS[text.lower()])
        m = re.fullmatch(r"(.+)\[([A-Za-z]+)\]", text)
        if m:
            field = m.group(2).lower()
            if field not in BRACKET_TAGS:
                self.error(f"unknown field tag [{m.group(2)}]", pos + len(m.group(1)))
            self.i += 1
            return Term(m.group(1), BRACKET_TAGS[field])
        if "[" in text and "]" not in text[text.index("["):]:
            self.error("unclosed '[' of a field tag", pos + text.index("["))
        if text.startswith("[") or text.endswith("]"):
            self.error(f"unknown field tag {text}")
        self.i += 1
        return Term(text, self._suffix(fields))

    def _suffix(self, fields):
        tok = self.peek()
        if tok is not None and tok[0] == "word" and re.fullmatch(r"\[[A-Za-z]+\]", tok[1]):
            field = tok[1][1:-1].lower()
            if field not in BRACKET_TAGS:
                self.error(f"unknown field tag {tok[1]}")
            self.i += 1
            return BRACKET_TAGS[field]
        return fields


def parse(query: str):
    """The query's syntax tree; raises :class:`QuerySyntaxError` with the place of the first problem."""
    return _Parser(query).parse()


@functools.lru_cache(maxsize=4096)
def _term_regex(term: Term) -> re.Pattern[str]:
    return re.compile(rf"(?<!\w){_term_body(term)}(?!\w)")


_STAND_INS = (("*", "zzstarzz"), ("?", "zzqmarkzz"))


def term_words(text: str) -> list[str]:
    """The folded words of a search term with its wildcards where they stand ('Wom?n's health*' ->
    ['wom?n', 's', 'health*']): the one tokenisation both the per-record regular expressions and the
    index use, so the two cannot disagree on a term."""
    for mark, stand_in in _STAND_INS:
        text = text.replace(mark, stand_in)
    words = fold(text).split()
    for mark, stand_in in _STAND_INS:
        words = [w.replace(stand_in, mark) for w in words]
    return words


def _word_pattern(word: str) -> str:
    """A regular expression for one word of :func:`term_words`: ``*`` any letters, ``?`` one or none."""
    return re.escape(word).replace(r"\*", r"\w*").replace(r"\?", r"\w?")


def _term_body(term: Term) -> str:
    return r"\s+".join(_word_pattern(w) for w in term_words(term.text))


@functools.lru_cache(maxsize=1024)
def _side_regex(terms: tuple[Term, ...]) -> re.Pattern[str]:
    """One pattern matching, with zero width, at each word start where any of the terms matches (so
    overlapping matches of different terms all count)."""
    return re.compile(r"(?<!\w)(?=" + "|".join(rf"(?:{_term_body(t)})(?!\w)" for t in terms) + ")")


def _positions(text: str, pattern: re.Pattern[str]) -> list[int]:
    """Word positions where the pattern matches in folded text (words are separated by single spaces)."""
    out, last, words = [], 0, 0
    for m in pattern.finditer(text):
        words += text.count(" ", last, m.start())
        last = m.start()
        out.append(words)
    return out


def _side_terms(node) -> list[Term] | None:
    """The terms of one side of a proximity operator: a term, or an OR of terms; None for anything else."""
    if isinstance(node, Term):
        return [node]
    if isinstance(node, Or):
        terms: list[Term] = []
        for part in node.parts:
            sub = _side_terms(part)
            if sub is None:
                return None
            terms += sub
        return terms
    return None


@functools.lru_cache(maxsize=1024)
def near_checker(node: Near) -> Callable[[Mapping[str, str]], bool] | None:
    """A test of whether a term of the left side occurs within ``node.distance`` words of a term of the
    right side (after it, for an ordered operator) in one field of the folded texts it is given; None when
    a side is not a term or an OR of terms, which no positional check can express.  The sides, fields and
    patterns are worked out once per operator (cached), not once per record."""
    left, right = _side_terms(node.left), _side_terms(node.right)
    if left is None or right is None:
        return None
    fields = set.intersection(*(set(t.fields) for t in (*left, *right)))
    left_re, right_re = _side_regex(tuple(left)), _side_regex(tuple(right))

    def check(texts: Mapping[str, str]) -> bool:
        for f in fields:
            a = _positions(texts[f], left_re)
            if not a:
                continue
            b = _positions(texts[f], right_re)
            if any((0 < j - i <= node.distance + 1) if node.ordered else abs(j - i) <= node.distance + 1
                   for i in a for j in b):
                return True
        return False

    return check


class _Doc:
    def __init__(self, record: Record):
        self.fields = {"title": fold(record.title), "abstract": fold(record.abstract),
                       "keywords": fold(" ; ".join(record.keywords))}


def _eval(node, doc: _Doc, hits: set[str]) -> bool:
    if isinstance(node, Term):
        pattern = _term_regex(node)
        found = any(pattern.search(doc.fields[f]) for f in node.fields)
        if found:
            hits.add(node.text)
        return found
    if isinstance(node, And):
        return all([_eval(p, doc, hits) for p in node.parts])
    if isinstance(node, Or):
        return any([_eval(p, doc, hits) for p in node.parts])
    if isinstance(node, Not):
        return _eval(node.keep, doc, hits) and not _eval(node.drop, doc, set())
    if isinstance(node, Near):
        check = near_checker(node)
        if check is None:  # a side is not a term or an OR of terms: the words must only co-occur
            return _eval(node.left, doc, hits) and _eval(node.right, doc, hits)
        near = check(doc.fields)
        if near:
            _eval(node.left, doc, hits)
            _eval(node.right, doc, hits)
        return near
    raise TypeError(node)


def matches(query, record: Record) -> tuple[bool, set[str]]:
    """Whether ``record`` matches the parsed query, and which terms matched (for highlighting)."""
    hits: set[str] = set()
    return _eval(query, _Doc(record), hits), hits


def run(query_text: str, records: Iterable[Record]) -> dict[str, set[str]]:
    """Ids of the records the search string matches, each with the terms that matched."""
    tree = parse(query_text)
    out = {}
    for r in records:
        ok, hits = matches(tree, r)
        if ok:
            out[r.id] = hits
    return out


# --- translation -------------------------------------------------------------------------------------

TARGETS = ("scopus", "wos", "ebsco", "proquest", "pubmed")
_TITLE, _ABSTRACT, _KEYWORDS = ("title",), ("abstract",), ("keywords",)


def _quote(term: Term) -> str:
    return f'"{term.text}"' if term.phrase or " " in term.text else term.text


class _Translator:
    """Emit a parsed query in one database's syntax, collecting a warning wherever it cannot be exact."""

    def __init__(self, target: str):
        if target not in TARGETS:
            raise ValueError(f"target must be one of {', '.join(TARGETS)}, not {target!r}")
        self.target = target
        self.warnings: list[str] = []

    def warn(self, text: str) -> None:
        if text not in self.warnings:
            self.warnings.append(text)

    def emit(self, node, parent: str = "") -> str:
        if isinstance(node, Term):
            return self.term(node)
        if isinstance(node, And | Or):
            op = " AND " if isinstance(node, And) else " OR "
            inner = op.join(self.emit(p, type(node).__name__) for p in node.parts)
            return f"({inner})" if parent else inner
        if isinstance(node, Not):
            inner = f"{self.emit(node.keep, 'Not')} {'AND NOT' if self.target == 'scopus' else 'NOT'} " \
                    f"{self.emit(node.drop, 'Not')}"
            return f"({inner})" if parent else inner
        if isinstance(node, Near):
            return self.near(node, parent)
        raise TypeError(node)

    def term(self, t: Term) -> str:
        text = _quote(t)
        if "?" in t.text and self.target == "pubmed":
            self.warn("PubMed has no single-character wildcard: '?' kept but PubMed will not expand it")
        if self.target == "scopus":
            tag = {("title", "abstract", "keywords"): "TITLE-ABS-KEY", ("title", "abstract"): "TITLE-ABS",
                   _TITLE: "TITLE", _ABSTRACT: "ABS", _KEYWORDS: "KEY"}[t.fields]
            return f"{tag}({text})"
        if self.target == "wos":
            if t.fields in (ALL, ("title", "abstract")):
                if t.fields != ALL:
                    self.warn("Web of Science has no title+abstract field: TS= also searches keywords")
                return f"TS=({text})"
            return {_TITLE: "TI", _ABSTRACT: "AB", _KEYWORDS: "AK"}[t.fields] + f"=({text})"
        if self.target == "ebsco":
            tags = {"title": "TI", "abstract": "AB", "keywords": "SU"}
            parts = [f"{tags[f]} {text}" for f in t.fields]
            return parts[0] if len(parts) == 1 else "(" + " OR ".join(parts) + ")"
        if self.target == "proquest":
            if t.fields == ALL:
                self.warn("ProQuest noft() also searches other fields than title, abstract and keywords")
                return f"noft({text})"
            parts = [f"{ {'title': 'ti', 'abstract': 'ab', 'keywords': 'su'}[f]}({text})" for f in t.fields]
            return parts[0] if len(parts) == 1 else "(" + " OR ".join(parts) + ")"
        if t.fields == _ABSTRACT:
            self.warn("PubMed cannot search the abstract alone: [tiab] also searches the title")
        tags = {ALL: ["tiab", "ot"], ("title", "abstract"): ["tiab"], _TITLE: ["ti"], _ABSTRACT: ["tiab"],
                _KEYWORDS: ["ot"]}[t.fields]
        parts = [f"{text}[{tag}]" for tag in tags]
        return parts[0] if len(parts) == 1 else "(" + " OR ".join(parts) + ")"

    def near(self, node: Near, parent: str) -> str:
        left, right = node.left, node.right
        if not (isinstance(left, Term) and isinstance(right, Term)):
            self.warn("proximity between groups is not supported everywhere: written as AND")
            return self.emit(And((left, right)), parent)
        n = node.distance
        if self.target == "pubmed":
            self.warn("PubMed proximity works on [tiab] only and ignores order and truncation: written as AND")
            return self.emit(And((left, right)), parent)
        if self.target == "ebsco":
            inner = f"{_quote(left)} {'W' if node.ordered else 'N'}{n} {_quote(right)}"
        elif self.target == "wos":
            if node.ordered:
                self.warn("Web of Science NEAR/n ignores word order: PRE/n written as NEAR/n")
            inner = f"{_quote(left)} NEAR/{n} {_quote(right)}"
        else:
            inner = f"{_quote(left)} {'PRE' if node.ordered else ('W' if self.target == 'scopus' else 'NEAR')}/{n} " \
                    f"{_quote(right)}"
        fields = tuple(f for f in FIELDS if f in left.fields and f in right.fields)
        return self.term(Term(inner, fields)).replace(f'"{inner}"', inner)


def translate(query: str, target: str) -> tuple[str, list[str]]:
    """The search string in ``target``'s syntax (scopus, wos, ebsco, proquest, pubmed) and the warnings for
    every construct that could not be expressed exactly there."""
    translator = _Translator(target)
    return translator.emit(parse(query)), translator.warnings


# --- fast evaluation over many records -----------------------------------------------------------------


class QueryIndex:
    """Term postings of a record set (scikit-learn's CountVectorizer, one sparse matrix per field), so a
    search string is evaluated with array operations instead of a regular expression per record: single
    words and truncations come straight from the postings; phrases and proximity are narrowed down by
    their words' postings and then checked with the same regular expressions as :func:`matches`, on the
    candidates only."""

    def __init__(self, records: Sequence[Record]):
        from sklearn.feature_extraction.text import CountVectorizer

        self.records = list(records)
        self.texts = {
            "title": [fold(r.title) for r in self.records],
            "abstract": [fold(r.abstract) for r in self.records],
            "keywords": [fold(" ; ".join(r.keywords)) for r in self.records],
        }
        self.matrix, self.vocab = {}, {}
        for f, docs in self.texts.items():
            vec = CountVectorizer(binary=True, lowercase=False, token_pattern=r"(?u)\b\w+\b", dtype=np.uint8)
            try:
                self.matrix[f] = vec.fit_transform(docs).tocsc()
                self.vocab[f] = sorted(vec.vocabulary_.items())
            except ValueError:  # no token at all in this field
                self.matrix[f], self.vocab[f] = None, []
        self.n = len(self.records)
        self._words = {}

    def _word(self, word: str, field: str) -> np.ndarray:
        """Records whose field has a token matching one folded word (with * and ? wildcards)."""
        matrix = self.matrix[field]
        out = np.zeros(self.n, dtype=bool)
        if matrix is None:
            return out
        vocab = self.vocab[field]
        if "*" in word or "?" in word:
            prefix = re.split(r"[*?]", word, maxsplit=1)[0]
            pattern = re.compile(_word_pattern(word) + r"\Z")
            lo = bisect_left(vocab, (prefix,))
            cols = []
            for token, col in vocab[lo:]:
                if not token.startswith(prefix):
                    break
                if pattern.match(token):
                    cols.append(col)
        else:
            i = bisect_left(vocab, (word,))
            cols = [vocab[i][1]] if i < len(vocab) and vocab[i][0] == word else []
        if cols:
            out[matrix[:, cols].indices] = True  # repeated rows are harmless; np.unique would cost seconds
        return out

    def _term(self, term: Term, within: np.ndarray | None) -> np.ndarray:
        """Records matching a term: exact on ``within`` (phrases are checked there only), a superset elsewhere."""
        words = term_words(term.text)
        out = np.zeros(self.n, dtype=bool)
        for f in term.fields:
            hit = np.ones(self.n, dtype=bool)
            for w in words:
                hit &= self._cached_word(w, f)
            if within is not None and len(words) > 1:  # a phrase: check the word order on the candidates
                regex = _term_regex(term)
                texts = self.texts[f]
                for i in np.flatnonzero(hit & within):
                    hit[i] = bool(regex.search(texts[i]))
            out |= hit
        return out

    def _cached_word(self, word: str, field: str) -> np.ndarray:
        key = (word, field)
        if key not in self._words:
            self._words[key] = self._word(word, field)
        return self._words[key]

    def evaluate(self, node, within: np.ndarray | None = None) -> np.ndarray:
        """Records matching ``node``.  With ``within``, the answer is exact on those records and may be a
        superset elsewhere; without it, a cheap superset (phrases and proximity as their words alone),
        which :meth:`run` uses to narrow the records the exact pass looks at."""
        if isinstance(node, Term):
            return self._term(node, within)
        if isinstance(node, And):
            out = np.ones(self.n, dtype=bool)
            for p in node.parts:
                out &= self.evaluate(p, None if within is None else within & out)
            return out
        if isinstance(node, Or):
            out = np.zeros(self.n, dtype=bool)
            for p in node.parts:
                out |= self.evaluate(p, within)
            return out
        if isinstance(node, Not):
            keep = self.evaluate(node.keep, within)
            if within is None:
                return keep
            return keep & ~self.evaluate(node.drop, within & keep)
        if isinstance(node, Near):
            candidates = self.evaluate(node.left, within) & self.evaluate(node.right, within)
            check = near_checker(node) if within is not None else None
            if check is not None:  # otherwise both sides occurring is the whole test
                candidates &= within
                for i in np.flatnonzero(candidates):
                    candidates[i] = check({f: texts[i] for f, texts in self.texts.items()})
            return candidates
        raise TypeError(node)

    def run(self, query_text: str) -> list[str]:
        """Ids of the records the search string matches (same result as :func:`run`, without the terms)."""
        tree = parse(query_text)
        self._words: dict[tuple[str, str], np.ndarray] = {}
        candidates = self.evaluate(tree)
        hit = self.evaluate(tree, candidates) & candidates
        self._words = {}
        return [self.records[i].id for i in np.flatnonzero(hit)]
