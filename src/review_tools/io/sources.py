"""Which database a record came from, when its export does not say it in words.

RIS exports from EBSCOhost give a database code (``DB  - ecn``), Lens and Scopus only a link to the record,
BibTeX from Web of Science a ``WOS:`` id.  The table names the database so the merged record set keeps
every source database even for records that were not merged with another.
"""

from __future__ import annotations

import functools

# EBSCOhost database codes (the 'db=' of its links and the DB tag of its RIS).
EBSCO_CODES = {
    "ecn": "EconLit", "psyh": "APA PsycInfo", "pdh": "APA PsycArticles", "eric": "ERIC", "cmedm": "MEDLINE",
    "mdc": "MEDLINE Complete", "a9h": "Academic Search Complete", "aph": "Academic Search Premier",
    "bth": "Business Source Premier", "buh": "Business Source Complete", "rzh": "CINAHL Plus with Full Text",
    "ccm": "CINAHL Complete", "cin20": "CINAHL", "sih": "SocINDEX with Full Text", "lxh": "Library, Information "
    "Science & Technology Abstracts", "hch": "Health Source: Nursing/Academic Edition", "e000xww": "eBook Collection",
}
URL_HOSTS = (
    ("lens.org", "Lens"), ("scopus.com", "Scopus"), ("webofscience", "Web of Science"),
    ("isiknowledge", "Web of Science"), ("proquest.com", "ProQuest"), ("ebscohost.com", "EBSCOhost"),
    ("europepmc.org", "Europe PMC"), ("pubmed.ncbi", "PubMed"), ("ieeexplore", "IEEE Xplore"),
    ("jstor.org", "JSTOR"), ("dimensions.ai", "Dimensions"), ("dl.acm.org", "ACM Digital Library"),
    ("dblp.org", "dblp"), ("openalex.org", "OpenAlex"), ("embase.com", "Embase"), ("ovid.com", "Ovid"),
)


def database_name(said: str = "", url: str = "", accession: str = "") -> str:
    """The database's name from what the export says (a name or an EBSCO code), a Web of Science id, or
    the host of the record's link; '' when nothing tells."""
    said = said.strip()
    if said:
        return EBSCO_CODES.get(said.lower(), said)
    if accession.upper().startswith(("WOS:", "ISI:")):
        return "Web of Science"
    return _from_host(url.split("/", 3)[2].lower() if "://" in url else url.lower()) if url else ""


@functools.lru_cache(maxsize=4096)
def _from_host(host: str) -> str:
    """(An export's links share a few hosts: the table is read once per host.)"""
    return next((name for part, name in URL_HOSTS if part in host), "")
