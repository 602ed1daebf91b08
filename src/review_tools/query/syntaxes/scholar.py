"""Google Scholar, as its search box reads a string.

From Google Scholar's help (https://scholar.google.com/intl/en/scholar/help.html) and Google's search
operators (https://support.google.com/websearch/answer/2466433): words next to each other must all occur
(AND, written or not); ``OR`` in capitals (or ``|``) joins the words beside it and binds tighter than
AND, so ``a b OR c`` is ``a AND (b OR c)``; ``-word``, ``-"a phrase"`` leave out records with it;
``"a phrase"``; ``intitle:``, ``author:`` and ``source:`` before a word or phrase; ``allintitle:`` puts
every word of the search in the title; ``site:``, ``filetype:`` and ``inurl:`` say where Google found the
record (kept as limits).  There is no NOT, no truncation or wildcard, no proximity and no field for
abstracts or subject headings: an untagged word is searched anywhere in the record and, where Google has
it, the full text.  Lower-case ``or``/``and`` and ``NOT`` are words, not operators (read here as what
Google ran: the words around them all required, with a note), and Google reads at most 256 characters of a
search (Boeker et al. 2013, BMC Med Res Methodol 13:131).  Parentheses are read as written.  Published
Scholar searches are written in this form, often with the habits of other databases (``AND``, ``NOT``,
``segment*``); each such habit is read as Google read it and noted.
"""

from __future__ import annotations

import re
from types import MappingProxyType

from review_tools.query import limits as lim
from review_tools.query.lexer import Token
from review_tools.query.parser import Grammar, Op, Parser, excluded, exclusions_joined
from review_tools.query.tree import EVERYTHING, Heading, Limit, Node, with_fields
from review_tools.query.writing import Tag, Writer

MAX_LENGTH = 256
FIELD_PREFIXES: dict[str, tuple[str, ...]] = {
    "intitle:": ("title",), "author:": ("author",), "source:": ("source",), "intext:": EVERYTHING,
}
WHOLE_SEARCH_PREFIXES: dict[str, tuple[str, ...]] = {"allintitle:": ("title",), "allintext:": EVERYTHING}
_PREFIX = re.compile(r"(?i)(allintitle|allintext|intitle|intext|author|source|site|filetype|inurl|allinurl):")
WEB_LIMITS = ("site:", "filetype:", "inurl:", "allinurl:")  # where Google found the record: kept as limits
_OPERATORS = ("AND", "OR", "|")
# A year range in parentheses after the search, as reviews print the range set in the side panel: '(2004-2024)'.
_YEARS_GROUP = re.compile(r"\(\s*((?:since\s+)?\d{4}(?:\s*[-\u2010-\u2015]\s*(?:\d{4}|present|now))?)\s*\)",
                          re.IGNORECASE)


