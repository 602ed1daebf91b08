"""A search string, or a line-numbered strategy, read in one database's syntax.

Published strategies are often printed line by line, each line numbered (``1.``, ``#1``, ``S1``) and
later lines combining earlier ones (``#1 AND #2``, ``or/1-3``, ``S1 AND S2``, ``limit 5 to english
language``).  Such a strategy is read line by line with the same grammar; a reference is replaced by
the tree of the line it names, and the strategy means its last line.  Hit counts printed after a line
in parentheses or after a tab are left out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from review_tools.query.errors import QuerySyntaxError
from review_tools.query.parser import MAX_DEPTH, Parser
from review_tools.query.syntaxes import grammar
from review_tools.query.tree import Heading, Node, depth, map_leaves, with_variants

_NUMBERED = re.compile(r"^(\s*)(#|[Ss]|L)?(\d+)(?:[.):]\s*|\s+)(?=\S)")
_HITS = re.compile(r"(?:\t+\s*\d[\d,]*|\s+\(\d[\d,]*\)|\s{2,}\d{1,3}(?:,\d{3})+|\s{3,}\d+)\s*$")
_SEARCH_WORD = re.compile(r"(?i)^search(?::\s*|\s+)(?=\S)")


@dataclass(frozen=True)
class Parsed:
    """A parsed search: the tree, the syntax it was read in, and notes on readings the syntax leaves open."""

    tree: Node
    syntax: str
    notes: list[str] = field(default_factory=list)
    lines: int = 1


def analyse(text: str, syntax: str = "generic", *, variants: bool | None = None,
            vocabulary: str | None = None, default_fields: tuple[str, ...] | None = None) -> Parsed:
    """``text`` read in ``syntax``, with notes; raises :class:`QuerySyntaxError` at the first problem.
    ``variants`` switches the database's plural and spelling matching on or off (default: as the
    database does it); ``vocabulary`` names the thesaurus of its subject headings (emtree for Embase
    on Ovid, for example); ``default_fields`` what an untagged term searches, where it should not be
    the syntax's own default (Polyglot's neutral syntax means the target database's default)."""
    g = grammar(syntax)
    numbered = _numbered_lines(text, pubmed=syntax == "pubmed")
    notes: list[str] = []
    if numbered:
        refs: dict[str, Node] = {}
        tree: Node | None = None
        for number, start, body in numbered:
            parser = Parser(body, g, refs, base=start, full_text=text, default_fields=default_fields)
            tree = parser.parse()
            notes += [n for n in parser.notes if n not in notes]
            for key in (number, f"#{number}", f"S{number}", f"L{number}"):
                refs[key] = tree
        assert tree is not None
        if depth(tree) > MAX_DEPTH:
            raise QuerySyntaxError(f"the strategy nests operators more than {MAX_DEPTH} deep", text,
                                   numbered[-1][1], syntax=g.label)
        count = len(numbered)
    else:
        parser = Parser(text, g, default_fields=default_fields)
        tree = parser.parse()
        notes = parser.notes
        count = 1
    if variants is False:
        tree = with_variants(tree, False)
    if vocabulary:
        tree = _vocabulary(tree, vocabulary)
    return Parsed(tree, syntax, notes, count)


def parse(text: str, syntax: str = "generic", **options) -> Node:
    """The tree of a search string (or line-numbered strategy) in ``syntax``; see :func:`analyse`."""
    return analyse(text, syntax, **options).tree


def _numbered_lines(text: str, pubmed: bool = False) -> list[tuple[str, int, str]]:
    """The lines of a numbered strategy as (number, offset of the body in ``text``, body), a wrapped
    line joined to the line it continues; [] when ``text`` is not a numbered strategy (fewer than two
    numbered lines, or text before the first).  The body keeps its length, so offsets stay true: hit
    counts and, in PubMed's history, a leading 'Search' are blanked, not cut."""
    lines = text.splitlines(keepends=True)
    out: list[list] = []
    offset = 0
    for line in lines:
        m = _NUMBERED.match(line)
        if m:
            body = line[m.end():].rstrip("\r\n")
            body = _blank(body, _HITS)
            body = _blank(body, _SEARCH_WORD) if pubmed else body
            out.append([m.group(3), offset + m.end(), body])
        elif line.strip():
            if not out:
                return []
            gap = offset - (out[-1][1] + len(out[-1][2]))
            out[-1][2] += " " * gap + _blank(line.rstrip("\r\n"), _HITS)
        offset += len(line)
    return [tuple(entry) for entry in out] if len(out) >= 2 else []


def _blank(text: str, pattern: re.Pattern[str]) -> str:
    m = pattern.search(text)
    return text if m is None else text[:m.start()] + " " * (m.end() - m.start()) + text[m.end():]


def _vocabulary(node: Node, vocabulary: str) -> Node:
    return map_leaves(node, lambda n: replace(n, vocabulary=vocabulary)
                      if isinstance(n, Heading) and n.vocabulary in ("mesh", "cinahl") else n)


__all__ = ["Parsed", "QuerySyntaxError", "analyse", "parse"]
