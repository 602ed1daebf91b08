"""ProQuest's plain-text export: a hand-written file in ABI/INFORM's layout (paragraphs of an abstract that
start with 'Label:', the report's frame around the documents) and ProQuest Dissertations' real export."""

from __future__ import annotations

from tests.io.conftest import read_in_pieces

from review_tools.io.importer import detect_format, import_file

RULE = "_" * 60
EXPORT = f"""{RULE}

Report Information from ProQuest
November 30 2026 10:00
{RULE}

Table of contents

1. Customer segmentation: a pharma view

2. Key account management in practice

{RULE}

Document 1 of 2

Customer segmentation: a pharma view

Author: Smith, Ann; Jones, Bo

https://www.proquest.com/docview/1234567890

Abstract: Segments matter.

Background: physicians differ in value and potential.

Results: three care models.

Subject: Customer relationship management; Pharmaceutical industry

Identifier / keyword: segmentation, RFM

Title: Customer segmentation: a pharma view

Publication title: Journal of Pharma Marketing

Volume: 12

Issue: 3

Pages: 101-120

Publication year: 2019

ISSN: 1234567X

DOI: https://doi.org/10.1000/jpm.2019.3

Language of publication: English

Document type: Journal Article

ProQuest document ID: 1234567890

Database: ABI/INFORM Collection

{RULE}

Document 2 of 2

Key account management in practice

Author: Lee, Chris

Publication year: 2021

Document type: Dissertation/Thesis

{RULE}

Contact us at: http://www.proquest.com/go/contactsupport
Terms and Conditions: http://search.proquest.com/info/termsAndConditions
"""


def test_fields_paragraphs_and_the_frame(imported) -> None:
    result = imported("proquest.txt", EXPORT)
    assert result.format == "ProQuest text" and result.problems == [] and len(result.records) == 2
    first, thesis = result.records
    assert first.title == "Customer segmentation: a pharma view" and first.line == 15
    assert first.authors == ["Smith, Ann", "Jones, Bo"]
    assert first.abstract == ("Segments matter. Background: physicians differ in value and potential. "
                              "Results: three care models.")
    assert (first.journal, first.volume, first.issue, first.pages, first.year) == \
        ("Journal of Pharma Marketing", "12", "3", "101-120", 2019)
    assert (first.doi, first.issn, first.language, first.document_type) == \
        ("10.1000/jpm.2019.3", "1234567X", "en", "journal article")
    assert (first.accession, first.database, first.url) == \
        ("1234567890", "ABI/INFORM Collection", "https://www.proquest.com/docview/1234567890")
    assert first.keywords == ["segmentation", "RFM", "Customer relationship management", "Pharmaceutical industry"]
    assert (thesis.title, thesis.authors, thesis.year, thesis.document_type) == \
        ("Key account management in practice", ["Lee, Chris"], 2021, "dissertation/thesis")


def test_a_large_export_read_in_pieces_gives_the_same_records(tmp_path) -> None:
    documents = "".join(f"Document {n} of 60\n\nTitle line {n}\n\nAuthor: Author {n}\n\nAbstract: Text {n}.\n\n"
                        f"Publication year: 2020\n\n{RULE}\n\n" for n in range(1, 61))
    path = tmp_path / "proquest.txt"
    path.write_text(f"{RULE}\n\nReport Information from ProQuest\n{RULE}\n\n{documents}", encoding="utf-8")
    whole = read_in_pieces(path, 1_000)
    assert len(whole.records) == 60 and whole.records[59].title == "Title line 60"


def test_detection() -> None:
    assert detect_format(f"{RULE}\n\nReport Information from ProQuest\n") == "ProQuest text"
    assert detect_format("Document 1 of 3\n\nA title\n\nProQuest document ID: 12\n") == "ProQuest text"


def test_proquest_dissertations_export(external) -> None:
    """100 theses exported from ProQuest Dissertations & Theses (metaknowledge's test file, GPL-2.0: read
    in place, not copied here)."""
    result = import_file(external / "metaknowledge-testdata" / "ProQuest_TestFile.testtxt")
    assert len(result.records) == 100 and result.problems == []
    first = result.records[0]
    assert (first.title, first.authors, first.year, first.isbn) == \
        ("Entrenchment and the Kripke-Wittgenstein paradox", ["Dorst, Chris"], 2014, "9781303940095")
    assert first.abstract.startswith("Surprisingly little attention") and first.accession == "1548716365"
    assert all(r.title and r.abstract and len(r.authors) == 1 for r in result.records)
