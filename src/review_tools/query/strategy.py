"""A search string, or a line-numbered strategy, read in one database's syntax.

Published strategies are often printed line by line, each line numbered (``1.``, ``#1``, ``S1``) and
later lines combining earlier ones (``#1 AND #2``, ``or/1-3``, ``S1 AND S2``, ``limit 5 to english
language``).  Such a strategy is read line by line with the same grammar; a reference is replaced by
the tree of the line it names, and the strategy means its last line.  Hit counts printed after a line
in parentheses or after a tab are left out, and so is the frame a database prints around a strategy
(Ovid's 'Database:' and 'Search Strategy:' lines and its key of field codes, the Cochrane Library's
'Search Name:' and 'ID Search Hits', PubMed's history header; its newest-first order is reversed; the CSV
its Download button writes is read by its Search number and Query columns).

A strategy copied from a database's search history, or from an appendix whose numbers sat in a column of
their own, often arrives without its numbers: one search a line, later lines such as ``or/1-3`` or
``4 AND 8``.  Lines without numbers are read that way (the first non-empty line is 1) when some line
consists of references to earlier lines only; otherwise text over several lines is one search string.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field, replace

from review_tools.query.errors import QuerySyntaxError
from review_tools.query.parser import MAX_DEPTH, Grammar, Parser
from review_tools.query.syntaxes import ebsco, grammar
from review_tools.query.tree import (
    And,
    Heading,
    Limit,
    Node,
    Term,
    combine,
    depth,
    joined,
    map_leaves,
    walk,
    with_variants,
)
from review_tools.records import normalise_language

_NUMBERED = re.compile(r"^(\s*)(#|[Ss]|L)?(\d+)(?:[.):]\s*|\s+)(?=\S)")
_HITS = re.compile(r"(?:(?:\t+\s*\d[\d,]*)+(?:\t+\s*\d{1,2}:\d{2}(?::\d{2})?)?|\s+\(\d[\d,]*\)|\s{2,}\d{1,3}(?:,\d{3})+"
                   r"|\s{3,}\d+)\s*$")  # hit counts after a line (and the time PubMed's history adds)
_SEARCH_WORD = re.compile(r"(?i)^\s*search(?::\s*|\s+)(?=\S)")
_SEARCH_LABEL = re.compile(r"(?i)^\s*search:\s*(?=\S)")  # PubMed's results page: 'Search: x Filters: ...'
# Web of Science's classic results page around the search: 'Results: 38,040', '(from Web of Science Core
# Collection)', 'You searched for: TOPIC: (...)'.
_WOS_FRAME = re.compile(r"(?im)^[ \t]*(?:results:[ \t]*[\d,]+[ \t]*$|\(from web of science[^)\n]*\)[ \t]*$"
                        r"|you searched for:[ \t]*)")
# A results page's count after a search ('259 document results', '1,234 results', '57 records') and its sort line.
_RESULT_COUNT = re.compile(r"(?im)(?:^|(?<=\s))\d[\d,]*[ \t]+(?:document[ \t]+)?(?:results?|documents?(?:[ \t]+"
                           r"(?:found|retrieved))?|records?|hits)[ \t]*$|^[ \t]*sort(?:ed)? by:.*$")
_FIGURE = re.compile(r"\d[\d,]*|\d{1,2}:\d{2}(?::\d{2})?")  # a hit count or a time in a history table
_REFERENCE = r"(?:#|[Ss]|L)?\d+"
_COMBINATION = re.compile(  # a line that only combines earlier lines: or/1-3, 4 AND 8, limit 5 to ...
    rf"(?i)\s*(?:(?:or|and)/\s*\d+(?:\s*[-,]\s*\d+)*"
    rf"|[(\s]*{_REFERENCE}[)\s]*(?:\b(?:and|or|not)\b[(\s]*{_REFERENCE}[)\s]*)+"
    rf"|limit\s+{_REFERENCE}\s+to\b.*|remove\s+duplicates\s+from\s+{_REFERENCE})\s*(?:\[[^\]]*\])?\s*")
_NUMBER = re.compile(r"\d+")
_LIMIT_LINE = re.compile(r"(?is)\s*(?:limits?|filters?)\s*:\s*(.+?)\s*")  # an author's 'Limit: ...' line
_TRAILING_NUMBER = re.compile(r"(?<=\S) (?:\d{1,3}(?:,\d{3})+|\d+)\s*$")
# What ends a search, so that a number after it is a hit count: a tag or heading (Ovid's ``.ti.`` and ``X/``,
# PubMed's ``[tiab]``, a group, Embase's ``/exp`` and ``:ti,ab,kw``), a line reference; and the Cochrane
# Library's ``explode all trees`` / ``this term only``.
_BEFORE_HITS = re.compile(r"(?i)(?:[/.)\]]|^#?[SL]?\d+|^(?:or|and)/[\d,-]+|/(?:exp|de|mj|lim|py|it|la|sd|dtype|"
                          r"d[dm]_[a-z]{2})|:[a-z]{2,3}(?:,[a-z]{2,3})*)$")
_DESCRIPTOR_END = re.compile(r"(?i)(?:explode all trees|this term only)\s*$")
_RULED = re.compile(r"\s*[-=*_~]{3,}[\s\-=*_~]*")  # a line of dashes or stars framing a printed strategy
# What the Cochrane Library prints after a line run with word variations on (its default here is off).
_VARIATIONS = re.compile(r"(?i)\(\s*word variations have been searched\s*\)")
# The search options EBSCOhost's history prints beside a search, in a cell of their own or on its line.
_DEFAULT_MODE = re.compile(r"(?i)search modes\s+-\s+boolean/phrase")
_OPTIONS = re.compile(r"(?i)(?:^|\s)(?=(?:limiters|expanders|search modes|narrow by [\w ]+?:?)\s+-\s)")


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
    text = _run_together_split(_markdown_table_read(text))
    history = _history_download(text)
    if history is not None:
        lines, filters = history
        parsed = analyse(lines, syntax, variants=variants, vocabulary=vocabulary, default_fields=default_fields)
        notes = ["read from a search history download: its Search number and Query columns"]
        notes += [f"not applied: the filters of search #{n}, '{f}', set beside the search; set them with the "
                  "database's filters" for n, f in filters]
        return replace(parsed, notes=[*notes, *parsed.notes])
    g = grammar(syntax)
    numbered, left_out, options = _numbered_lines(text, pubmed=syntax == "pubmed")
    notes: list[str] = []
    if left_out:
        notes.append(f"{len(left_out)} line(s) around the numbered lines left out, not searched: "
                     + "; ".join(repr(line[:60]) for line in left_out[:3]) + ("; ..." if len(left_out) > 3 else ""))
    notes += [f"not applied, as the search history printed it: {line!r}; set it with the database's filters"
              for line in left_out if _OPTIONS.match(line)]
    if numbered:
        refs: dict[str, Node] = {}
        tree: Node | None = None
        for number, start, body in numbered:
            written = _LIMIT_LINE.fullmatch(body)
            if written and tree is not None:  # 'Limit: publication year from 2005 to 2025' after a search
                tree = combine(And, tree, _written_limits(body, written.group(1), g))
                notes.append(f"line {number}: {body.strip()!r} read as a limit on the line before it")
            else:
                body, varied = _variations_cut(body)
                parser = Parser(body, g, refs, base=start, full_text=text, default_fields=default_fields)
                tree = _varied(parser.parse(), varied, notes, f"line {number}: ")
                notes += [n for n in parser.notes if n not in notes]
            if number in options:
                tree = _with_options(tree, number, options[number], notes)
            for key in (number, f"#{number}", f"S{number}", f"L{number}"):
                refs[key] = tree
        assert tree is not None
        if depth(tree) > MAX_DEPTH:
            raise QuerySyntaxError(f"the strategy nests operators more than {MAX_DEPTH} deep", text,
                                   numbered[-1][1], syntax=g.label)
        count = len(numbered)
    else:
        body = _blank(text, _SEARCH_LABEL) if syntax == "pubmed" else text
        framed, cut = body, []
        for frame in (_WOS_FRAME, _RESULT_COUNT) if syntax == "wos" else (_RESULT_COUNT,):
            cut += [m.group().strip() for m in frame.finditer(framed)]
            framed = _blanked_all(framed, frame)
        notes = [f"left out, as what the results page printed around the search: {'; '.join(map(repr, cut))}"
                 ] if cut else []
        framed, printed = _options_cut(framed) if syntax == "ebsco" else (framed, [])
        body, varied = _variations_cut(framed)
        parser = Parser(body, g, default_fields=default_fields)
        tree = parser.parse()
        notes += parser.notes
        if printed:
            tree = _with_options(tree, "1", printed, notes)
        tree = _varied(tree, varied, notes, "")
        count = 1
    if variants is False:
        tree = with_variants(tree, False)
    if vocabulary:
        tree = _vocabulary(tree, vocabulary)
    return Parsed(tree, syntax, notes, count)


def parse(text: str, syntax: str = "generic", **options) -> Node:
    """The tree of a search string (or line-numbered strategy) in ``syntax``; see :func:`analyse`."""
    return analyse(text, syntax, **options).tree


def _numbered_lines(text: str, pubmed: bool = False) \
        -> tuple[list[tuple[str, int, str]], list[str], dict[str, list[str]]]:
    """The lines of a numbered strategy as (number, offset of the body in ``text``, body), a wrapped
    line joined to the line it continues, the lines left out around them, and the search options
    EBSCOhost printed beside a line ('Limiters - English Language'), by line number; ([], [], {}) when
    ``text`` is not a numbered strategy (fewer than two numbered lines, or text before the first and
    numbers that do not run 1, 2, 3 ...; PubMed's history, newest first, is put in that order).  Ovid
    prints a strategy framed: 'Database: ...', 'Search Strategy:' and a ruled line above, a ruled line and
    a key of field codes below; the frame is left out.  The body keeps its length, so offsets stay true: hit counts and,
    in PubMed's history, a leading 'Search' are blanked, not cut."""
    out: list[list] = []
    left_out: list[str] = []
    options: dict[str, list[str]] = {}
    offset = 0
    ended = tabular = False
    for line in text.splitlines(keepends=True):
        m = None if ended else _NUMBERED.match(line)
        if m:
            body = line[m.end():].rstrip("\r\n")
            tabular = "\t" in body.strip()
            if tabular:
                body, cells = _first_cell(body)
                options[m.group(3)] = [o for c in cells if _OPTIONS.match(c) for o in _options_cut(c)[1]]
                left_out += [c for c in cells if not _OPTIONS.match(c)]
            else:
                body, printed = _options_cut(body)
                options[m.group(3)] = printed
            body = _hits_blanked(body)
            out.append([m.group(3), offset + m.end(), body])
        elif not line.strip():
            pass
        elif _RULED.fullmatch(line):
            ended = ended or bool(out)
        elif not out or ended or tabular:  # a table row goes on with its other cells (EBSCO's limiters ...)
            left_out.append(line.strip())
        else:
            gap = offset - (out[-1][1] + len(out[-1][2]))
            out[-1][2] += " " * gap + _hits_blanked(line.rstrip("\r\n"))
        offset += len(line)
    every = pubmed and all(_SEARCH_WORD.match(entry[2]) for entry in out)
    for entry in out:  # PubMed's older history printed 'Search' before a search; 'search engine[tiab]' is one
        m = _SEARCH_WORD.match(entry[2]) if pubmed else None
        if m and (every or m.group().lstrip().startswith("Search")):
            entry[2] = _blank(entry[2], _SEARCH_WORD)
    numbers = [entry[0] for entry in out]
    if numbers == [str(n) for n in range(len(out), 0, -1)]:
        out.reverse()  # PubMed's search history lists the newest search first
    runs_on = [entry[0] for entry in out] == [str(n) for n in range(1, len(out) + 1)]
    if len(out) >= 2 and (runs_on or not left_out):
        return [tuple(entry) for entry in out], left_out, {n: found for n, found in options.items() if found}
    return _unnumbered_lines(text), [], {}


def _variations_cut(body: str) -> tuple[str, bool]:
    """A line with the Cochrane Library's '(Word variations have been searched)' blanked, and whether it
    was there: the line was run with word variations on, which the syntax's default leaves off."""
    m = _VARIATIONS.search(body)
    return (body, False) if m is None else (_blank(body, _VARIATIONS), True)


def _varied(tree: Node, varied: bool, notes: list[str], where: str) -> Node:
    """``tree`` with plurals and spelling variants searched where the Cochrane Library printed that it did."""
    if not varied:
        return tree
    notes.append(f"{where}plurals and spelling variants searched, as the Cochrane Library printed it ('Word "
                 "variations have been searched')")
    return with_variants(tree, True)


def _options_cut(body: str) -> tuple[str, list[str]]:
    """A history line with the search options printed after its search blanked, and those options, one
    a kind ('S6 S5 Limiters - English Language Search modes - Boolean/Phrase')."""
    starts = [m.end() for m in _OPTIONS.finditer(body)]
    if not starts:
        return body, []
    printed = [body[a:b].strip() for a, b in zip(starts, [*starts[1:], len(body)], strict=True)]
    return body[:starts[0]] + " " * (len(body) - starts[0]), printed


def _with_options(tree: Node, number: str, printed: list[str], notes: list[str]) -> Node:
    """``tree`` with the limiters EBSCOhost printed beside line ``number`` applied as limits; a note names
    what was applied and what was not (expanders, a search mode other than the Boolean/Phrase one the
    syntax reads, limiters of no field records carry)."""
    found, unread = ebsco.limiters([p for p in printed if p.lower().startswith(("limiters", "narrow by"))])
    if found:
        notes.append(f"line {number}: limits applied as the search history printed them: "
                     + "; ".join(limit.text for limit in found))
    others = [p for p in printed if not p.lower().startswith(("limiters", "narrow by"))
              and _DEFAULT_MODE.fullmatch(p) is None]
    notes += [f"line {number}: not applied, as the search history printed it: {p!r}; set it with the database's "
              "filters" for p in [*unread, *others]]
    return joined(And, [tree, *found])


def _history_download(text: str) -> tuple[str, list[tuple[str, str]]] | None:
    """PubMed's search history as its Download button writes it (a CSV: Search number, Query, Filters,
    Search Details, Results, Time) rewritten as '#N query' lines, with each search's filters; None for any
    other text."""
    header = text.lstrip("\ufeff").split("\n", 1)[0].lower()
    if "search number" not in header or "query" not in header or "," not in header:
        return None
    rows = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    fields = {name.strip().lower(): name for name in rows.fieldnames or []}
    number, query, filters = fields.get("search number"), fields.get("query"), fields.get("filters")
    if number is None or query is None:
        return None
    found = [(row[number].strip().lstrip("#"), " ".join((row[query] or "").split()),
              (row.get(filters) or "").strip() if filters else "") for row in rows if (row.get(number) or "").strip()]
    if not found:
        return None
    return "\n".join(f"#{n} {q}" for n, q, _ in found), [(n, f) for n, _, f in found if f]


def _first_cell(body: str) -> tuple[str, list[str]]:
    """A search history's table row after its number (the search, then hits, times, limiters, interface),
    with every cell but the first non-empty one blanked, and those other cells that are not numbers or
    times.  The search history tables of PubMed, EBSCOhost and the Cochrane Library separate cells by tabs."""
    cells = body.split("\t")
    first = next(i for i, cell in enumerate(cells) if cell.strip())
    kept = "\t".join(cell if i == first else " " * len(cell) for i, cell in enumerate(cells))
    others = [c.strip() for i, c in enumerate(cells) if i != first and c.strip()]
    return kept, [c for c in others if not _FIGURE.fullmatch(c)]


def _unnumbered_lines(text: str) -> list[tuple[str, int, str]]:
    """A strategy printed one search a line without its numbers, as :func:`_numbered_lines` gives it;
    [] unless some later line only combines earlier ones (every number it names is above it), which a
    search string wrapped over several lines never does.  A combining line that names a line not above
    it (``or/11-77`` on line 18) is left for the parser to report."""
    out: list[tuple[str, int, str]] = []
    combines = False
    offset = 0
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        if body.strip():
            position = len(out) + 1
            if _COMBINATION.fullmatch(body):
                numbers = [int(n) for n in _NUMBER.findall(body.split("[", 1)[0].split(" to ", 1)[0])]
                combines = combines or (bool(numbers) and max(numbers) < position)
            out.append((str(position), offset, _hits_blanked(body)))
        offset += len(line)
    return out if combines and len(out) >= 2 else []


def _hits_blanked(body: str) -> str:
    """A line with its hit count blanked: one after a tab, in parentheses or after wide spaces
    (:data:`_HITS`), or a number after one space where it cannot be a search: after a tag, a heading, a
    group or a line reference (``exp Aged/ 3222222``, ``elderly.ti,ab. 45``, ``or/1-3 3300000``,
    ``'heart failure'/exp 234,567``, ``MeSH descriptor: [Aged] explode all trees 1234``, as a strategy copied
    from a PDF table has it), a number grouped by commas after anything (``S1 TI segmentation 1,234``:
    no search term is written so) and a count in words (``#1 TITLE-ABS-KEY(crm) 1,234 document results``).
    Otherwise after a plain word it stays: ``cancer antigen 125`` is a phrase."""
    body = _blanked_all(_blank(body, _HITS), _RESULT_COUNT)
    m = _TRAILING_NUMBER.search(body)
    if m and ("," in m.group() or _BEFORE_HITS.search(body[:m.start()].split()[-1])
              or _DESCRIPTOR_END.search(body[:m.start()])):
        return body[:m.start()] + " " * (m.end() - m.start())
    return body


_TABLE_ROW = re.compile(r"[ \t]*\|.*\|[ \t]*")  # a Markdown table's row, and the rule under its header
_TABLE_RULE = re.compile(r"[ \t|:-]*-[ \t|:-]*")
_RUN_MARK = re.compile(r"(?:^|(?<=\s))(?:(#|S)(\d{1,3})\s*[.:]?|(\d{1,3})[.)])\s+(?=\S)")  # '1.', '#1', 'S1'
_AFTER_OPERATOR = re.compile(r"(?i)(?:\b(?:and|or|not)|\()\s*$")  # '#1 OR #2': a reference, not a line


def _run_together_split(text: str) -> str:
    """A numbered strategy whose line breaks were lost (text taken from a PDF: '1. search$.tw. 2. exp
    "information storage and retrieval"/ 3. 1 or 2', '#1 crm[tiab] #2 pharma[tiab] #3 #1 AND #2') with each
    number from 1 on put back at the start of a line: the space before it becomes a line break, so offsets
    stay where they were.  Only where three or more numbers of one form ('1.', '#1', 'S1') run 1, 2, 3 ... in
    order and most of them stand inside a line; any other text is returned as it is."""
    chain, expect, style = [], 1, None
    for m in _RUN_MARK.finditer(text):
        number, kind = (m.group(2), m.group(1)) if m.group(2) else (m.group(3), ".")
        reference = _AFTER_OPERATOR.search(text[max(0, m.start() - 8):m.start()])
        if int(number) == expect and style in (None, kind) and not reference:
            chain.append(m.start())
            expect, style = expect + 1, kind
    inside = [pos for pos in chain if pos > 0 and text[pos - 1] != "\n"]
    if len(chain) < 3 or len(inside) * 2 < len(chain) or text.count("\n") + 1 > len(chain) / 2:
        return text
    chars = list(text)
    for pos in inside:
        chars[pos - 1] = "\n"
    return "".join(chars)


def _markdown_table_read(text: str) -> str:
    """A search history pasted as a Markdown table ('| #1 | MeSH descriptor: [Aged] ... | 1065 |'), as the
    tab-separated table the Cochrane Library and EBSCOhost print: each '|' a tab, the rule under the header
    blanked, Markdown's backslash before '#' or '*' blanked.  Character for character, so that an error
    still points at the place in the text as pasted; any other text is returned as it is."""
    lines = text.split("\n")
    if sum(1 for line in lines if _TABLE_ROW.fullmatch(line)) < 2:
        return text
    out = []
    for line in lines:
        if _TABLE_RULE.fullmatch(line) and "|" in line:
            line = " " * len(line)
        elif _TABLE_ROW.fullmatch(line):
            line = re.sub(r"\\(?=[#*_\[\]])", " ", line.replace("|", "\t"))
        out.append(line)
    return "\n".join(out)


def _written_limits(line: str, text: str, g: Grammar) -> Node:
    """The limits an author wrote on a line of their own: as the syntax reads the line where it reads
    nothing but limits (PubMed's 'Filters: English, Humans'), else item by item ('English; publication year
    from 2005 to 2025'): years, languages, and the rest kept as written, limits records carry no field for."""
    try:
        read = Parser(line, g).parse()
    except QuerySyntaxError:
        read = None
    if read is not None and not any(isinstance(n, Term | Heading) for n in walk(read)):
        return read
    items = [item.strip() for item in re.split(r"[;,]", text) if item.strip()]
    return joined(And, [_written_limit(item) for item in items])


def _written_limit(text: str) -> Limit:
    years = [int(y) for y in re.findall(r"(?<!\d)(1[89]\d\d|20\d\d)(?!\d)", text)]
    if len(years) > 1:
        return Limit("year", (text,), min(years), max(years), text=text)
    if years:
        before = text.lower().split(str(years[0]))[0]
        low, high = ((years[0], None) if re.search(r"\b(?:from|since|after)\s*$", before) else
                     (None, years[0]) if re.search(r"\b(?:to|until|till|before|up to)\s*$", before) else
                     (years[0], years[0]))
        return Limit("year", (text,), low, high, text=text)
    code = normalise_language(text)
    if len(code) == 2 and code.isalpha():
        return Limit("language", (text,), text=text)
    return Limit("other", (text,), text=text)


def _blanked_all(text: str, pattern: re.Pattern[str]) -> str:
    """``text`` with every match of ``pattern`` blanked (offsets kept for error messages)."""
    return pattern.sub(lambda m: " " * len(m.group()), text)


def _blank(text: str, pattern: re.Pattern[str]) -> str:
    m = pattern.search(text)
    return text if m is None else text[:m.start()] + " " * (m.end() - m.start()) + text[m.end():]


def _vocabulary(node: Node, vocabulary: str) -> Node:
    return map_leaves(node, lambda n: replace(n, vocabulary=vocabulary)
                      if isinstance(n, Heading) and n.vocabulary in ("mesh", "cinahl") else n)


__all__ = ["Parsed", "QuerySyntaxError", "analyse", "parse"]
