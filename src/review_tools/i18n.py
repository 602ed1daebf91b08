"""The reports' language: one gettext message catalogue per language, numbers and dates in its format.

English is the source language: a message is its English text, and ``locale/<language>.po`` (a gettext PO
file, read with Babel, editable in any PO editor) gives its translation.  Library code and notebooks call
:func:`tr`, or :func:`trn` where a count chooses the form ("1 study" / "2 studies", gettext's plural forms);
a table of messages translated later is marked with :func:`message`.  A notebook's Markdown cell
is one message, translated whole when the report is built (:func:`translate_notebook`), so a translator sees
whole paragraphs.

``python -m review_tools.i18n`` rewrites ``locale/messages.pot`` from the sources, adds new messages to each
catalogue, and lists the messages that still lack a translation; a test fails while any does.
"""

from __future__ import annotations

import ast
import contextlib
import contextvars
import datetime as dt
import functools
import json
import numbers
import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

LANGUAGES = ("en", "fi")
LOCALE_DIR = Path(__file__).parent / "locale"
_PACKAGE = Path(__file__).parent
# The language of this thread (and of the notebook kernel it runs in): report pages are built in threads,
# several at once, so the language is a context variable, not a global a second thread would overwrite.
_LANGUAGE: contextvars.ContextVar[str] = contextvars.ContextVar("review_tools_language", default="en")
_WORDS = re.compile(r"[A-Za-z]{2,}(?![\w])(?<!\d)")  # a word of letters: not 'A', 'S1', 'reviewer_1' or '2023'


class LanguageError(ValueError):
    """A language with no catalogue."""


def use(language: str) -> None:
    """Make ``language`` the language of every message, number and date from here on (a report notebook
    calls this once, with its ``language`` parameter)."""
    _LANGUAGE.set(_known(language))


def _known(language: str) -> str:
    if language not in LANGUAGES:
        raise LanguageError(f"report language {language!r} is not one of {', '.join(LANGUAGES)}")
    return language


def current() -> str:
    return _LANGUAGE.get()


@contextlib.contextmanager
def using(language: str) -> Iterator[None]:
    """``language`` for the messages made inside the ``with`` block, the earlier one after it."""
    token = _LANGUAGE.set(_known(language))
    try:
        yield
    finally:
        _LANGUAGE.reset(token)


def message(text: str) -> str:
    """Mark ``text`` as a message without translating it now (a table of labels translated when shown)."""
    return text


@functools.cache
def _read(language: str) -> tuple[dict[str, str], dict[tuple[str, str], tuple[str, ...]]]:
    """``language``'s PO file, read once: its messages and its plural messages (fuzzy ones and those with
    an empty translation or form left out)."""
    from babel.messages.pofile import read_po

    with (LOCALE_DIR / f"{language}.po").open("rb") as fh:
        cat = read_po(fh, locale=language)
    live = [m for m in cat if m.id and not m.fuzzy]
    return ({m.id: m.string for m in live if isinstance(m.id, str) and m.string},
            {tuple(m.id): tuple(m.string) for m in live if isinstance(m.id, tuple) and all(m.string)})


def catalogue(language: str) -> dict[str, str]:
    """The translations of ``language``: English message -> translated text (fuzzy and empty ones left out)."""
    return {} if language == "en" else _read(language)[0]


def plurals(language: str) -> dict[tuple[str, str], tuple[str, ...]]:
    """The plural messages of ``language``: (English singular, plural) -> its forms, in gettext's order
    (fuzzy ones and those with an empty form left out)."""
    return {} if language == "en" else _read(language)[1]


def _plural_index(language: str, n: float) -> int:
    """Which of ``language``'s plural forms a count of ``n`` takes: its CLDR category (Babel), counted in the
    order gettext's plural expressions number them (zero, one, two, few, many, other)."""
    from babel import Locale

    rule = Locale.parse(language).plural_form
    order = [t for t in ("zero", "one", "two", "few", "many", "other") if t in rule.tags or t == "other"]
    return order.index(rule(n))


def tr(text: str, /, **values: Any) -> str:
    """``text`` in the current language, with ``{name}`` fields filled from ``values``; numbers among the
    values are written in the language's format (12,345.6 in English, 12 345,6 in Finnish)."""
    translated = label(text)
    return _fill(translated, values) if values else translated


