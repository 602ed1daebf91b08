"""Live searches: one small module per search API behind one interface (:mod:`.base`).

| connector | API | query language | paging | cap split by date |
|---|---|---|---|---|
| openalex | OpenAlex /works | AND/OR/NOT, phrases, stemmed; no truncation | cursor | none needed |
| pubmed | NCBI E-utilities | PubMed syntax | history server + EFetch (MEDLINE) | 10,000 |
| europepmc | Europe PMC /search | TITLE:/ABSTRACT:/KW: fields | cursorMark | none needed |
| crossref | Crossref /works | words only (string applied locally) | cursor | none needed |
| arxiv | arXiv API | ti:/abs:/all: prefixes | start/max_results, 3 s apart | 30,000 |
| scopus | Scopus Search API (own key) | Scopus syntax | start/count | 5,000 (by year) |
"""

from __future__ import annotations

from review_tools.connectors.arxiv import Arxiv
from review_tools.connectors.base import Connector, Page, Query, Window
from review_tools.connectors.crossref import Crossref
from review_tools.connectors.europepmc import EuropePMC
from review_tools.connectors.http import ApiError
from review_tools.connectors.openalex import OpenAlex
from review_tools.connectors.pubmed import PubMed
from review_tools.connectors.scopus import Scopus
from review_tools.connectors.settings import SettingsError

CONNECTORS: dict[str, type[Connector]] = {c.name: c for c in (OpenAlex, PubMed, EuropePMC, Crossref, Arxiv, Scopus)}

__all__ = ["CONNECTORS", "ApiError", "Connector", "Page", "Query", "SettingsError", "Window"]
