"""The reports' language: catalogue coverage, numbers and dates, and a Finnish report set with no English
sentence of the tool left in it."""

from __future__ import annotations

import json
import os
import re
import string
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest

from review_tools import i18n
from review_tools.i18n import tr, trn

ROOT = Path(__file__).resolve().parents[1]


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_message_of_the_sources_has_a_finnish_translation():
    assert i18n.missing("fi") == []


def test_translations_keep_the_fields_of_their_message():
    """A translation that drops or renames a {field} would fail (or lie) when it is filled."""
    wrong = {en: fi for en, fi in i18n.catalogue("fi").items() if _fields(en) != _fields(fi)}
    assert wrong == {}
    plural = {en: fi for en, fi in i18n.plurals("fi").items()
              if any(_fields(form) - {"n"} != _fields(en[1]) - {"n"} for form in fi)}
    assert plural == {} and i18n.plurals("fi")


def test_trn_takes_the_form_the_count_asks_for_in_each_language():
    """'1 studies included' was what report 04 said before plural forms."""
    one, many = "{n} study included", "{n} studies included"
    assert trn(one, many, 1) == "1 study included" and trn(one, many, 0) == "0 studies included"
    with i18n.using("fi"):
        assert trn(one, many, 1) == "1 tutkimus otettu mukaan"
        assert trn(one, many, 12345) == "12\u00a0345 tutkimusta otettu mukaan"
    assert (one, many) in i18n.source_messages()  # found in notebook 04 by the catalogue's upkeep
    assert i18n.missing("fi", [(one, many), ("{n} new thing", "{n} new things")]) == [("{n} new thing",
                                                                                         "{n} new things")]


def test_notebook_markdown_cells_are_messages():
    found = i18n.source_messages()
    assert "## Review questions" in found
    assert any(isinstance(m, str) and m.startswith("# PRISMA 2020 flow diagram") for m in found)  # plurals: tuples


def test_numbers_and_dates_follow_the_language():
    with i18n.using("en"):
        assert i18n.number(78371813.28) == "78,371,813.28"
        assert i18n.number(0.123456) == "0.1235"
        assert i18n.number(2024) == "2024"
        assert i18n.date("2026-11-30") == "2026-11-30"
    with i18n.using("fi"):
        assert i18n.number(78371813.28) == "78\u00a0371\u00a0813,28"
        assert i18n.number(0.123456) == "0,1235"
        assert i18n.number(2024) == "2024"
        assert i18n.number(12345) == "12\u00a0345"
        assert i18n.date("2026-11-30") == "30.11.2026"


def test_tr_translates_and_fills_numbers_in_the_language():
    message = "; the example corpus holds {n} real works."
    with i18n.using("fi"):
        assert tr(message, n=12345) == "; esimerkkikorpuksessa on 12\u00a0345 todellista julkaisua."
    assert i18n.current() == "en"
    assert tr(message, n=12345) == "; the example corpus holds 12,345 real works."


def test_unknown_language_is_an_error():
    with pytest.raises(i18n.LanguageError, match="'sv' is not one of en, fi"):
        i18n.use("sv")


def test_label_notes_a_missing_translation(tmp_path, monkeypatch):
    out = tmp_path / "missing.txt"
    monkeypatch.setenv("REVIEW_TOOLS_UNTRANSLATED", str(out))
    with i18n.using("fi"):
        assert i18n.label("records") == "viitteet"
        assert i18n.label("a column nobody translated") == "a column nobody translated"
        assert i18n.label("reviewer_1") == "reviewer_1"  # an identifier, not words: not noted
    assert [json.loads(line) for line in out.read_text().splitlines()] == ["a column nobody translated"]


def test_values_translates_only_columns_of_the_tools_own_words():
    with i18n.using("fi"):
        assert i18n.values(["include", "exclude", None, ""]) == ["mukaan", "pois", None, ""]
        assert i18n.values(["include", "A title of a study"]) is None
    with i18n.using("en"):
        assert i18n.values(["include"]) is None


def test_translate_notebook_replaces_markdown_cells_only():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("## Review questions\n"),
                                         nbformat.v4.new_code_cell("## Review questions"),
                                         nbformat.v4.new_markdown_cell("A paragraph of the user's own")])
    out = i18n.translate_notebook(nb, "fi")
    assert [c.source for c in out.cells] == ["## Tutkimuskysymykset", "## Review questions",
                                             "A paragraph of the user's own"]


class _Text(HTMLParser):
    """The visible text of a page: (tag, text) for every text node outside scripts and styles."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.texts: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        if tag not in ("br", "img", "meta", "link", "input", "hr", "col"):
            self.stack.append(tag)

    def handle_endtag(self, tag):
        while self.stack and self.stack.pop() != tag:
            pass

    def handle_data(self, data):
        if data.strip() and not {"script", "style"} & set(self.stack):
            self.texts.append((self.stack[-1] if self.stack else "", " ".join(data.split())))


ENGLISH = {"the", "and", "of", "with", "from", "is", "are", "this", "each", "which", "were", "that", "has", "have"}


@pytest.fixture(scope="module")
def finnish_reports(tmp_path_factory):
    """The sample review's report set built in Finnish, with every label the catalogue lacked noted."""
    out = tmp_path_factory.mktemp("fi")
    missing = out / "untranslated.txt"
    env = {**os.environ, "REVIEW_TOOLS_UNTRANSLATED": str(missing)}
    run = subprocess.run([sys.executable, "-m", "review_tools.cli", "run", "--project", str(ROOT), "--language", "fi",
                          "--reports-dir", str(out / "reports"), "--force"],
                         capture_output=True, text=True, env=env, timeout=600)
    assert run.returncode == 0, run.stdout + run.stderr
    noted = {json.loads(line) for line in missing.read_text().splitlines()} if missing.exists() else set()
    return out / "reports", noted


