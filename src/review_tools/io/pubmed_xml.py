"""PubMed XML exports: PubMed's "Save > XML", EFetch's ``retmode=xml`` and files from tools built on it.

Read one ``<PubmedArticle>`` (or ``<PubmedBookArticle>``) at a time (:mod:`.xml_records`): a damaged
article is reported and skipped, the rest imported, and a large file can be read in pieces cut between
articles.  The elements are NLM's (the PubMed DTD, pubmed_250101.dtd): titles and
abstracts keep the text of their inline markup (``<i>``, ``<sup>``), a structured abstract keeps its
section labels.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from review_tools.io.problems import ImportProblem
from review_tools.io.xml_records import pattern, read_elements, text_of
from review_tools.records import Record, normalise_language, parse_year

_ARTICLE = pattern(("PubmedArticle", "PubmedBookArticle"))
# Record field -> where it comes from (as the field map documents it)
FIELDS = {
    "title": "ArticleTitle (BookTitle for a book), inline markup kept as text",
    "abstract": "Abstract/AbstractText, each section's Label before its text",
    "authors": "AuthorList/Author: LastName, ForeName (else Initials), or CollectiveName",
    "year": "JournalIssue/PubDate/Year, else MedlineDate, else the book's PubDate",
    "journal": "Journal/Title, else ISOAbbreviation",
    "volume": "JournalIssue/Volume", "issue": "JournalIssue/Issue",
    "pages": "Pagination/MedlinePgn, else StartPage-EndPage",
    "doi": "ELocationID or ArticleId with the doi type",
    "issn": "Journal/ISSN", "isbn": "Book/Isbn",
    "keywords": "KeywordList/Keyword, then MeshHeadingList/MeshHeading/DescriptorName",
    "language": "Language", "document_type": "PublicationTypeList/PublicationType (the first)",
    "url": "https://pubmed.ncbi.nlm.nih.gov/<PMID>/", "accession": "PMID", "database": "PubMed",
}


def is_pubmed_xml(head: str) -> bool:
    """Whether the start of a file is PubMed XML."""
    return "<PubmedArticleSet" in head or bool(re.search(r"<Pubmed(?:Book)?Article>", head))


def _abstract(article: ET.Element) -> str:
    parts = []
    for section in article.iterfind(".//Abstract/AbstractText"):
        label, text = section.get("Label", ""), text_of(section)
        parts.append(f"{label}: {text}" if label and text else text)
    return " ".join(p for p in parts if p)


def _authors(article: ET.Element) -> list[str]:
    out = []
    for author in article.iterfind(".//AuthorList/Author"):
        last = text_of(author.find("LastName"))
        first = text_of(author.find("ForeName")) or text_of(author.find("Initials"))
        name = f"{last}, {first}" if last and first else last or text_of(author.find("CollectiveName"))
        if name:
            out.append(name)
    return out


def _record(node: ET.Element, source: str, position: int, line: int) -> Record:
    rec = Record(source_file=source, position=position, line=line, database="PubMed")
    book = node.tag == "PubmedBookArticle"
    rec.title = text_of(node.find(".//ArticleTitle")) or text_of(node.find(".//BookTitle"))
    rec.abstract = _abstract(node)
    rec.authors = _authors(node)
    issue = node.find(".//Article/Journal/JournalIssue")
    date = issue.find("PubDate") if issue is not None else node.find(".//Book/PubDate")
    if date is not None:
        rec.year = parse_year(text_of(date.find("Year")) or text_of(date.find("MedlineDate")))
    if issue is not None:
        rec.volume, rec.issue = text_of(issue.find("Volume")), text_of(issue.find("Issue"))
    journal = node.find(".//Article/Journal")
    if journal is not None:
        rec.journal = text_of(journal.find("Title")) or text_of(journal.find("ISOAbbreviation"))
        rec.issn = text_of(journal.find("ISSN"))
    pagination = node.find(".//Pagination")
    if pagination is not None:
        start, end = text_of(pagination.find("StartPage")), text_of(pagination.find("EndPage"))
        rec.pages = text_of(pagination.find("MedlinePgn")) or (f"{start}-{end}" if start and end else start)
    dois = [text_of(e) for e in node.iterfind(".//ELocationID") if e.get("EIdType") == "doi"]
    dois += [text_of(e) for e in node.iterfind(".//PubmedData/ArticleIdList/ArticleId") if e.get("IdType") == "doi"]
    dois += [text_of(e) for e in node.iterfind(".//PubmedBookData/ArticleIdList/ArticleId") if e.get("IdType") == "doi"]
    rec.doi = next((d for d in dois if d), "")
    rec.isbn = text_of(node.find(".//Book/Isbn")) if book else ""
    rec.keywords = [text_of(k) for k in node.iterfind(".//KeywordList/Keyword")] + \
        [text_of(m) for m in node.iterfind(".//MeshHeadingList/MeshHeading/DescriptorName")]
    rec.keywords = [k for k in rec.keywords if k]
    rec.language = normalise_language(text_of(node.find(".//Language")))
    rec.document_type = text_of(node.find(".//PublicationTypeList/PublicationType")).lower()
    rec.accession = text_of(node.find(".//PMID"))
    rec.url = f"https://pubmed.ncbi.nlm.nih.gov/{rec.accession}/" if rec.accession else ""
    return rec


def read_pubmed_xml(text: str, source: str) -> tuple[list[Record], list[ImportProblem]]:
    """Read the articles of a PubMed XML export (or of a piece of one cut between articles)."""
    return read_elements(text, source, _ARTICLE, lambda node, position, line: _record(node, source, position, line))
