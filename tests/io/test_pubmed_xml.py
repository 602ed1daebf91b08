"""PubMed XML exports: real files (JabRef's and DSpace's tests), a damaged article among good ones, and
a file read in pieces."""

from __future__ import annotations

from tests.io.conftest import read_in_pieces

from review_tools.io.importer import detect_format, import_file

ARTICLE = """<PubmedArticle><MedlineCitation><PMID Version="1">{pmid}</PMID><Article>
<Journal><ISSN IssnType="Print">1234-5678</ISSN><JournalIssue><Volume>7</Volume><Issue>2</Issue>
<PubDate><MedlineDate>2018 Jan-Feb</MedlineDate></PubDate></JournalIssue><Title>Pharma Journal</Title></Journal>
<ArticleTitle>{title}</ArticleTitle><Pagination><StartPage>5</StartPage><EndPage>9</EndPage></Pagination>
<Abstract><AbstractText Label="BACKGROUND">Why.</AbstractText><AbstractText Label="METHODS">p &lt; 0.05.</AbstractText>
</Abstract><AuthorList><Author><LastName>Smith</LastName><Initials>A</Initials></Author>
<Author><CollectiveName>The CRM Group</CollectiveName></Author></AuthorList><Language>eng</Language>
<PublicationTypeList><PublicationType>Randomized Controlled Trial</PublicationType></PublicationTypeList>
</Article></MedlineCitation><PubmedData><ArticleIdList><ArticleId IdType="doi">10.1000/{pmid}</ArticleId>
</ArticleIdList></PubmedData></PubmedArticle>
"""


def _export(titles: list[str]) -> str:
    articles = "".join(ARTICLE.format(pmid=100 + n, title=t) for n, t in enumerate(titles))
    return f'<?xml version="1.0"?>\n<!DOCTYPE PubmedArticleSet>\n<PubmedArticleSet>\n{articles}</PubmedArticleSet>'


def test_fields_and_a_damaged_article_skipped_with_its_line(imported) -> None:
    result = imported("pubmed.xml", _export(["Segmentation of <i>pharmacy</i> customers", "Broken <b>markup",
                                             "Third"]))
    assert result.format == "PubMed XML"
    assert [r.title for r in result.records] == ["Segmentation of pharmacy customers", "Third"]
    assert (result.read, result.imported, result.skipped) == (3, 2, 1)
    damaged = next(p for p in result.problems if p.skipped)
    assert damaged.record == 2 and damaged.line == 14 and "damaged XML" in damaged.reason
    first = result.records[0]
    assert first.abstract == "BACKGROUND: Why. METHODS: p < 0.05."
    assert first.authors == ["Smith, A", "The CRM Group"]
    assert (first.year, first.journal, first.volume, first.issue, first.pages, first.issn) == \
        (2018, "Pharma Journal", "7", "2", "5-9", "1234-5678")
    assert (first.doi, first.accession, first.language, first.document_type) == \
        ("10.1000/100", "100", "en", "randomized controlled trial")
    assert first.url == "https://pubmed.ncbi.nlm.nih.gov/100/" and first.database == "PubMed"


def test_an_article_cut_off_at_the_end_is_reported(imported) -> None:
    cut = _export(["Whole"])[:-len("</PubmedArticleSet>")] + "<PubmedArticle><MedlineCitation>"
    result = imported("pubmed.xml", cut)
    assert [r.title for r in result.records] == ["Whole"] and result.skipped == 1
    assert "never closed" in result.problems[0].reason and result.problems[0].record == 2


def test_a_file_read_in_pieces_gives_the_same_records(tmp_path) -> None:
    path = tmp_path / "pubmed.xml"
    path.write_text(_export([f"Title {n}" for n in range(40)]), encoding="utf-8")
    whole = read_in_pieces(path, 2_000)
    assert len(whole.records) == 40 and whole.problems == []


def test_detection() -> None:
    assert detect_format('<?xml version="1.0"?>\n<PubmedArticleSet>\n<PubmedArticle>') == "PubMed XML"
    assert detect_format("<eSearchResult><Count>3</Count></eSearchResult>") is None


def test_jabref_articles_and_a_book(real) -> None:
    result = import_file(real("jabref-testresources/MedlineImporterTestNbib.xml"))
    assert result.problems == [] and len(result.records) == 2
    article, book = result.records
    assert article.title.startswith("Predictors of treatment failure, incipient hypothyroidism")
    assert (article.accession, article.doi, article.year, article.pages) == ("23633646", "10.3275/8949", 2013, "764-9")
    assert book.title.startswith("Rheumatoid Arthritis: National Clinical Guideline")
    assert (book.authors, book.year, book.accession) == \
        (["National Collaborating Centre for Chronic Conditions (UK)"], 2009, "21413195")


def test_inline_markup_in_titles_is_kept_as_text(real) -> None:
    record = import_file(real("jabref-testresources/MedlineImporterTestArticleItalics.xml")).records[0]
    assert record.title == "Genome-wide significant risk factors on chromosome 19 and the APOE locus."
    assert record.doi == "10.18632/oncotarget.25083" and "ABCA7" in record.keywords
