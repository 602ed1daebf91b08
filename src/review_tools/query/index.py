"""The same answers as :mod:`review_tools.query.match`, over a million records: a SQLite FTS5 index.

FTS5 ships with Python's sqlite3 and does what a hand-made index did slowly: word postings with
positions, phrases, prefixes and unordered proximity (``NEAR``, measured inside one column, in words
between the phrases -- the tree's own definition).  Texts go in as :func:`review_tools.records.fold`
would read them (the ``unicode61`` tokenizer folds case and diacritics; markup is removed and
compatibility characters are decomposed first, so ligatures agree), so FTS5's tokens are the
evaluator's words.  Whatever FTS5 cannot say exactly -- ordered or chained proximity, wildcards inside a word,
proximity sides with too many alternatives, subject headings -- it narrows down to candidates, and the
per-record evaluator decides on those only; limits are tested on arrays of the records' years,
languages and document types.

A large record set is indexed in shards by forked processes, one per core, each writing its own
database file (FTS5 builds single-threaded; its automatic merging is switched off while building, as
the build is one batch).
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
import re
import shutil
import sqlite3
import tempfile
import unicodedata
from collections.abc import Callable, Sequence

import numpy as np

from review_tools.query import limits as lim
from review_tools.query import match
from review_tools.query.strategy import parse
from review_tools.query.tree import And, Heading, Limit, Near, Node, Not, Or, Term, has_wildcard, term_words, terms
from review_tools.records import Record, normalise_language

COLUMNS = ("title", "abstract", "keywords", "author", "source")
FIELD_COLUMN = {"title": "title", "abstract": "abstract", "keywords": "keywords", "headings": "keywords",
                "author": "author", "source": "source"}
PARALLEL_FROM = 100_000
MAX_EXPANSION = 2_000
MAX_COMBINATIONS = 256
_TAGS = re.compile(r"<[^>]{1,40}>")


def _prepare(text: str) -> str:
    """Text as the evaluator reads it, as far as FTS5's tokenizer does not do that itself: markup
    removed, compatibility characters (ligatures, full-width letters, superscripts) decomposed.  Case,
    diacritics and punctuation are left to the ``unicode61`` tokenizer, which folds them the same way."""
    if not text:
        return ""
    if "<" in text:
        text = _TAGS.sub(" ", text)
    if not text.isascii() and not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    return text


def _rows(records: Sequence[Record], start: int, step: int):
    for i in range(start, len(records), step):
        r = records[i]
        yield (i, _prepare(r.title), _prepare(r.abstract), _prepare(" ; ".join(r.keywords)),
               _prepare(" ; ".join(r.authors)), _prepare(r.journal))


def _create(con: sqlite3.Connection) -> None:
    con.execute(f"CREATE VIRTUAL TABLE t USING fts5({', '.join(COLUMNS)}, content='', "
                "tokenize='unicode61 remove_diacritics 2')")
    con.execute("INSERT INTO t(t, rank) VALUES('automerge', 0)")
    con.execute("INSERT INTO t(t, rank) VALUES('crisismerge', 1000)")
    con.execute("CREATE VIRTUAL TABLE v USING fts5vocab(t, 'row')")


def _fill(con: sqlite3.Connection, records: Sequence[Record], start: int, step: int) -> None:
    con.execute("BEGIN")
    con.executemany(f"INSERT INTO t(rowid, {', '.join(COLUMNS)}) VALUES (?, ?, ?, ?, ?, ?)",
                    _rows(records, start, step))
    con.execute("COMMIT")


_SHARED: Sequence[Record] = ()


def _build_shard(path: str, start: int, step: int) -> None:
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("PRAGMA journal_mode=OFF")
    con.execute("PRAGMA synchronous=OFF")
    _create(con)
    _fill(con, _SHARED, start, step)
    con.close()


class QueryIndex:
    """An index of a record set; :meth:`run` gives the ids a query matches, as :func:`match.run` does."""

    def __init__(self, records: Sequence[Record], *, shards: int | None = None):
        self.records = list(records)
        self.n = len(self.records)
        self._dir: str | None = None
        self._cons = self._build(shards)
        self._arrays: dict[str, np.ndarray] = {}

    # --- building --------------------------------------------------------------------------------------

    def _build(self, shards: int | None) -> list[sqlite3.Connection]:
        # One process more than cores: a shard alternates between tokenising (CPU) and writing segments,
        # so a third process keeps two cores busy (1,000,000 records on 2 cores: 22-25 s with three
        # shards, 27-35 s with two).
        cores = os.cpu_count() or 1
        count = shards if shards is not None else (min(cores + 1, 4) if self.n >= PARALLEL_FROM else 1)
        if count <= 1 or "fork" not in multiprocessing.get_all_start_methods():
            con = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
            _create(con)
            _fill(con, self.records, 0, 1)
            return [con]
        global _SHARED
        self._dir = tempfile.mkdtemp(prefix="review-tools-index-")
        paths = [os.path.join(self._dir, f"shard{k}.sqlite") for k in range(count)]
        _SHARED = self.records
        try:
            ctx = multiprocessing.get_context("fork")
            procs = [ctx.Process(target=_build_shard, args=(path, k, count)) for k, path in enumerate(paths)]
            for p in procs:
                p.start()
            for p in procs:
                p.join()
            failed = [p.exitcode for p in procs if p.exitcode != 0]
            if failed:
                raise RuntimeError(f"building the search index failed in {len(failed)} process(es)")
        finally:
            _SHARED = ()
        return [sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False) for path in paths]

    def close(self) -> None:
        """Close the index and delete its files."""
        for con in self._cons:
            con.close()
        self._cons = []
        if self._dir:
            shutil.rmtree(self._dir, ignore_errors=True)
            self._dir = None

    def __del__(self) -> None:
        self.close()

    # --- queries ---------------------------------------------------------------------------------------

    def run(self, query: str | Node, syntax: str = "generic") -> list[str]:
        """Ids of the records the query matches (in record order)."""
        tree = parse(query, syntax) if isinstance(query, str) else query
        self._cache: dict[str, np.ndarray] = {}
        hit = self.evaluate(tree, None)
        return [self.records[i].id for i in np.flatnonzero(hit)]

    def _fts(self, expression: str) -> np.ndarray:
        if expression in self._cache:
            return self._cache[expression]
        out = np.zeros(self.n, dtype=bool)
        for con in self._cons:
            rows = np.fromiter((r[0] for r in con.execute("SELECT rowid FROM t WHERE t MATCH ?", (expression,))),
                               dtype=np.int64)
            out[rows] = True
        self._cache[expression] = out
        return out

    def _verify(self, node: Node, candidates: np.ndarray, within: np.ndarray | None) -> np.ndarray:
        """``candidates`` narrowed to the records that really match ``node`` (checked one by one, only
        where ``within`` allows; elsewhere the candidates stand as an upper bound)."""
        check = candidates if within is None else candidates & within
        out = candidates.copy()
        for i in np.flatnonzero(check):
            out[i] = match.evaluate(node, match.Document(self.records[i]))
        return out

    def evaluate(self, node: Node, within: np.ndarray | None) -> np.ndarray:
        """Records matching ``node``: exact where ``within`` is True (or everywhere when it is None)."""
        if isinstance(node, And):
            order = sorted(node.parts, key=lambda p: not self._exact(p))
            out = np.ones(self.n, dtype=bool) if within is None else within.copy()
            for part in order:
                out &= self.evaluate(part, out)
            return out
        if isinstance(node, Or):
            out = np.zeros(self.n, dtype=bool)
            for part in node.parts:
                out |= self.evaluate(part, within)
            return out
        if isinstance(node, Not):
            keep = self.evaluate(node.keep, within)
            return keep & ~self.evaluate(node.drop, keep)
        if isinstance(node, Limit):
            return self._limit(node)
        expression, exact = self._expression(node)
        candidates = self._fts(expression) if expression else np.zeros(self.n, dtype=bool)
        return candidates if exact else self._verify(node, candidates, within)

    def _exact(self, node: Node) -> bool:
        if isinstance(node, And | Or):
            return all(self._exact(p) for p in node.parts)
        if isinstance(node, Not):
            return self._exact(node.keep) and self._exact(node.drop)
        if isinstance(node, Limit):
            return True
        return self._expression(node)[1]

    # --- FTS5 expressions ------------------------------------------------------------------------------

    def _columns(self, fields: Sequence[str]) -> str:
        cols = sorted({FIELD_COLUMN[f] for f in fields if f in FIELD_COLUMN}, key=COLUMNS.index)
        return "{" + " ".join(cols) + "}" if cols else ""

    def _expression(self, node: Node) -> tuple[str, bool]:
        """An FTS5 expression for a term, heading or proximity, and whether it is exact ('' if nothing)."""
        if isinstance(node, Term):
            cols = self._columns(node.fields or ())
            if not cols:
                return "", True
            phrases, exact = self._phrases(node)
            if not phrases:
                return "", True
            return f"{cols} : ({' OR '.join(phrases)})", exact
        if isinstance(node, Heading):
            words = term_words(node.text)
            if not words:
                return "{keywords} : " + " OR ".join(f'"{w}"' for w in term_words(node.subheading)), False
            return "{keywords} : " + " AND ".join(f'"{w}"' if not has_wildcard(w) else
                                                  f'"{re.split(r"[*?#]", w)[0]}"*' for w in words), False
        if isinstance(node, Near):
            return self._near(node)
        raise TypeError(node)

    def _phrases(self, term: Term) -> tuple[list[str], bool]:
        """FTS5 phrases whose union is exactly the term (or a superset, then False)."""
        alternatives: list[list[str]] = []
        exact = True
        for word in term_words(term.text):
            if term.variants and not has_wildcard(word):
                alternatives.append([f'"{w}"' for w in sorted(match.variant_forms(word))])
            elif not has_wildcard(word):
                alternatives.append([f'"{word}"'])
            elif re.fullmatch(r"[^*?#{}]+\*", word):
                alternatives.append([f'"{word[:-1]}" *'])
            else:
                tokens = self._expand(word)
                if tokens is None:
                    prefix = re.split(r"[*?#]", word)[0]
                    alternatives.append([f'"{prefix}" *'] if prefix else [])
                    exact = False
                else:
                    alternatives.append([f'"{t}"' for t in tokens])
        if any(not a for a in alternatives):
            return ([], True) if exact else ([], False)
        combos = 1
        for a in alternatives:
            combos *= len(a)
        if len(alternatives) == 1:
            return alternatives[0], exact
        if combos <= MAX_COMBINATIONS:
            return [" + ".join(c) for c in itertools.product(*alternatives)], exact
        return ["(" + " AND ".join("(" + " OR ".join(a) + ")" for a in alternatives) + ")"], False

    def _expand(self, word: str) -> list[str] | None:
        """The index's tokens a wildcard word matches, or None when there are too many to list."""
        pattern = re.compile(match.word_pattern(word, False) + r"\Z")
        prefix = re.split(r"[*?#]", word)[0]
        found: set[str] = set()
        for con in self._cons:
            if prefix:
                rows = con.execute("SELECT term FROM v WHERE term >= ? AND term < ?", (prefix, prefix + "\uffff"))
            else:
                rows = con.execute("SELECT term FROM v")
            found.update(t for (t,) in rows if pattern.match(t))
            if len(found) > MAX_EXPANSION:
                return None
        return sorted(found)

    def _near(self, node: Near) -> tuple[str, bool]:
        fields = match.shared_fields(node)
        cols = self._columns(fields)
        if not cols:
            return "", True
        sides = [self._side(node.left), self._side(node.right)]
        if any(s is None for s in sides):  # a chain: all its sides inside one window, or at least co-occurring
            window = self._chain_window(node)
            if window:
                return f"{cols} : ({window})", False
            together = self._cooccur(node)
            return (f"{cols} : {together}" if together else ""), False
        left, right = sides
        assert left is not None and right is not None
        if not left[0] or not right[0]:
            return "", True
        if len(left[0]) * len(right[0]) > MAX_COMBINATIONS:
            return (f"{cols} : (({' OR '.join(left[0])}) AND ({' OR '.join(right[0])}))"), False
        groups = [f"NEAR({a} {b}, {node.distance})" for a in left[0] for b in right[0]]
        exact = left[1] and right[1] and not node.ordered and not _may_overlap(node.left, node.right)
        return f"{cols} : ({' OR '.join(groups)})", exact

    def _chain_window(self, node: Near) -> str:
        """For a chain of proximity operators whose sides are terms or OR-groups: FTS5 NEAR groups with
        every side inside one window as wide as the chain can be (a superset); '' if it cannot say."""
        sides: list[list[str]] = []
        width = 0
        stack: list[Node] = [node]
        while stack:
            n = stack.pop()
            if isinstance(n, Near):
                width += n.distance
                stack += [n.right, n.left]
                continue
            side = self._side(n)
            if side is None or not side[0]:
                return ""
            sides.append(side[0])
            width += max(len(p.split("+")) for p in side[0])
        combos = 1
        for side in sides:
            combos *= len(side)
        if combos > MAX_COMBINATIONS:
            return ""
        return " OR ".join(f"NEAR({' '.join(c)}, {width})" for c in itertools.product(*sides))

    def _cooccur(self, node: Node) -> str:
        """An FTS5 expression true wherever every side of a proximity chain occurs (a superset)."""
        if isinstance(node, Term):
            phrases = self._phrases(node)[0]
            return "(" + " OR ".join(phrases) + ")" if phrases else ""
        parts = [self._cooccur(p) for p in ((node.left, node.right) if isinstance(node, Near) else node.parts)]
        if isinstance(node, Near):
            return "" if not all(parts) else "(" + " AND ".join(parts) + ")"
        parts = [p for p in parts if p]
        return "(" + " OR ".join(parts) + ")" if parts else ""

    def _side(self, node: Node) -> tuple[list[str], bool] | None:
        """The phrases of one side of a proximity operator (a term or an OR of terms), or None."""
        if isinstance(node, Term):
            phrases, exact = self._phrases(node)
            return (phrases, exact) if all(not p.startswith("(") for p in phrases) else None
        if isinstance(node, Or):
            out: list[str] = []
            exact = True
            for part in node.parts:
                side = self._side(part)
                if side is None:
                    return None
                out += side[0]
                exact &= side[1]
            return out, exact
        return None

    # --- limits ----------------------------------------------------------------------------------------

    def _array(self, name: str, value: Callable[[Record], object]) -> np.ndarray:
        if name not in self._arrays:
            self._arrays[name] = np.array([value(r) for r in self.records],
                                          dtype=np.int32 if name == "year" else object)
        return self._arrays[name]

    def _limit(self, limit: Limit) -> np.ndarray:
        if limit.kind == "year":
            years = self._array("year", lambda r: r.year or 0)
            ok = np.ones(self.n, dtype=bool)
            if limit.low is not None:
                ok &= years >= limit.low
            if limit.high is not None:
                ok &= years <= limit.high
            unknown = years == 0
        elif limit.kind == "language":
            langs = self._array("language", lambda r: normalise_language(r.language))
            ok = np.isin(langs, [normalise_language(v) for v in limit.values])
            unknown = langs == ""
        elif limit.kind == "doctype":
            kinds = self._array("doctype", lambda r: lim.doctype_family(r.document_type))
            ok = np.isin(kinds, [lim.doctype_family(v) or v.lower() for v in limit.values])
            unknown = kinds == ""
        else:
            return np.ones(self.n, dtype=bool)
        return unknown | (~ok if limit.exclude else ok)


def _may_overlap(left: Node, right: Node) -> bool:
    """Whether one word could match both sides of a proximity operator (FTS5's NEAR would then count it
    twice, where the evaluator needs two words)."""
    def stems(node: Node) -> set[tuple[str, bool]]:
        out = set()
        for t in terms(node):
            for w in term_words(t.text):
                forms = match.variant_forms(w) if t.variants and not has_wildcard(w) else {w}
                out |= {(re.split(r"[*?#]", f)[0], has_wildcard(f)) for f in forms}
        return out

    for a, wild_a in stems(left):
        for b, wild_b in stems(right):
            if a == b or (wild_a and b.startswith(a)) or (wild_b and a.startswith(b)):
                return True
    return False
