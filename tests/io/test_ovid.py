"""Ovid's tagged export (as saved for EndNote or Citavi from Ovid MEDLINE and Embase): Ovid's own tags,
the citation in SO, abstract paragraphs printed unindented, and a file read in pieces."""

from __future__ import annotations

from tests.io.conftest import read_in_pieces

from review_tools.io.importer import detect_format, import_file

EXPORT = """<1. >
VN  - Ovid Technologies
DB  - Ovid MEDLINE(R) ALL
UI  - 31234567
TI  - Customer segmentation in pharmaceutical marketing: a review.
SO  - Journal of Pharmaceutical Marketing. 12(3):101-20, 2019 Mar.
AU  - Smith A
AU  - Jones B
FA  - Smith, Ann
FA  - Jones, Bo
AB  - Background: physicians differ in value and potential.
Methods: a systematic review of
      segmentation studies.
MH  - *Marketing
MH  - Pharmaceutical Preparations
KW  - segmentation
IS  - 1234-567X
DO  - https://doi.org/10.1000/jpm.2019.3
LG  - English
PT  - Journal Article
PT  - Review
YR  - 2019

<2. >
VN  - Ovid Technologies
DB  - Embase
UI  - 621381829
TI  - Key account management for hospitals.
SO  - BMC Proceedings. Conference: Pharma Days. Spain. 12 (Supplement 3) (no pagination), 2018.
AU  - Lee C.
AB  - One paragraph.
LG  - English
PT  - Conference Abstract
YR  - 2018
"""


def test_fields_of_medline_and_embase_records(imported) -> None:
    result = imported("ovid.cgi", EXPORT)
    assert result.format == "Ovid" and result.problems == []
    medline, embase = result.records
    assert medline.title == "Customer segmentation in pharmaceutical marketing: a review."
    assert medline.authors == ["Smith, Ann", "Jones, Bo"]  # full names where Ovid gives them
    assert (medline.journal, medline.volume, medline.issue, medline.pages, medline.year) == \
        ("Journal of Pharmaceutical Marketing", "12", "3", "101-20", 2019)
    assert medline.abstract == ("Background: physicians differ in value and potential. Methods: a systematic "
                                "review of segmentation studies.")
    assert (medline.doi, medline.issn, medline.language, medline.document_type) == \
        ("10.1000/jpm.2019.3", "1234-567X", "en", "journal article")
    assert medline.keywords == ["segmentation", "Marketing", "Pharmaceutical Preparations"]
    assert (medline.accession, medline.database, medline.line) == ("31234567", "Ovid MEDLINE(R) ALL", 2)
    assert (embase.journal, embase.volume, embase.issue, embase.pages, embase.year) == \
        ("BMC Proceedings", "12", "Supplement 3", "", 2018)
    assert (embase.authors, embase.database, embase.accession, embase.line) == (["Lee C."], "Embase", "621381829", 25)


def test_a_large_export_read_in_pieces_gives_the_same_records(tmp_path) -> None:
    records = "".join(f"<{n}. >\nVN  - Ovid Technologies\nDB  - Embase\nUI  - {n}\nTI  - Title {n}.\n"
                      f"AB  - Abstract {n}.\nYR  - 2020\n\n" for n in range(1, 81))
    path = tmp_path / "ovid.txt"
    path.write_text(records, encoding="utf-8")
    whole = read_in_pieces(path, 800)
    assert len(whole.records) == 80 and whole.records[-1].title == "Title 80."


def test_labelled_abstract_paragraphs_keep_their_full_stops(imported) -> None:
    text = ("<1>\nUnique Identifier\n  123.\nTitle\n  Segments in pharma.\nAbstract\n  First paragraph.\n"
            "  Second paragraph.\nLanguage\n  English.\n")
    rec = imported("ovid.txt", text).records[0]
    assert (rec.title, rec.abstract, rec.language, rec.accession) == \
        ("Segments in pharma.", "First paragraph. Second paragraph.", "en", "123")


def test_detection_before_medline() -> None:
    assert detect_format("<1. >\nVN  - Ovid Technologies\nDB  - Embase\nDP  - 2019\n") == "Ovid"
    assert detect_format("PMID- 1\nOWN - NLM\nDP  - 2019\n") == "MEDLINE"


def test_the_labelled_layout_ovid_saves_as_text(real) -> None:
    """JabRef's test file: '<8>', each field's name on its own line and its value indented below."""
    result = import_file(real("jabref-testresources/OvidImporterTest4.txt"))
    assert result.format == "Ovid" and result.problems == [] and len(result.records) == 1
    rec = result.records[0]
    assert rec.title.endswith("along an elevation transect in Harz Mountains, Germany.")  # '[Article]' dropped
    assert rec.authors == ["Kohler, Lars", "Leuschner, Christoph", "Hauck, Markus", "Hertel, Dietrich"]
    assert (rec.journal, rec.volume, rec.issue, rec.pages, rec.year) == ("Ecohydrology", "8", "6", "1048-1064", 2015)
    assert (rec.doi, rec.issn, rec.language, rec.accession) == \
        ("10.1002/eco.1563", "1936-0584", "en", "01445406-201509000-00006")
    assert rec.keywords[:2] == ["alpine treeline", "canopy cover"] and len(rec.keywords) == 6
    assert rec.abstract == "Lorem ipsum abstract"