def _fill(text: str, values: dict[str, Any]) -> str:
    """``text``'s ``{name}`` fields filled, numbers written in the current language's format."""
    return text.format(**{k: number(v) if _is_number(v) else v for k, v in values.items()})


def trn(singular: str, plural: str, n: int, /, **values: Any) -> str:
    """``singular`` or ``plural`` as the count ``n`` asks, in the current language (gettext's ngettext), its
    fields filled as :func:`tr` fills them; ``n`` also fills the field ``{n}``."""
    language = current()
    if language == "en":
        text = singular if n == 1 else plural
    else:
        forms = plurals(language).get((singular, plural))
        if forms is None:
            _note_missing(singular)
            text = singular if n == 1 else plural
        else:
            text = forms[min(_plural_index(language, n), len(forms) - 1)]
    return _fill(text, {"n": n, **values})


def label(text: str) -> str:
    """A label made at run time (a table's column, a caption) in the current language.  A label with no
    translation is kept in English and, when ``REVIEW_TOOLS_UNTRANSLATED`` names a file, written to it, so
    a run of the reports in a language lists every label its catalogue still lacks."""
    if current() == "en" or not text:
        return text
    found = catalogue(current()).get(text)
    if found is None:
        _note_missing(text)
        return text
    return found


def _note_missing(text: str) -> None:
    target = os.environ.get("REVIEW_TOOLS_UNTRANSLATED")
    if target and _WORDS.search(text):
        with open(target, "a", encoding="utf-8") as fh:  # one short line per write: appends do not interleave
            fh.write(json.dumps(text) + "\n")


def values(items: Iterable[Any]) -> list[Any] | None:
    """A column's values translated when every text value in it is a catalogued message (a column of the
    tool's own words: 'include', 'yes'); None when any is not (titles, names, data)."""
    items = list(items)
    if current() == "en":
        return None
    found = catalogue(current())
    texts = [v for v in items if isinstance(v, str) and v]
    if not texts or any(v not in found for v in texts):
        return None
    return [found[v] if isinstance(v, str) and v else v for v in items]


def _is_number(value: Any) -> bool:
    return isinstance(value, numbers.Number) and not isinstance(value, bool)


def number(value: float | int, decimals: int | None = None) -> str:
    """A number as the current language writes it: thousands grouped from 10,000 up, at most two decimals
    from 100 up and four significant digits below (``decimals`` fixes them)."""
    from babel.numbers import format_decimal

    language = current()
    if isinstance(value, numbers.Integral) or (decimals is None and float(value).is_integer() and abs(value) >= 100):
        value = int(value)
        if abs(value) < 10_000:
            return str(value).replace("-", "\u2212") if language == "fi" else str(value)
        return format_decimal(value, format="#,##0", locale=language)
    if decimals is not None:
        pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    elif abs(value) >= 100:
        pattern = "#,##0.00"
    else:
        pattern = "@@##" if value else "0"
    text = format_decimal(value, format=pattern, locale=language)
    return text if abs(value) >= 10_000 or language == "en" else text.replace("\u00a0", "")


def date(value: dt.date | dt.datetime | str) -> str:
    """A date (or an ISO date string) as the current language writes it: 2026-11-30 / 30.11.2026."""
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value[:10])
        except ValueError:
            return value
    if isinstance(value, dt.datetime):
        value = value.date()
    return value.isoformat() if current() == "en" else f"{value.day}.{value.month}.{value.year}"


def translate_notebook(nb: Any, language: str) -> Any:
    """The executed notebook with each Markdown cell in ``language`` (a cell with no translation is kept)."""
    if language == "en":
        return nb
    found = catalogue(language)
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = found.get(cell.source.strip(), cell.source)
    return nb


# ---------------------------------------------------------------------------------------------------------
# The catalogue's upkeep: which messages the sources hold, and which translations are missing.

_CALLS = frozenset({"tr", "message"})
Message = str | tuple[str, str]  # a message, or a plural message's (singular, plural)