def _protocol_texts() -> set[str]:
    """Every string value of the sample protocol: the author's words, which stay as the author wrote them."""
    from ruamel.yaml import YAML

    found: set[str] = set()

    def walk(value):
        if isinstance(value, dict):
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)
        elif isinstance(value, str):
            found.add(value)

    walk(YAML(typ="safe").load((ROOT / "review" / "protocol.yaml").read_text(encoding="utf-8")))
    return found


def test_finnish_reports_lack_no_label_of_the_tool(finnish_reports):
    _, noted = finnish_reports
    assert noted - _protocol_texts() == set()


def test_finnish_report_summaries_agree_with_their_counts(finnish_reports):
    """Report 04's summary said '1 tutkimusta otettu mukaan' ('1 studies included') before plural forms."""
    reports, _ = finnish_reports
    page = (reports / "04_prisma.html").read_text(encoding="utf-8")
    found = re.findall(r"(\d+) (tutkimus(?:ta)?|viitettä|viite) (otettu mukaan|seulottu)", page)
    assert {phrase for _, _, phrase in found} == {"otettu mukaan", "seulottu"}
    for count, noun, _ in found:
        assert (noun in ("tutkimus", "viite")) == (count == "1"), (count, noun)


def test_finnish_reports_have_no_english_sentence_of_the_tool(finnish_reports):
    """No English message of the catalogue appears in the Finnish pages, and no heading, caption, note or
    paragraph outside table cells reads as English (table cells and the protocol's own words are data)."""
    reports, _ = finnish_reports
    protocol = _protocol_texts()
    texts = [form for m in i18n.source_messages() for form in (m if isinstance(m, tuple) else (m,))]
    messages = [m for m in texts if len(m.split()) >= 3 and "{" not in m and not m.startswith("#")]
    pages = sorted(reports.glob("*.html"))
    assert len(pages) >= 9
    for page in pages:
        parser = _Text()
        parser.feed(page.read_text(encoding="utf-8"))
        assert 'lang="fi"' in page.read_text(encoding="utf-8")[:2000], page.name
        visible = " ".join(text for _, text in parser.texts)
        assert [m for m in messages if m in visible] == [], page.name
        english = [text for tag, text in parser.texts if tag != "td" and text not in protocol
                   and len(ENGLISH & set(re.findall(r"[a-z]+", text.lower()))) >= 2]
        assert english == [], page.name


def test_a_language_set_in_one_thread_does_not_leak_into_another():
    """Report pages are built in threads: two of them switching language must not leave the other's behind
    (a module-level global did: the English index page came out in Finnish)."""
    import threading

    barrier = threading.Barrier(2)
    seen = []

    def build(language):
        with i18n.using(language):
            barrier.wait()
            seen.append((language, i18n.current()))
            barrier.wait()

    threads = [threading.Thread(target=build, args=(lang,)) for lang in ("fi", "en")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(seen) == [("en", "en"), ("fi", "fi")]
    assert i18n.current() == "en"


def test_import_problems_shown_in_a_report_are_in_its_language(tmp_path):
    from review_tools.io.importer import import_file

    path = tmp_path / "export.ris"
    path.write_text("TY  - JOUR\nAU  - Smith, J\nPY  - 2020\nER  - \n", encoding="utf-8")
    assert [p.reason for p in import_file(path).problems] == ["record has no title"]
    with i18n.using("fi"):
        assert [p.reason for p in import_file(path).problems] == ["viitteellä ei ole otsikkoa"]


def test_report_sentences_with_several_counts_take_each_counts_form():
    """Report 03 said '1 reviewer(s)' and, in Finnish, '1 arvioijaa' (the partitive plural) for one
    reviewer; each count now has its own plural message."""
    reviewers = (" by {n} reviewer.", " by {n} reviewers.")
    decisions = ("; {n} decision recorded", "; {n} decisions recorded")
    assert trn(*decisions, 1) + trn(*reviewers, 1) == "; 1 decision recorded by 1 reviewer."
    assert trn(*decisions, 40) + trn(*reviewers, 2) == "; 40 decisions recorded by 2 reviewers."
    with i18n.using("fi"):
        assert trn(*decisions, 1) + trn(*reviewers, 1) == "; 1 päätös kirjattu (1 arvioija)."
        assert trn(*decisions, 40) + trn(*reviewers, 2) == "; 40 päätöstä kirjattu (2 arvioijaa)."
        assert [trn("{n} problem", "{n} problems", n) for n in (1, 3)] == ["1 ongelma", "3 ongelmaa"]
    assert {reviewers, decisions} <= set(i18n.source_messages())  # the catalogue's upkeep finds them in 03
