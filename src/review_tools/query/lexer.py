"""Search strings split into tokens with their places: parentheses, quoted phrases, ``[...]`` tags and
words.  The quotes databases and word processors print are all read as quotes (straight, curly and
low-9 double quotes; single quotes too where the syntax quotes with them, as Embase does); Scopus'
``{...}`` is an exact phrase.  Written by hand: a tokenizer this small is clearer than a grammar
library's, and it keeps every token's offset for error messages."""

from __future__ import annotations

from dataclasses import dataclass

from review_tools.query.errors import QuerySyntaxError
from review_tools.records import INVISIBLE  # soft hyphens, zero-width spaces: taken out of a token's text

DOUBLE_OPEN = '"“”„‟«»'
DOUBLE_CLOSE = '"“”‟«»'
SINGLE_QUOTES = "'‘’‚‛"


@dataclass(frozen=True)
class Token:
    kind: str  # "(", ")", "phrase", "bracket", "word"
    text: str
    pos: int
    end: int
    quote: str = ""  # the opening quote of a phrase ('"', "'", "{")

    @property
    def upper(self) -> str:
        return self.text.upper()


@dataclass(frozen=True)
class Lexing:
    """What a syntax quotes with: ``single`` quotes (Embase), ``braces`` for exact phrases (Scopus)."""

    single: bool = False
    braces: bool = False


def tokens(text: str, lexing: Lexing = Lexing(), syntax: str = "") -> list[Token]:
    out: list[Token] = []
    i, n = 0, len(text)
    stops = set("()[" + DOUBLE_OPEN) | ({"{"} if lexing.braces else set())
    while i < n:
        c = text[i]
        if c.isspace():
            i += 1
        elif c in "()":
            out.append(Token(c, c, i, i + 1))
            i += 1
        elif c in DOUBLE_OPEN or (lexing.single and c in SINGLE_QUOTES) or (lexing.braces and c == "{"):
            closers = "}" if c == "{" else (SINGLE_QUOTES if c in SINGLE_QUOTES else DOUBLE_CLOSE)
            j = next((k for k in range(i + 1, n) if text[k] in closers), -1)
            if j < 0:
                raise QuerySyntaxError("quotation mark is never closed" if c != "{" else "'{' is never closed",
                                       text, i, syntax=syntax)
            out.append(Token("phrase", text[i + 1:j].translate(INVISIBLE), i, j + 1,
                             quote="{" if c == "{" else ("'" if c in SINGLE_QUOTES else '"')))
            i = j + 1
        elif c == "[":
            j, level = i + 1, 1
            while j < n and level:
                level += {"[": 1, "]": -1}.get(text[j], 0)
                j += 1
            j -= 1
            if level:
                raise QuerySyntaxError("'[' is never closed", text, i, syntax=syntax)
            out.append(Token("bracket", text[i + 1:j], i, j + 1))
            i = j + 1
        elif c == "]":
            raise QuerySyntaxError("']' without '['", text, i, syntax=syntax)
        else:
            j = i
            while j < n and not text[j].isspace() and text[j] not in stops and text[j] != "]":
                j += 1
            word = text[i:j].translate(INVISIBLE)
            if word:
                out.append(Token("word", word, i, j))
            i = j
    return out