def _text(node: ast.expr) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _calls(tree: ast.AST) -> Iterable[tuple[Message, int]]:
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not node.args or _text(node.args[0]) is None:
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
        if name in _CALLS:
            yield _text(node.args[0]), node.lineno
        elif name == "trn" and len(node.args) > 1 and _text(node.args[1]) is not None:
            yield (_text(node.args[0]), _text(node.args[1])), node.lineno


def source_messages(package: Path = _PACKAGE, notebooks: Path | None = None) -> dict[Message, list[str]]:
    """Every message in the package's modules and the report notebooks: English text (a plural message:
    singular and plural) -> where it is."""
    found: dict[Message, list[str]] = {}
    for path in sorted(package.rglob("*.py")):
        for text, line in _calls(ast.parse(path.read_text(encoding="utf-8"))):
            found.setdefault(text, []).append(f"{path.relative_to(package.parent).as_posix()}:{line}")
    for nb_path in sorted(notebook_paths(notebooks)):
        cells = json.loads(nb_path.read_text(encoding="utf-8"))["cells"]
        for i, cell in enumerate(cells, 1):
            source = "".join(cell["source"])
            where = f"{nb_path.parent.name}/{nb_path.name}:cell {i}"
            if cell["cell_type"] == "markdown" and source.strip():
                found.setdefault(source.strip(), []).append(where)
            elif cell["cell_type"] == "code":
                try:
                    tree = ast.parse(source)
                except SyntaxError:
                    continue
                for text, _line in _calls(tree):
                    found.setdefault(text, []).append(where)
    return found


def notebook_paths(notebooks: Path | None = None) -> list[Path]:
    """The report notebooks (``init`` copies them into a new review)."""
    folders = [notebooks] if notebooks else [_PACKAGE.parent.parent / "notebooks"]
    return [p for folder in folders if folder.is_dir() for p in folder.glob("*.ipynb")]


def missing(language: str, messages: Iterable[Message] | None = None) -> list[Message]:
    """The messages of the sources with no translation in ``language``'s catalogue (a plural message: no
    translation of every form)."""
    if language == "en":
        return []
    have, have_plural = catalogue(language), plurals(language)
    return [m for m in (messages if messages is not None else source_messages())
            if m not in (have_plural if isinstance(m, tuple) else have)]


def update_catalogues(extra: Iterable[str] = ()) -> dict[str, list[Message]]:
    """Rewrite ``messages.pot`` from the sources and add its new messages, and the run-time labels in
    ``extra`` (see :func:`label`), to every catalogue, untranslated; translations are kept.  Returns the
    source messages each language still lacks."""
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import read_po, write_po

    found = source_messages()
    template = Catalog(project="review-tools", fuzzy=False)
    for text, where in found.items():
        template.add(text, locations=[(w.rsplit(":", 1)[0], 0) for w in where])
    with (LOCALE_DIR / "messages.pot").open("wb") as fh:
        write_po(fh, template, width=116, omit_header=True, sort_output=True)
    out = {}
    for language in LANGUAGES[1:]:
        path = LOCALE_DIR / f"{language}.po"
        with path.open("rb") as fh:
            cat = read_po(fh, locale=language)
        for text in [*found, *extra]:
            if text not in cat:
                empty = ("",) * cat.num_plurals if isinstance(text, tuple) else ""
                cat.add(text, empty, locations=[(w.rsplit(":", 1)[0], 0) for w in found.get(text, ["run time"])])
        with path.open("wb") as fh:
            write_po(fh, cat, width=116, omit_header=True, sort_output=True, include_previous=False)
        _read.cache_clear()
        out[language] = missing(language, found)
    return out


def main(argv: list[str] | None = None) -> None:
    """``python -m review_tools.i18n [UNTRANSLATED_FILE]``: update the catalogues (with the labels a run of
    the reports wrote to ``REVIEW_TOOLS_UNTRANSLATED``) and list what is missing."""
    import sys

    args = sys.argv[1:] if argv is None else argv
    extra = [json.loads(line) for path in args for line in Path(path).read_text(encoding="utf-8").splitlines() if line]
    for language, lacking in update_catalogues(extra).items():
        print(f"{language}: {len(lacking)} message(s) without a translation")
        for text in lacking[:50]:
            print("  " + (text[0] if isinstance(text, tuple) else text).splitlines()[0][:100])


if __name__ == "__main__":
    main()
