"""Zotero RDF exports (Zotero's "Export Collection... > Zotero RDF"; RDF/XML with its own vocabulary).

Read one top-level element at a time (:mod:`.xml_records`), each parsed with the namespaces declared on the
document's root, so a damaged item is reported with its line and the others are imported.  An item is an
element with a ``z:itemType`` other than attachment or note; its journal, volume, issue, ISSN and DOI sit
on its container (``dcterms:isPartOf``: a ``bib:Journal``, ``bib:Book`` ...), written inside the item or
as an element of its own that the item names by ``rdf:resource`` (``urn:issn:...``).  The element names
are those Zotero's own RDF export writes (its "Zotero RDF" translator).  rdflib would read the graph, but a
whole-document parse loses every record at the first damaged byte; no library reads the export per item.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import replace

from review_tools.io.problems import ImportProblem
from review_tools.io.sources import database_name
from review_tools.io.xml_records import pattern, read_elements, text_of
from review_tools.records import Record, normalise_doi, normalise_language, parse_year

NS = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#", "z": "http://www.zotero.org/namespaces/export#",
    "dc": "http://purl.org/dc/elements/1.1/", "dcterms": "http://purl.org/dc/terms/",
    "bib": "http://purl.org/net/biblio#", "foaf": "http://xmlns.com/foaf/0.1/",
    "prism": "http://prismstandard.org/namespaces/1.2/basic/", "link": "http://purl.org/rss/1.0/modules/link/",
    "vcard": "http://nwalsh.com/rdf/vCard#", "vcard2": "http://www.w3.org/2006/vcard/ns#",
}
# The classes Zotero writes its items and their containers as (rdf:Description for types without one).
_ITEMS = ("bib:Article", "bib:Book", "bib:BookSection", "bib:Thesis", "bib:Letter", "bib:Manuscript", "bib:Interview",
          "bib:MotionPicture", "bib:Illustration", "bib:Document", "bib:Report", "bib:Legislation", "bib:Patent",
          "bib:Image", "bib:Recording", "bib:ConferenceProceedings", "bib:Data", "rdf:Description", "bib:Memo",
          "z:Attachment", "z:Collection")
_CONTAINERS = ("bib:Journal", "bib:Periodical", "bib:Newspaper", "z:Website", "z:Blog", "z:Forum", "bib:CourtReporter",
               "bib:Series", "bib:Part")
_ELEMENT = pattern((*_ITEMS, *_CONTAINERS))
_ROOT = re.compile(r"<rdf:RDF\b[^>]*>")
_DECLARATION = re.compile(r'xmlns:([A-Za-z][\w.-]*)\s*=\s*"([^"]*)"')
_ABOUT = f"{{{NS['rdf']}}}about"
_RESOURCE = f"{{{NS['rdf']}}}resource"
_NOT_RECORDS = {"attachment", "note"}
SPECIAL = {
    "title": "dc:title", "abstract": "dcterms:abstract",
    "authors": "bib:authors (foaf:surname, foaf:givenname), else bib:editors",
    "year": "dc:date", "journal": "dc:title of the container (dcterms:isPartOf)",
    "volume": "prism:volume (container, else item)", "issue": "prism:number (container, else item)",
    "pages": "bib:pages", "doi": "dc:identifier 'DOI ...' (item or container)",
    "issn": "dc:identifier 'ISSN ...'", "isbn": "dc:identifier 'ISBN ...'",
    "url": "dc:identifier/dcterms:URI/rdf:value", "accession": "another dc:identifier text",
    "keywords": "dc:subject (text, or a z:AutomaticTag's rdf:value)", "language": "z:language",
    "document_type": "z:itemType", "database": "z:libraryCatalog, else told by the link's host",
}


def is_zotero_rdf(head: str) -> bool:
    """Whether the start of a file is a Zotero RDF export."""
    return "<rdf:RDF" in head and NS["z"] in head


def read_zotero_rdf(text: str, source: str) -> tuple[list[Record], list[ImportProblem]]:
    """Read the records of a Zotero RDF export; attachments, notes and collections are not records."""
    # Zotero's own prefixes are declared as Zotero writes them, whatever the root says (a damaged byte in
    # a namespace there would lose every record); other prefixes the root declares are kept.
    root = _ROOT.search(text)
    declared = dict(_DECLARATION.findall(root.group(0))) if root else {}
    opening = "<rdf:RDF " + " ".join(f'xmlns:{p}="{uri}"' for p, uri in {**declared, **NS}.items()) + ">"

    def parse(element: str) -> ET.Element:
        return ET.fromstring(f"{opening}{element}</rdf:RDF>")[0]

    nodes, problems = read_elements(text, source, _ELEMENT, lambda node, position, line: (node, line), parse)
    named = {node.get(_ABOUT): node for node, _ in nodes if node.get(_ABOUT)}
    records = []
    for node, line in nodes:
        kind = text_of(node.find("z:itemType", NS))
        if kind and kind not in _NOT_RECORDS:
            records.append(_record(node, _container(node, named), kind, source, len(records) + 1, line))
    # a damaged element is numbered among the records (not among journals and attachments) by its line
    lines = [r.line or 0 for r in records]
    return records, [replace(p, record=sum(1 for n in lines if n < (p.line or 0)) + 1) for p in problems]


def _container(node: ET.Element, named: dict[str, ET.Element]) -> ET.Element | None:
    """The journal, book or website an item is part of (through a section, not a series), written inside
    the item or named by rdf:resource."""
    for part in node.iterfind("dcterms:isPartOf", NS):
        target = part[0] if len(part) else named.get(part.get(_RESOURCE, ""))
        if target is None or target.tag == f"{{{NS['bib']}}}Series":
            continue
        if target.tag == f"{{{NS['bib']}}}Part":
            return _container(target, named)
        return target
    return None


def _identifiers(*nodes: ET.Element | None) -> list[str]:
    return [text for node in nodes if node is not None for e in node.iterfind("dc:identifier", NS)
            if len(e) == 0 and (text := text_of(e))]


def _prefixed(identifiers: list[str], prefix: str) -> str:
    return next((i[len(prefix):].strip() for i in identifiers if i.upper().startswith(prefix)), "")


def _people(node: ET.Element, role: str) -> list[str]:
    out = []
    for person in node.iterfind(f"bib:{role}/rdf:Seq/rdf:li/foaf:Person", NS):
        surname, given = text_of(person.find("foaf:surname", NS)), text_of(person.find("foaf:givenname", NS))
        if surname or given:
            out.append(f"{surname}, {given}" if surname and given else surname or given)
    return out


def _record(node: ET.Element, container: ET.Element | None, kind: str, source: str, position: int,
            line: int) -> Record:
    both = (container, node)  # the container first: Zotero writes volume, issue and identifiers there

    def first(path: str, *where: ET.Element | None) -> str:
        return next((t for n in where if n is not None and (t := text_of(n.find(path, NS)))), "")

    identifiers = _identifiers(*both)
    rec = Record(source_file=source, position=position, line=line, document_type=kind)
    rec.title = first("dc:title", node)
    rec.abstract = first("dcterms:abstract", node)
    rec.authors = _people(node, "authors") or _people(node, "editors")
    rec.year = parse_year(first("dc:date", node))
    rec.journal = first("dc:title", container)
    rec.volume, rec.issue = first("prism:volume", *both), first("prism:number", *both)
    rec.pages = first("bib:pages", node)
    rec.doi = next((d for d in (_prefixed(identifiers, "DOI"), *identifiers) if normalise_doi(d)), "")
    rec.issn, rec.isbn = _prefixed(identifiers, "ISSN"), _prefixed(identifiers, "ISBN")
    rec.accession = next((i for i in identifiers if not re.match(r"(?i)(?:doi|issn|isbn)\s", i)), "")
    rec.url = first("dc:identifier/dcterms:URI/rdf:value", node)
    rec.keywords = [k for k in (text_of(s.find(".//rdf:value", NS)) if len(s) else text_of(s)
                                for s in node.iterfind("dc:subject", NS)) if k]
    rec.language = normalise_language(first("z:language", node))
    rec.database = database_name(first("z:libraryCatalog", node), rec.url, rec.accession)
    return rec
