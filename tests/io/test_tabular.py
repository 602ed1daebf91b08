"""Tabular exports field by field: each database's own layout, authors, pages, and a user's column mapping."""

from __future__ import annotations

from pathlib import Path

import pytest

from review_tools import dedup
from review_tools.io.importer import import_file
from review_tools.io.problems import ImportFileError
from review_tools.io.tabular import split_authors
from review_tools.records import assign_ids

DATA = Path(__file__).resolve().parents[1] / "data"


def _pair(folder: Path, tab: str, plain: str) -> tuple[list, list]:
    return import_file(folder / tab).records, import_file(folder / plain).records


@pytest.mark.parametrize("where", ["excerpt", "real"])
def test_wos_tab_delimited_pages_are_the_pages_not_the_page_count(where, request) -> None:
    if where == "real":
        folder = request.getfixturevalue("external") / "wosfile-data"
        tab, plain = _pair(folder, "wos_tab_delimited_win_utf8.txt", "wos_plaintext.txt")
    else:
        tab, plain = _pair(DATA / "reliability", "wos_tab_excerpt.txt", "wos_plaintext_excerpt.txt")
    assert [r.pages for r in tab] == [r.pages for r in plain] and tab[0].pages == "5-21"
    assert [r.accession for r in tab] == [r.accession for r in plain] and tab[0].accession.startswith("WOS:")
    both = tab + plain
    assign_ids(both)
    result = dedup.deduplicate(both)
    assert len(result.records) == len(plain) and not result.uncertain  # the same records: one of each left


def test_embase_csv_fields_hidden_in_source_and_link(real) -> None:
    result = import_file(real("asreview-demo-data/embase.csv"))
    assert result.format == "Embase CSV"
    first = result.records[0]
    assert (first.journal, first.year, first.volume, first.issue, first.pages) == (
        "Endoscopic Ultrasound", 2014, "3", "3", "152-160")
    assert first.doi == "10.4103/2303-9027.138783" and first.database == "Embase"
    assert first.authors == ["Liu R.", "Adler D.G."]
    assert "bronchogenic duplication cyst (diagnosis, surgery)" in first.keywords
    assert all(r.year and r.journal and r.doi for r in result.records)


def test_embase_csv_with_its_own_columns_uses_them(tmp_path) -> None:
    path = tmp_path / "embase_new.csv"
    path.write_text("Title,Author Names,Source title,Publication Year,Volume,Issue,First Page,Last Page,DOI,"
                    "Emtree Medical Index Terms,Source\n"
                    '"Key accounts","Smith J.",Pharma Journal,2021,7,2,11,19,10.5555/x.1,"pharmacy, marketing",'
                    '"Pharma Journal (2021) 7:2 (11-19). Date of Publication: 2021"\n', encoding="utf-8")
    r = import_file(path).records[0]
    assert (r.journal, r.year, r.volume, r.issue, r.pages, r.doi, r.database) == (
        "Pharma Journal", 2021, "7", "2", "11-19", "10.5555/x.1", "Embase")


def test_pubmed_and_ieee_csv(real) -> None:
    pubmed = import_file(real("colrev-search-samples/pubmed_csv.csv")).records[0]
    assert (pubmed.database, pubmed.accession, pubmed.volume, pubmed.issue, pubmed.pages, pubmed.journal) == (
        "PubMed", "11223344", "1", "2", "10-11", "Nature")
    ieee = import_file(real("colrev-search-samples/ieee_csv.csv")).records[0]
    assert ieee.authors == ["Joseph Rottman", "Erran Carmel", "Mary Lacity"]


def test_lens_csv(external) -> None:
    r = import_file(external / "bibliometrix-fixtures/lens_sample.csv").records[0]
    assert (r.database, r.accession, r.year, r.issn) == ("Lens", "000-360-106-493-122", 2020, "21945411")
    assert r.authors[:2] == ["Petar Radanliev", "David De Roure"]


@pytest.mark.parametrize(("cell", "names"), [
    ("Smith, J. W., 2nd", ["Smith, J. W., 2nd"]),
    ("Smith J.W., Jr., Doe A.", ["Smith J.W., Jr.", "Doe A."]),
    ("Phillips, James C. (57202138757); Braun, Rosemary (7202138757)", ["Phillips, James C.", "Braun, Rosemary"]),
    ("Phillips J.C., Braun R., Wang W.", ["Phillips J.C.", "Braun R.", "Wang W."]),
    ("Smith, John", ["Smith, John"]),
])
def test_split_authors(cell: str, names: list[str]) -> None:
    assert split_authors(cell) == names


def test_a_column_mapping_from_the_command_line(tmp_path, capsys) -> None:
    from review_tools.cli import main

    path = tmp_path / "odd.csv"
    path.write_text("Heading,Writers,When\nPharmacy segments,Smith J.,2020\n", encoding="utf-8")
    out = tmp_path / "records.csv"
    assert main(["import", str(path), "--column", "title=Heading", "--column", "authors=Writers",
                 "--column", "year=When", "--out", str(out)]) == 0
    r = import_file(out).records[0]
    assert (r.title, r.authors, r.year) == ("Pharmacy segments", ["Smith J."], 2020)
    with pytest.raises(SystemExit):
        main(["import", str(path), "--column", "titel=Heading"])
    assert "FIELD one of title" in capsys.readouterr().err


