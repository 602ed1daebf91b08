"""Zotero RDF: items with their containers (inline or named by rdf:resource), attachments and notes left
out, a damaged item reported at its line while the rest are imported."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.conftest import EXTERNAL

from review_tools.io.importer import detect_format, import_file

DATA = Path(__file__).resolve().parents[1] / "data" / "zotero" / "library.rdf"


def test_items_take_journal_volume_and_doi_from_their_container() -> None:
    result = import_file(DATA)
    assert result.format == "Zotero RDF"
    article, paper, chapter = result.records
    assert article.title == "Segmenting physicians by value & potential"
    assert article.abstract == "We cluster 2,000 prescribers (p < 0.05) by RFM scores."
    assert article.authors == ["Virtanen, Aino", "Smith, John"] and article.year == 2019
    # the journal is an element of its own, named by the article's rdf:resource (urn:issn:...)
    assert (article.journal, article.volume, article.issue) == ("Journal of Pharmaceutical Marketing", "12", "3")
    assert (article.doi, article.issn, article.pages) == ("10.1234/jpm.2019.012", "1234-5678", "101-118")
    assert article.keywords == ["Customer segmentation", "pharmaceutical marketing"]
    assert (article.url, article.language, article.database) == ("https://example.org/segmentation", "en", "Scopus")
    assert (paper.document_type, paper.journal) == ("conferencePaper", "Proceedings of the CRM Conference")
    assert (chapter.journal, chapter.isbn, chapter.authors) == ("Handbook of Market Segmentation",
                                                                "978-0-00-000000-2", ["Wedel, M."])


def test_a_damaged_item_is_reported_at_its_line_and_the_others_imported() -> None:
    result = import_file(DATA)
    [problem] = result.problems
    assert problem.skipped and problem.line == 79 and problem.record == 3 and "damaged XML" in problem.reason
    assert [r.line for r in result.records] == [10, 64, 84]  # the attachment, the note, the collection are no records


def test_told_by_its_content_whatever_the_extension(tmp_path) -> None:
    copy = tmp_path / "export.xml"
    copy.write_bytes(DATA.read_bytes())
    assert detect_format(DATA.read_text(encoding="utf-8")) == "Zotero RDF"
    assert import_file(copy).format == "Zotero RDF"


def test_a_real_zotero_export() -> None:
    path = EXTERNAL / "tethne-testdata" / "zotero.rdf"  # GPL-3.0: read in place, not copied
    if not path.exists():
        pytest.skip(f"{path} is not here (../shared is not part of a clone)")
    result = import_file(path)
    assert len(result.records) == 12 and not result.problems
    assert all(r.doi.startswith("10.2307/") and r.journal and r.authors and r.year for r in result.records)


def test_an_element_never_closed_is_reported_and_the_items_after_it_still_read(tmp_path) -> None:
    broken = tmp_path / "broken.rdf"  # the attachment's end tag damaged: everything after it was lost before
    broken.write_text(DATA.read_text(encoding="utf-8").replace("</z:Attachment>", "</z:Attachmen\u00f8t>"),
                      encoding="utf-8")
    result = import_file(broken)
    assert [r.title for r in result.records] == [r.title for r in import_file(DATA).records]
    assert any(p.reason == "the record is never closed" and p.line == 56 for p in result.problems)
