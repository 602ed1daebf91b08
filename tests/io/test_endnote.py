"""EndNote tagged exports (.enw, EndNote's text export, AIS eLibrary's citations): real files and the
format's edges (continuation lines, records without %0, ISSN or ISBN in %@)."""

from __future__ import annotations

from review_tools.io.importer import detect_format, import_file

HAND = """%0 Journal Article
%A Smith, Ann
%A Jones, Bo
%E Editor, Not An Author
%T Customer segmentation
 in pharmaceutical markets
%J Journal of Pharma Marketing
%D 2019
%V 12
%N 3
%P 101-120
%@ 1234-567X
%R 10.1000/XYZ.2019.1
%K segmentation
CRM; pharma
%X First line of the abstract
second line.
%G English
%~ Scopus

%0 Book
%T Key account management
%@ 978-3-16-148410-0
%D 2021
"""


def test_fields_of_a_handwritten_export(imported) -> None:
    result = imported("export.enw", HAND)
    assert result.format == "EndNote tagged" and result.problems == []
    first, book = result.records
    assert first.title == "Customer segmentation in pharmaceutical markets"
    assert first.authors == ["Smith, Ann", "Jones, Bo"]  # editors are not authors
    assert (first.journal, first.year, first.volume, first.issue, first.pages) == \
        ("Journal of Pharma Marketing", 2019, "12", "3", "101-120")
    assert first.issn == "1234-567X" and first.isbn == "" and first.doi == "10.1000/xyz.2019.1"
    assert first.keywords == ["segmentation", "CRM", "pharma"]
    assert first.abstract == "First line of the abstract second line."
    assert (first.language, first.document_type, first.database, first.line) == ("en", "journal article", "Scopus", 1)
    assert (book.isbn, book.issn, book.year, book.line) == ("978-3-16-148410-0", "", 2021, 21)


def test_a_line_before_any_tag_is_reported_with_its_line(imported) -> None:
    result = imported("export.txt", "Exported from EndNote\n%0 Journal Article\n%T One\n%D 2020\n")
    assert [r.title for r in result.records] == ["One"]
    assert result.problems[0].line == 1 and "neither a tag nor a continuation" in result.problems[0].reason


def test_detection_needs_tags_at_line_starts() -> None:
    assert detect_format("%0 Journal Article\n%T A title\n%A Someone\n") == "EndNote tagged"
    assert detect_format("%T only one tag line\n") is None
    assert detect_format("title,year\n%T not endnote,2020\n") == "CSV"


def test_ais_elibrary_citations(real) -> None:
    """AIS eLibrary writes %T first and leaves %0 out of most records; blank lines separate them."""
    result = import_file(real("colrev-search-samples/ais_enl.txt"))
    assert result.format == "EndNote tagged" and len(result.records) == 6 and result.problems == []
    first = result.records[0]
    assert first.title.startswith("How Trust Leads to Commitment on Microsourcing Platforms")
    assert first.authors == ["Guo, Wenbo", "Straub, Detmar W.", "Zhang, Pengzhu", "Cai, Zhao"]
    assert (first.journal, first.year, first.volume, first.issue, first.pages) == \
        ("Management Information Systems Quarterly", 2021, "45", "3", "1309-1348")
    assert first.url == "https://aisel.aisnet.org/misq/vol45/iss3/13" and first.abstract.startswith("IS research")
    assert result.records[1].title == "MISQ Volume 45, Issue 3 Table of Contents"
    assert len(import_file(real("colrev-search-samples/enl_data.enl")).records) == 3


def test_jabref_reference_types(real) -> None:
    """JabRef's test of every reference type: each %0 starts a record, even without a blank line."""
    result = import_file(real("jabref-testresources/Endnote.entries.enw"))
    assert len(result.records) == 13 and result.skipped == 0
    first = result.records[0]
    assert (first.title, first.authors, first.doi) == ("testT", ["testA0", "testA1"], "")  # 'doi:testR' is no DOI
    assert [r.document_type for r in result.records[1:4]] == ["journal", "book section", "book"]
