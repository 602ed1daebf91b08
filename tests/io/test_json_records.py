"""JSON exports: CSL JSON as Zotero writes it, Publish or Perish's Google Scholar JSON (CoLRev's real
sample), and damaged files, whose records before the damage are kept."""

from __future__ import annotations

import json

from review_tools.io.importer import detect_format, import_file

CSL = [
    {"id": "http://zotero.org/users/1/items/AB12", "type": "article-journal",
     "title": "Customer segmentation in pharma", "container-title": "Journal of Pharma Marketing",
     "page": "101-120", "volume": "12", "issue": "3", "abstract": "Segments matter.", "DOI": "10.1000/jpm.3",
     "ISSN": "1234-567X", "language": "en", "keyword": "segmentation, CRM",
     "author": [{"family": "Smith", "given": "Ann"}, {"literal": "The CRM Group"}],
     "issued": {"date-parts": [[2019, 3]]}},
    {"type": "book", "title": "Key account management", "ISBN": "978-3-16-148410-0",
     "author": [{"family": "Lee", "given": "Chris"}], "issued": {"raw": "2021"}},
]


def test_csl_json_fields(imported) -> None:
    result = imported("zotero.json", json.dumps(CSL, indent=2))
    assert result.format == "JSON" and result.problems == []
    article, book = result.records
    assert (article.title, article.authors, article.year) == \
        ("Customer segmentation in pharma", ["Smith, Ann", "The CRM Group"], 2019)
    assert (article.journal, article.volume, article.issue, article.pages, article.doi, article.issn) == \
        ("Journal of Pharma Marketing", "12", "3", "101-120", "10.1000/jpm.3", "1234-567X")
    assert (article.keywords, article.language, article.document_type, article.accession) == \
        (["segmentation", "CRM"], "en", "article-journal", "")
    assert (book.isbn, book.year, book.line) == ("978-3-16-148410-0", 2021, 33)


def test_a_damaged_file_keeps_the_records_before_the_damage(tmp_path) -> None:
    path = tmp_path / "zotero.json"
    text = json.dumps(CSL, indent=2)
    path.write_text(text.replace('"type": "book",', '"type": "book" "oops",'), encoding="utf-8")
    result = import_file(path)
    assert [r.title for r in result.records] == ["Customer segmentation in pharma"]
    problem = result.problems[0]
    assert problem.skipped and problem.record == 2 and problem.line == 34 and "damaged JSON" in problem.reason
    path.write_text('[{"title": "A"}, 42, {"title": "B"}]', encoding="utf-8")
    result = import_file(path)
    assert [r.title for r in result.records] == ["A", "B"] and result.skipped == 1
    assert "found a JSON number where a record" in result.problems[0].reason
    path.write_text('[{"title": "not closed", ', encoding="utf-8")
    result = import_file(path)
    assert (result.read, result.imported, result.skipped, result.problems[0].line) == (1, 0, 1, 1)
    path.write_text('[{"page": 1, "results": []}, {"title": "A"}]', encoding="utf-8")
    result = import_file(path)
    assert [r.title for r in result.records] == ["A"] and "not a bibliographic record" in result.problems[0].reason
    path.write_text('[{"title": "A"}]', encoding="utf-8")
    assert import_file(path).problems == []  # no warning that the file ends without a newline


def test_detection() -> None:
    assert detect_format('[\n  {"title": "x", "author": []}\n]') == "JSON"
    assert detect_format('{"items": [{"title": "x"}]}') == "JSON"
    assert detect_format('{"status": "ok"}') is None
    assert detect_format('{"meta": {"count": 2}, "results": [{"title": "x"}]}') is None  # an API's reply


def test_publish_or_perish_google_scholar_json(real) -> None:
    result = import_file(real("colrev-search-samples/google_scholar.json"))
    assert result.format == "JSON" and result.problems == [] and len(result.records) == 7
    first = result.records[0]
    assert first.title.startswith("How Trust Leads to Commitment on Microsourcing Platforms")
    assert (first.authors, first.year, first.journal) == (["W Guo", "D Straub", "P Zhang", "Z Cai"], 2021,
                                                          "MIS Quarterly")
    assert (first.accession, first.database, first.pages, first.volume) == \
        ("GS:10955542985646283611", "Google Scholar", "", "")  # Publish or Perish writes 0 for unknown numbers
