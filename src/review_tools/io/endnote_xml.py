"""EndNote XML exports ("File > Export > XML" of an EndNote library; Mendeley and other reference managers
write the same layout).

Read one ``<record>`` at a time (:mod:`.xml_records`).  The elements are EndNote's (its RSXML DTD): every
text is wrapped in ``<style>`` runs, which are read as plain text.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from review_tools.io.problems import ImportProblem
from review_tools.io.sources import database_name
from review_tools.io.xml_records import pattern, read_elements, text_of
from review_tools.records import Record, issn_or_isbn, normalise_doi, normalise_language, parse_year

_RECORD = pattern(("record",))
# Record field -> elements tried in order (the first with text)
FIELDS = {
    "title": ("titles/title",), "abstract": ("abstract",),
    "journal": ("periodical/full-title", "titles/secondary-title", "alt-periodical/full-title"),
    "volume": ("volume",), "issue": ("number",), "pages": ("pages",), "language": ("language",),
    "accession": ("accession-num",),
}
SPECIAL = {
    "authors": "contributors/authors/author, every one in order",
    "year": "dates/year, else dates/pub-dates/date",
    "doi": "electronic-resource-num when it holds a DOI, else a DOI link in urls",
    "issn": "isbn when it is an ISSN (####-####)",
    "isbn": "isbn when it is not an ISSN",
    "keywords": "keywords/keyword",
    "document_type": "the name of ref-type (Journal Article ...)",
    "url": "urls/related-urls/url, else urls/web-urls/url",
    "database": "remote-database-name, else told by the accession number (ISI:) or the link's host",
}


def is_endnote_xml(head: str) -> bool:
    """Whether the start of a file is EndNote XML."""
    return "<records>" in head and bool(re.search(r"<record>|<ref-type\b", head))


def _record(node: ET.Element, source: str, position: int, line: int) -> Record:
    rec = Record(source_file=source, position=position, line=line)
    for name, paths in FIELDS.items():
        setattr(rec, name, next((t for t in (text_of(node.find(p)) for p in paths) if t), ""))
    rec.authors = [a for a in (text_of(e) for e in node.iterfind("contributors/authors/author")) if a]
    rec.year = parse_year(text_of(node.find("dates/year")) or text_of(node.find("dates/pub-dates/date")))
    urls = [text_of(e) for e in node.iterfind("urls/related-urls/url")] + \
        [text_of(e) for e in node.iterfind("urls/web-urls/url")]
    rec.url = next((u for u in urls if u), "")
    rec.doi = next((d for d in (text_of(node.find("electronic-resource-num")), *urls) if normalise_doi(d)), "")
    rec.issn, rec.isbn = issn_or_isbn(text_of(node.find("isbn")))
    rec.keywords = [k for k in (text_of(e) for e in node.iterfind("keywords/keyword")) if k]
    kind = node.find("ref-type")
    rec.document_type = (kind.get("name", "") if kind is not None else "").lower()
    rec.language = normalise_language(rec.language)
    rec.database = database_name(text_of(node.find("remote-database-name")), rec.url, rec.accession)
    return rec


def read_endnote_xml(text: str, source: str) -> tuple[list[Record], list[ImportProblem]]:
    """Read the records of an EndNote XML export (or of a piece of one cut before a record)."""
    return read_elements(text, source, _RECORD, lambda node, position, line: _record(node, source, position, line))
