"""BibTeX: bare '&' and '%' are characters, URLs stay whole, LaTeX is decoded, the database is named."""

from __future__ import annotations

import re
from pathlib import Path

from review_tools.io.bibtex import decode, read_bibtex
from review_tools.io.importer import import_file

DATA = Path(__file__).resolve().parents[1] / "data"
ENTRY = r"""@article{k1,
  title = {R\&D and R&D in 50% of {P}harma firms: \emph{a} survey of {\"a}lgebra},
  author = {M{\"u}ller, Anna and O'Brien, Sean},
  journal = {Journal of R&D},
  year = {2020},
  url = {https://www.scopus.com/inward/record.uri?eid=2-s2.0-1&doi=10.1%2fx.2&partnerID=40},
  source = {Scopus}
}
"""


def test_bare_ampersand_and_percent_are_kept(tmp_path) -> None:
    path = tmp_path / "a.bib"
    path.write_text(ENTRY, encoding="utf-8")
    r = import_file(path).records[0]
    assert r.title == "R&D and R&D in 50% of Pharma firms: a survey of älgebra"
    assert r.authors == ["Müller, Anna", "O'Brien, Sean"] and r.journal == "Journal of R&D"
    assert r.url == "https://www.scopus.com/inward/record.uri?eid=2-s2.0-1&doi=10.1%2fx.2&partnerID=40"
    assert r.database == "Scopus"


def test_scopus_bibtex_urls_are_whole() -> None:
    path = DATA / "reliability" / "scopus_colrev.bib"
    raw = re.findall(r"^\s*url\s*=\s*\{(.*)\},?\s*$", path.read_text(encoding="utf-8"), re.MULTILINE)
    records = import_file(path).records
    assert raw and [r.url for r in records if r.url] == raw
    assert {r.database for r in records} == {"Scopus"}


def test_web_of_science_ids_name_the_database(real) -> None:
    records = import_file(real("colrev-search-samples/web_of_science_bib.bib")).records
    assert {r.database for r in records} == {"Web of Science"}
    assert all(r.accession.startswith("WOS:") for r in records)


def test_jabref_library_keeps_escaped_and_bare_characters(external) -> None:
    records = import_file(external / "jabref-testresources/testjabref.bib").records
    assert len(records) == 156
    assert not [r.title for r in records if "\\" in r.title or "{" in r.title]


def test_decode() -> None:
    assert decode(r"50\% of R\&D") == "50% of R&D"
    assert decode("https://x.org/a%20b&c=1", "url") == "https://x.org/a%20b&c=1"
    assert decode(r"10.1000/a\_b", "doi") == "10.1000/a_b"
    assert decode("plain text") == "plain text"


def test_line_numbers_stay_right_after_a_line_ending_in_a_backslash() -> None:
    """bibtexparser's start_line loses a line at each line ending in '\\' (TUGboat's '{... \\TUB\\')."""
    text = ('@article{a,\n  title = "{Comments on the new \\TUB\\\n  format}",\n  year = 1986\n}\n\n'
            '@article{b,\n  title = {Second},\n  year = 1987\n}\n')
    records, _ = read_bibtex(text, "t.bib")
    assert [r.line for r in records] == [1, 7]
