"""Placeholders read as empty, markup as plain text, names with ordinary spaces: on hand-written exports that
run everywhere and on the real ones beside the repository."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from review_tools import dedup
from review_tools.io.cleaning import clean_name, is_placeholder, plain_text
from review_tools.io.importer import import_file
from review_tools.records import Record, assign_ids

DATA = Path(__file__).resolve().parents[1] / "data" / "exports"


def test_placeholders_are_read_as_empty_and_counted() -> None:
    result = import_file(DATA / "econlit_na_handwritten.ris")
    assert result.placeholders == 8 and "8 placeholder values" in result.summary()
    for r in result.records:
        assert (r.abstract, r.doi, r.issue, r.pages) == ("", "", "", "")
    assert not [p for p in result.problems if "is not a DOI" in p.reason]  # no "DOI 'NA'" warnings


def test_two_works_that_both_say_na_are_not_merged() -> None:
    """The false-merge path: 'AB  - NA' on both agreed as the same abstract."""
    records = import_file(DATA / "econlit_na_handwritten.ris").records
    assert len(dedup.deduplicate(records).records) == 2
    raw = [Record(title=r.title, authors=r.authors, year=r.year, journal=r.journal, volume=r.volume, abstract="NA",
                  pages="NA") for r in records]
    assign_ids(raw)
    result = dedup.deduplicate(raw)  # records that bypassed the importer: dedup itself reads NA as unknown
    assert len(result.records) == 2


def test_csv_placeholders_names_and_a_suffix() -> None:
    result = import_file(DATA / "csv_placeholders_handwritten.csv")
    first, second = result.records
    assert first.abstract == "" and first.authors == ["Smith, J. W., 2nd"]
    assert second.abstract == "" and second.doi == "" and second.authors == ["Virtanen, Anna", "Korhonen, Liisa"]
    assert second.title == "Key accounts in pharma"  # the no-break space is an ordinary one
    assert result.placeholders == 3


def test_markup_becomes_plain_text_keeping_sub_and_superscripts() -> None:
    first, second = import_file(DATA / "lens_markup_handwritten.ris").records
    assert first.title == "Fine particulate matter (PM2.5) and hospital admissions"
    assert first.abstract == "Abstract Exposure to PM2.5 was linked to admissions (p < 0.05)."
    assert second.title == "Customer segmentation in pharmacies"
    assert second.abstract == "R&D spending and in vitro tests."
    assert first.database == second.database == "Lens"


@pytest.mark.parametrize(("raw", "plain"), [
    ("CO<sub>2</sub> and m<sup>2</sup>", "CO2 and m2"),
    ("<mml:math><mml:mi>x</mml:mi><mml:mo>=</mml:mo><mml:mn>1</mml:mn></mml:math> holds", "x=1 holds"),
    (r"Effect of $\alpha$-blockers \textit{in vitro}", "Effect of α-blockers in vitro"),
    ("p < .05 and q > 1 for 50% of R&D", "p < .05 and q > 1 for 50% of R&D"),
    (r"a back\slash, $5 and $3, ~x -- and ''", r"a back\slash, $5 and $3, ~x -- and ''"),
])
def test_plain_text(raw: str, plain: str) -> None:
    assert plain_text(raw) == plain


def test_placeholder_words_and_names() -> None:
    assert is_placeholder(" NA ") and is_placeholder("[No abstract available]") and is_placeholder("-")
    assert not is_placeholder("Anonymous") and is_placeholder("Anonymous", author=True)
    assert not is_placeholder("NASA")
    assert clean_name("Virtanen,\u00a0 Anna ") == "Virtanen, Anna"


def test_real_lens_ris_has_no_markup_left(external) -> None:
    path = external / "citesource-exports/20221207_gambling-harms_lens_49.ris"
    raw = path.read_text(encoding="utf-8-sig")
    assert re.search(r"^(TI|AB)  - .*<(b|sub|strong|jats:p|i)>", raw, re.MULTILINE)  # the export has markup
    records = import_file(path).records
    assert not [r.title for r in records if re.search(r"</?(b|i|sub|sup|strong|jats:\w+)>", r.title + r.abstract)]
    assert {r.database for r in records} == {"Lens"}


def test_real_scopus_csv_placeholder_abstract(external) -> None:
    path = external / "litstudy-testdata/scopus.csv"
    result = import_file(path)
    assert "[No abstract available]" in path.read_text(encoding="utf-8-sig")
    assert not [r for r in result.records if "no abstract available" in r.abstract.lower()]
    assert result.placeholders >= 1


def test_real_econlit_ris_names_its_database(external) -> None:
    records = import_file(external / "citesource-exports/econlit_3.ris").records
    assert {r.database for r in records} == {"EconLit"}