class GoogleScholar(Grammar):
    name = "scholar"
    label = "Google Scholar"
    help_pages = ("https://scholar.google.com/intl/en/scholar/help.html",
                  "https://support.google.com/websearch/answer/2466433")
    levels = (frozenset({"and"}), frozenset({"or"}))
    operators_upper_only = True
    not_spellings = ()
    default_fields = EVERYTHING
    wildcards = MappingProxyType({})
    writer = Writer(
        "field", (Tag("intitle", ("title",)), Tag("author", ("author",)), Tag("source", ("source",))),
        untagged=EVERYTHING, and_="", minus=True, wildcards=MappingProxyType({}), plain=True, group_tags=False,
        max_length=MAX_LENGTH)

    def write_heading(self, h: Heading, warn) -> str:
        warn(f"{self.label} has no subject-heading search: the heading '{h.text}' is searched as words")
        return f'"{h.text}"' if " " in h.text else h.text

    def write_limit(self, limit: Limit, warn) -> str | None:
        return None

    def operator(self, p: Parser) -> Op | None:
        tok = p.peek()
        if tok is not None and tok.kind == "word" and tok.text == "|":
            return Op("or", 1, "|")
        return super().operator(p)

    def read_tokens(self, p: Parser, toks: list[Token]) -> list[Token]:
        """Exclusion minus signs and field prefixes split from their words, what Google ignores dropped
        with a note, and an AND put wherever Google implies one (so that OR binds tighter)."""
        if len(p.text) > MAX_LENGTH:
            p.note(f"Google Scholar reads at most {MAX_LENGTH} characters of a search; this string has "
                   f"{len(p.text)}, so Google ran only its beginning")
        read: list[Token] = []
        for k, tok in enumerate(toks):
            following = toks[k + 1] if k + 1 < len(toks) else None
            read.extend(self._split(p, tok, following) if tok.kind == "word" else [self._phrase(p, tok)])
        out: list[Token] = []
        for tok in read:
            if out and _ends_operand(out[-1]) and _starts_operand(tok):
                out.append(Token("word", "AND", tok.pos, tok.pos))
            out.append(tok)
        return out

    def _phrase(self, p: Parser, tok: Token) -> Token:
        if tok.kind != "phrase" or "*" not in tok.text:
            return tok
        p.note(f"'*' in the phrase \"{tok.text}\" stands for any word in Google Scholar; read as the phrase "
               "without it (finds only the words side by side)")
        return Token("phrase", " ".join(tok.text.replace("*", " ").split()), tok.pos, tok.end, tok.quote)

    def _split(self, p: Parser, tok: Token, following: Token | None) -> list[Token]:
        text, pos = tok.text, tok.pos
        if text in ("and", "or", "not", "NOT"):
            p.note(f"Google Scholar reads '{text}' as a word, not an operator"
                   + (" (it has none for NOT: leave a word out with -word)" if text.upper() == "NOT"
                      else f" (write {text.upper()})") + ": the words around it were all searched")
            return []
        if text == "-":
            if following is not None and following.pos == tok.end:
                return [tok]  # -"a phrase", -(a OR b)
            p.note("a '-' standing alone is ignored by Google Scholar: a minus sign excludes only the word "
                   "or phrase written right after it")
            return []
        out: list[Token] = []
        if text[0] == "-":
            out.append(Token("word", "-", pos, pos + 1))
            text, pos = text[1:], pos + 1
        elif text[0] in "+~" and len(text) > 1:
            p.note(f"'{text[0]}' before a word is no longer an operator in Google Scholar: '{text}' read as "
                   f"'{text[1:]}'")
            text, pos = text[1:], pos + 1
        m = _PREFIX.match(text)
        if m:
            out.append(Token("word", m.group(0).lower(), pos, pos + m.end()))
            text, pos = text[m.end():], pos + m.end()
        if not text:
            return out
        if "|" in text and text != "|":
            for piece in re.finditer(r"[^|]+|\|", text):
                out.append(Token("word", piece.group(), pos + piece.start(), pos + piece.end()))
            return out
        plain = text.strip("*?")
        if plain != text and plain:
            p.note(f"Google Scholar has no truncation or wildcards: '{text}' was searched as '{plain}'")
            text = plain
        out.append(Token("word", text, pos, tok.end))
        return out

    def is_prefix(self, p: Parser, k: int) -> bool:
        tok = p.peek(k)
        return tok is not None and tok.kind == "word" and (tok.text == "-" or _PREFIX.fullmatch(tok.text) is not None)

    def prefix(self, p: Parser, tok: Token) -> Node | None:
        if tok.kind == "(" and (years := _YEARS_GROUP.match(p.text, tok.pos)) is not None:
            p.skip_to(years.end())
            p.note(f"'{years.group().strip()}' read as the years set in Google Scholar's side panel (a search "
                   "string has no way to say them)")
            written = years.group(1).strip()
            span = lim.year_range(re.sub(r"(?i)^since\s+", ">=", written)) or (None, None)
            return Limit("year", (written,), span[0], span[1], text=years.group().strip())
        if not self.is_prefix(p, 0):
            return None
        p.i += 1
        nxt = p.peek()
        if nxt is None or nxt.kind == ")" or self.operator(p) is not None:
            what = "a minus sign" if tok.text == "-" else tok.text
            raise p.error(f"{what} needs a word, phrase or group after it", tok.pos)
        if tok.text == "-":
            return excluded(p, p.primary(), tok.pos)
        if tok.text in WEB_LIMITS:
            p.i += 1
            return Limit("other", (nxt.text,), text=f"{tok.text}{nxt.text}")
        if tok.text in WHOLE_SEARCH_PREFIXES:
            p.default_fields = WHOLE_SEARCH_PREFIXES[tok.text]
            return p.primary()
        return with_fields(p.primary(), FIELD_PREFIXES[tok.text])

    def finish(self, p: Parser, node: Node) -> Node:
        return exclusions_joined(p, node)


def _ends_operand(tok: Token) -> bool:
    return tok.kind in ("phrase", ")") or (tok.kind == "word" and tok.text not in (*_OPERATORS, "-")
                                           and _PREFIX.fullmatch(tok.text) is None)


def _starts_operand(tok: Token) -> bool:
    return tok.kind in ("phrase", "(", "word") and tok.text not in _OPERATORS
