"""Make the excerpts of the recorded API replies kept here, from ``../shared/data/external/api-replies``.

Run by hand (``.venv/bin/python tests/data/api-replies/excerpt.py``) when the recordings change; a user's
clone has no ``../shared``, so the connector tests read these instead.  Only MIT, BSD-3-Clause and Apache-2.0
recordings are copied (none of Biopython's; PubMed's hand-written stand-ins are beside them).  Small files are
copied byte for byte; large ones are cut: fewer results, and keys review-tools does not read removed.
"""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
SHARED = HERE.parents[3] / "shared" / "data" / "external" / "api-replies"

WHOLE = [
    "openalex/researchhub__openalex_empty_response.json",
    "openalex/paperqa__test_does_openalex_work_not-in-openalex.yaml",
    "pubmed/dspace__pubmedimport-fetch-test.xml",
    "europepmc/pyeuropepmc__search_no_results.json",
    "crossref/habanero__test_works_query.yaml",
    "crossref/habanero__test_cursor_fails_cursor_value.yaml",
    "crossref/rcrossref__cr_works_with_cursor_fails_well.yml",
    "arxiv/arxivpy__q_testing_s0_m10_bc5a6c384fe9.json",
    "arxiv/arxivpy__q_testing_s10_m10_34e56e15aaac.json",
    "arxiv/arxivpy__id_abc_s0_m100_b79c8dcf6bc3.json",
    "scopus/fulltext__ft_search_scopus.yml",
]
OPENALEX_KEYS = ("id", "doi", "title", "display_name", "publication_year", "language", "type", "primary_location",
                 "authorships", "biblio", "keywords", "abstract_inverted_index")
CROSSREF_KEYS = ("title", "author", "DOI", "issued", "published", "container-title", "volume", "issue", "page",
                 "type", "language", "ISSN", "ISBN", "URL", "abstract", "subject")
EPMC_DROP = ("fullTextUrlList", "affiliation", "commentCorrectionList", "dbCrossReferenceList", "chemicalList")


def _openalex_work(work: dict) -> dict:
    out = {k: work[k] for k in OPENALEX_KEYS if k in work}
    out["authorships"] = [{"author": {"display_name": a["author"]["display_name"]}} for a in work["authorships"]]
    return out


def _epmc(result: dict) -> dict:
    out = {k: v for k, v in result.items() if k not in EPMC_DROP}
    for author in (out.get("authorList") or {}).get("author") or []:
        author.pop("authorAffiliationDetailsList", None)
    return out


def _write(relative: str, text: str) -> None:
    path = HERE / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def main() -> None:
    for relative in WHOLE:
        (HERE / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(SHARED / relative, HERE / relative)

    name = "openalex/researchhub__openalex_sample_response.json"
    page = json.loads((SHARED / name).read_text(encoding="utf-8"))
    page["results"] = [_openalex_work(w) for w in page["results"][:2]]
    _write(name, json.dumps(page, indent=1, ensure_ascii=False))

    name = "openalex/paperqa__test_title_search_paper_attributes2.yaml"
    doc = yaml.safe_load((SHARED / name).read_bytes())
    doc["interactions"] = [i for i in doc["interactions"] if "api.openalex.org" in i["request"]["uri"]]
    _write(name, yaml.safe_dump(doc, allow_unicode=True))

    name = "pubmed/fulltext__ft_search_fails_well_entrez_limit2large.yml"
    doc = yaml.safe_load((SHARED / name).read_bytes())
    doc["http_interactions"] = [i for i in doc["http_interactions"]
                                if str(i["response"]["status"].get("status_code")) == "414"]
    _write(name, yaml.safe_dump(doc, allow_unicode=True))

    name = "europepmc/pyeuropepmc__search_cancer_core.json"
    page = json.loads((SHARED / name).read_text(encoding="utf-8"))
    page["resultList"]["result"] = [_epmc(r) for r in page["resultList"]["result"][:4]]
    _write(name, json.dumps(page, indent=2, ensure_ascii=False))

    name = "europepmc/pyeuropepmc__fetch_10pages_cancer.json"
    pages = json.loads((SHARED / name).read_text(encoding="utf-8"))
    for page in pages:
        page["resultList"]["result"] = [_epmc(r) for r in page["resultList"]["result"][:2]]
    _write(name, json.dumps(pages, indent=1, ensure_ascii=False))

    name = "crossref/habanero__test_cursor_max.yaml"
    doc = yaml.safe_load((SHARED / name).read_bytes())
    doc["interactions"] = doc["interactions"][:3]
    for interaction in doc["interactions"]:
        body = interaction["response"]["body"]["string"]
        reply = json.loads(gzip.decompress(body) if isinstance(body, bytes) else body)
        reply["message"]["items"] = [{k: item[k] for k in CROSSREF_KEYS if k in item}
                                     for item in reply["message"]["items"]]
        interaction["response"]["body"]["string"] = json.dumps(reply, ensure_ascii=False)
        interaction["response"]["headers"].pop("content-encoding", None)
    _write(name, yaml.safe_dump(doc, allow_unicode=True))


if __name__ == "__main__":
    main()
