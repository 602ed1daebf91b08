"""Every reader on every real export of its format in ../shared/data/external.

Record counts are checked against the file itself, counted here independently of the readers (one
``TY  -`` line per RIS record, one ``PT`` line per Web of Science record, one ``@type{`` per BibTeX entry,
one data row per CSV line); fields are spot-checked by hand on one record per source.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

from review_tools.io.encoding import decode
from review_tools.io.importer import import_file

RIS = [
    "asreview-demo-data/scopus.ris", "asreview-demo-data/ris_issue_1099.txt", "asysd-testdata/scopus.ris",
    "synthesisr-extdata/scopus.ris", "citesource-exports/20221207_gambling-harms_scopus_255.ris",
    "jabref-testresources/RisImporterTestScopus.ris", "asreview-demo-data/web_of_science.txt",
    "asysd-testdata/wos_test.ris", "citesource-exports/WoS_79.ris", "citesource-exports/wos_278.ris",
    "citesource-exports/psycinfo_64.ris", "citesource-exports/20221207_gambling-harms_crimjust_41.ris",
    "citesource-exports/envindex_100.ris", "citesource-exports/econlit_3.ris", "citesource-exports/GreenFile.ris",
    "asreview-demo-data/proquest.ris", "colrev-search-samples/abi_inform_proquest_ris.ris",
    "asreview-demo-data/ovid_psycinfo.ris", "asreview-demo-data/ovid_zotero.ris", "citesource-exports/medline_84.ris",
    "asreview-demo-data/pubmed_endnote.txt", "asreview-demo-data/pubmed_zotero.ris",
    "citesource-exports/pubmed_46.ris", "citesource-exports/20221207_gambling-harms_pubmed_176.ris",
    "asreview-demo-data/embase.ris", "srd-screening/Virus_Metagenomics_in_Farm_Animals-INCLUDED-v2.txt",
    "citesource-exports/20221207_gambling-harms_lens_49.ris", "citesource-exports/Dimensions_246.ris",
    "colrev-search-samples/ieee_ris.ris", "colrev-search-samples/jstor_ris.ris", "colrev-search-samples/trid_ris.ris",
    "citesource-exports/AGRIS.ris", "asreview-demo-data/ris_issue_992.txt", "asreview-demo-data/_baseline.ris",
    "asreview-demo-data/baseline_empty_values.ris", "asreview-demo-data/baseline_reference_types.ris",
    "asreview-demo-data/baseline_tag-notes.ris", "asreview-demo-data/faulty_year.ris",
    "asreview-demo-data/ris_many_authors.ris", "citesource-exports/benchmark.ris", "citesource-exports/final_24.ris",
    "citesource-exports/screened_128.ris", "revtools-examples/avian_ecology_bibliography.ris",
    "colrev-search-samples/psycinfo_ris.ris", "litstudy-testdata/example.ris", "asysd-testdata/ris_export.txt",
    *[f"rispy-testdata/{n}" for n in (
        "example_bom.ris", "example_custom_list_tags.ris", "example_empty_tag.ris", "example_extraneous_data.ris",
        "example_full.ris", "example_full_without_whitespace.ris", "example_multi_unknown_tags.ris",
        "example_multiline.ris", "example_starting_newlines.ris", "example_urls.ris", "example_utf_chars.ris")],
]
WOS = [
    "wosfile-data/wos_plaintext.txt", "bibliometrix-fixtures/wos_sample.txt", "tethne-testdata/wos.txt",
    "wostools-examples/single-article.txt", "synthesisr-extdata/zoorec.txt", "rispy-testdata/example_wos.ris",
    "refsplitr-extdata/BITR_test.txt", "refsplitr-extdata/BadHeader.txt", "refsplitr-extdata/example_data.txt",
    "metaknowledge-testdata/OnePaper.isi", "metaknowledge-testdata/TwoPaper.isi", "metaknowledge-testdata/testFile.isi",
    "metaknowledge-testdata/badFile.isi", "jabref-testresources/IsiImporterTestWOS.isi",
    "jabref-testresources/IsiImporterTestInspec.isi", "jabref-testresources/IsiImporterTestMedline.isi",
]
MEDLINE = [
    "metaknowledge-testdata/medline_test.medline", "pybibx-assets/mcda_pubmed.txt",
    "jabref-testresources/NbibImporterTest.nbib", "jabref-testresources/MedlinePlainImporterTestCompleteEntry.txt",
    "colrev-search-samples/eric_nbib.nbib", "colrev-search-samples/nbib_data.nbib",
]
BIBTEX = [
    *[f"colrev-search-samples/{n}" for n in (
        "abi_inform_proquest_bib.bib", "acm_bib.bib", "dblp_bib.bib", "dedupe_records.bib",
        "dedupe_records_expected.bib", "ebsco_bib.bib", "europe_pmc_bib.bib", "scopus_bib.bib",
        "taylor_and_francis_bib.bib", "web_of_science_bib.bib", "wiley_bib.bib")],
    "pybibx-assets/wos_m.bib", "asysd-testdata/zotero_export.bib", "asysd-testdata/test_export.bib",
    *[f"jabref-testresources/{n}" for n in (
        "jabref-authors.bib", "testjabref.bib", "complex.bib", "crossref.bib", "tiny-BE-noBOM.bib", "utf8-bom.bib")],
    *[f"pybtex-data/{n}" for n in ("IEEEtran.bib", "cyrillic.bib", "extrafields.bib", "tugboat.bib", "xampl.bib")],
    *[f"bibtexparser-v1-testdata/{n}" for n in (
        "article_comma_first.bib", "article_missing_coma.bib", "article_no_braces.bib", "article_start_with_bom.bib",
        "article_with_protection_braces.bib", "article_with_special_characters.bib", "article_with_strings.bib",
        "biber-examples.bib", "book_bom.bib", "book_capital_AND.bib", "comments_percentage_nolastcoma.bib",
        "comments_spaces_and_declarations.bib", "crossref_entries.bib", "encoding.bib", "features.bib",
        "fieldname.bib", "multiple_entries_and_comments.bib", "string.bib", "traps.bib", "wrong.bib",
        "xref_entries.bib")],
]
TABULAR = [
    "litstudy-testdata/scopus.csv", "bibliometrix-fixtures/scopus_sample.csv", "tethne-testdata/scopus.csv",
    "asreview-demo-data/embase.csv", "litstudy-testdata/ieee.csv", "litstudy-testdata/ieee_1.csv",
    "litstudy-testdata/springer.csv", "litstudy-testdata/springer_notebook.csv",
    "bibliometrix-fixtures/lens_sample.csv", "bibliometrix-fixtures/openalex_sample.csv",
    "colrev-search-samples/pubmed_csv.csv",
    "colrev-search-samples/ieee_csv.csv", "colrev-search-samples/springer_csv.csv",
    "wosfile-data/wos_tab_delimited_win_utf8.txt", "asreview-demo-data/generic_labels.csv",
    "asreview-demo-data/generic_semicolon.csv", "asreview-demo-data/generic_tab.tsv",
    "asreview-demo-data/missing_values.csv", "asreview-demo-data/duplicate_records.csv",
    "srd-screening/Nagtegaal_2019.csv", "srd-screening/Cohen_2006_Antihistamines.csv",
]


def _text(path: Path) -> str:
    return decode(path.read_bytes(), str(path)).text.lstrip("\ufeff")


def _bib_entries(text: str) -> int:
    return len(re.findall(r"^\s*@(?!string|comment|preamble)[A-Za-z]+\s*[{(]", text, re.MULTILINE | re.IGNORECASE))


def _csv_rows(text: str, tab: bool) -> int:
    first = text.split("\n", 1)[0]
    delim = "\t" if tab or first.count("\t") > max(first.count(","), first.count(";")) else (
        ";" if first.count(";") > first.count(",") else ",")
    rows = list(csv.reader(io.StringIO(text), delimiter=delim, quoting=csv.QUOTE_NONE if tab else csv.QUOTE_MINIMAL))
    return sum(1 for r in rows[1:] if any(c.strip() for c in r))


@pytest.mark.parametrize("name", RIS)
def test_ris_files(real, name) -> None:
    path = real(name)
    res = import_file(path)
    assert res.format == "RIS"
    assert res.read == len(re.findall(r"^TY  -", _text(path), re.MULTILINE))
    assert res.skipped == 0 and res.read == res.imported + res.skipped


@pytest.mark.parametrize("name", WOS)
def test_wos_plain_text_files(real, name) -> None:
    path = real(name)
    res = import_file(path)
    assert res.format == "Web of Science plain text"
    assert res.read == len(re.findall(r"^PT ", _text(path), re.MULTILINE)) > 0
    assert res.skipped == 0


@pytest.mark.parametrize("name", MEDLINE)
def test_medline_files(real, name) -> None:
    path = real(name)
    res = import_file(path)
    assert res.format == "MEDLINE"
    text = _text(path)
    expected = len(re.findall(r"^PMID-", text, re.MULTILINE)) or len(re.findall(r"^OWN -", text, re.MULTILINE))
    assert res.read == expected > 0


def test_medline_multiple_entries_with_oddities(real) -> None:
    path = real("jabref-testresources/MedlinePlainImporterTestMultipleEntries.txt")
    res = import_file(path)
    assert res.read == 7  # as JabRef's own importer test expects
    stray = [p for p in res.problems if "neither a tag" in p.reason]
    assert len(stray) == 1 and stray[0].line == 53


@pytest.mark.parametrize("name", BIBTEX)
def test_bibtex_files(real, name) -> None:
    path = real(name)
    res = import_file(path)
    assert res.format == "BibTeX"
    assert res.read == _bib_entries(_text(path))
    assert res.read == res.imported + res.skipped


@pytest.mark.parametrize("name", TABULAR)
def test_tabular_files(real, name) -> None:
    path = real(name)
    res = import_file(path)
    assert res.read == _csv_rows(_text(path), res.format == "Web of Science tab-delimited")
    assert res.skipped == 0


def test_xlsx_file(real) -> None:
    res = import_file(real("colrev-search-samples/xlsx_data.xlsx"))
    assert res.format == "XLSX" and res.imported == 3
    assert all(r.title for r in res.records)


def test_files_with_no_records_are_refused_clearly(real) -> None:
    from review_tools.io.problems import ImportFileError

    for name in ("bibtexparser-v1-testdata/common_strings.bib", "bibtexparser-v1-testdata/multiline_comments.bib"):
        with pytest.raises(ImportFileError, match="BibTeX file with no records"):
            import_file(real(name))
    with pytest.raises(ImportFileError, match="not a recognised export"):
        import_file(real("jabref-testresources/CopacImporterTest2.txt"))  # a library catalogue's format


# Spot checks: one record per source, values read off the file by hand.
def test_spot_scopus_ris(real) -> None:
    r = import_file(real("citesource-exports/20221207_gambling-harms_scopus_255.ris")).records[0]
    assert r.year and r.title and r.authors and r.doi.startswith("10.")
    assert r.doi == r.doi.lower() and " " not in r.doi


def test_spot_wos_plain_text(real) -> None:
    r = import_file(real("wosfile-data/wos_plaintext.txt")).records[0]
    assert r.title == ("Knowledge networks as channels and conduits: The effects of spillovers in the Boston "
                       "biotechnology community")
    assert r.authors == ["Owen-Smith, J", "Powell, WW"]
    assert r.journal == "ORGANIZATION SCIENCE" and r.language == "en"
    assert r.keywords[:2] == ["knowledge networks", "economic geography"]
    assert r.database == "Web of Science"


def test_spot_wos_tab_delimited_matches_plain_text(real) -> None:
    plain = import_file(real("wosfile-data/wos_plaintext.txt")).records
    tab = import_file(real("wosfile-data/wos_tab_delimited_win_utf8.txt")).records
    assert [r.title for r in plain] == [r.title for r in tab]
    assert [r.doi for r in plain] == [r.doi for r in tab]
    assert [r.id for r in plain] == [r.id for r in tab]


def test_spot_medline(real) -> None:
    r = import_file(real("metaknowledge-testdata/medline_test.medline")).records[0]
    assert r.title == "Bioinformatic survey of ABC transporters in dermatophytes."
    assert r.doi == "10.1016/j.gene.2015.10.064" and r.year == 2016 and r.volume == "576"
    assert r.issn == "1879-0038" and r.abstract.startswith("ATP binding cassette (ABC) transporters")


def test_spot_bibtex_latex_and_strings(real) -> None:
    strings = import_file(real("bibtexparser-v1-testdata/article_with_strings.bib")).records[0]
    assert strings.journal and "{" not in strings.journal and not strings.journal.startswith("@")
    special = import_file(real("bibtexparser-v1-testdata/article_with_special_characters.bib")).records[0]
    assert "\\" not in special.title and "\\" not in " ".join(special.authors)
    tiny = import_file(real("jabref-testresources/tiny-BE-noBOM.bib"))
    assert tiny.encoding == "UTF-16 BE without BOM"


def test_spot_scopus_csv(real) -> None:
    r = import_file(real("litstudy-testdata/scopus.csv")).records[0]
    assert r.title == "Scalable molecular dynamics with NAMD"
    assert r.authors[:2] == ["Phillips J.C.", "Braun R."] and len(r.authors) == 10
    assert (r.year, r.journal, r.volume, r.issue, r.pages, r.doi) == (
        2005, "Journal of Computational Chemistry", "26", "16", "1781-1802", "10.1002/jcc.20289")
    assert r.database == "Scopus"