def test_wos_tab_delimited_reads_full_names(tmp_path) -> None:
    path = tmp_path / "savedrecs.txt"
    path.write_text("PT\tAU\tAF\tTI\tSO\tPY\tBP\tEP\tPG\tDI\tUT\n"
                    "J\tCroft, D; Smith, JW\tCroft, David; Smith, John W.\tA title\tJ TEST\t2019\tD561\tD565\t5\t"
                    "10.1093/nar/gky1002\tWOS:000462587400081\n", encoding="utf-8")
    r = import_file(path).records[0]
    assert r.authors == ["Croft, David", "Smith, John W."] and r.pages == "D561-D565"


def test_scopus_rows_with_more_funding_texts_than_the_header_names(imported, real) -> None:
    """Scopus writes a record's second funding text as a cell the header does not name: every later cell
    (language, document type, EID ...) was read one column too far left, with a warning on each row."""
    header = "Authors,Title,Year,Source title,Funding Text 1,References,Language of Original Document," \
             "Document Type,EID\n"
    rows = ('Smith J.,One,2020,J Pharma,Grant A,Refs,English,Article,2-s2.0-1\n'
            'Lee C.,Two,2021,J Pharma,Grant B,Grant C,Refs,English,Review,2-s2.0-2\n')
    result = imported("scopus.csv", header + rows)
    assert result.format == "Scopus CSV" and result.problems == []
    assert [(r.language, r.document_type, r.accession) for r in result.records] == \
        [("en", "article", "2-s2.0-1"), ("en", "review", "2-s2.0-2")]
    litstudy = import_file(real("litstudy-testdata/scopus.csv"))
    assert litstudy.problems == [] and {r.accession[:7] for r in litstudy.records} == {"2-s2.0-"}
    assert {r.language for r in litstudy.records} == {"en"}


def _xls(path: Path, rows: list[list[object]]) -> Path:
    import xlwt

    book = xlwt.Workbook()
    sheet = book.add_sheet("savedrecs")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            sheet.write(r, c, value)
    book.save(str(path))
    return path


def test_web_of_science_excel_export(tmp_path) -> None:
    """Web of Science's "Excel" export is an Excel 97-2003 workbook (savedrecs.xls); numbers come as floats."""
    header = ["Publication Type", "Authors", "Author Full Names", "Article Title", "Article Title - Chinese",
              "Source Title", "Volume", "Issue", "Start Page", "End Page", "DOI", "Publication Year", "Abstract",
              "Language", "Document Type", "ISSN", "UT (Unique WOS ID)"]
    rows = [header,
            ["J", "Smith, A", "Smith, Ann", "Customer segmentation in pharma", "", "J Pharma Mark", 12, 3, 101,
             120, "10.1000/jpm.1", 2019, "Segments matter.", "English", "Article", "1234-567X",
             "WOS:000123456700001"],
            ["J", "Bae, D", "Bae, Daekweon", "", "다중지능과 학업성취도의 상관관계", "Modern English Education", 11, 1,
             "", "", "", 2020, "", "Korean", "Article", "", "KJD:ART002"]]
    result = import_file(_xls(tmp_path / "savedrecs.xls", rows))
    assert (result.format, result.encoding, result.problems) == ("XLS", "binary (XLS)", [])
    first, korean = result.records
    assert (first.title, first.authors, first.year, first.volume, first.issue, first.pages) == \
        ("Customer segmentation in pharma", ["Smith, Ann"], 2019, "12", "3", "101-120")
    assert (first.doi, first.accession, first.database, first.language) == \
        ("10.1000/jpm.1", "WOS:000123456700001", "Web of Science", "en")
    assert korean.title == "다중지능과 학업성취도의 상관관계" and korean.journal == "Modern English Education"


def test_a_file_that_only_looks_like_a_workbook_is_refused_with_its_name(tmp_path) -> None:
    path = tmp_path / "savedrecs.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600))
    with pytest.raises(ImportFileError, match=rf"{path}: not a readable XLS workbook"):
        import_file(path)


def test_publish_or_perish_csv(tmp_path) -> None:
    """Publish or Perish's CSV (its header as the program writes it, rows made up here): 0 is an unknown
    volume, issue or page, authors are split at commas, and Google Scholar is the database where the row's
    links are Google Scholar's."""
    path = tmp_path / "pop.csv"
    path.write_text(
        "Cites,Authors,Title,Year,Source,Publisher,ArticleURL,CitesURL,GSRank,QueryDate,Type,DOI,ISSN,CitationURL,"
        "Volume,Issue,StartPage,EndPage,ECC,CitesPerYear,CitesPerAuthor,AuthorCount,Age,Abstract,FullTextURL,"
        "RelatedURL\n"
        '42,"AG Meyer, J Smith, K Doe",Customer segmentation in pharma,2020,Journal of Marketing,Elsevier,'
        "https://example.org/a,https://scholar.google.com/scholar?cites=1,1,2024-05-01 10:00:00,,10.1234/x,"
        '1234-5678,,12,3,101,115,42,10.5,14,3,4,"… physicians by …",https://example.org/a.pdf,\n'
        "0,P Kotler,Key account management …,2018,Industrial Marketing …,,https://example.org/b,,2,"
        "2024-05-01 10:00:00,BOOK,,,,0,0,0,0,0,0,0,1,6,,,https://scholar.google.com/scholar?q=related:b\n",
        encoding="utf-8")
    result = import_file(path)
    first, second = result.records
    assert result.format == "Publish or Perish CSV"
    assert first.authors == ["AG Meyer", "J Smith", "K Doe"] and first.journal == "Journal of Marketing"
    assert (first.volume, first.issue, first.pages, first.url) == ("12", "3", "101-115", "https://example.org/a")
    assert (second.volume, second.issue, second.pages, second.document_type) == ("", "", "", "book")
    assert first.database == second.database == "Google Scholar"
