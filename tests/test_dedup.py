"""Deduplication: verdict rules by hand, clusters and merging, decisions read back, labelled real sets."""

from __future__ import annotations

import csv
import random
from dataclasses import replace

import pytest

from review_tools import dedup
from review_tools.errors import ReviewToolsError
from review_tools.io.importer import import_file
from review_tools.records import Record, assign_ids


def _recs(*records: Record) -> list[Record]:
    out = list(records)
    assign_ids(out)
    return out


def _verdict(a: Record, b: Record) -> str:
    return dedup.compare(dedup._key(a), dedup._key(b))[0]


BASE = dict(title="Customer segmentation in the pharmaceutical industry", authors=["Smith, J.", "Doe, K."],
            year=2020, journal="Journal of Marketing", volume="12", pages="100-110")


@pytest.mark.parametrize(("change", "expected"), [
    ({}, "duplicate"),
    ({"title": "Customer segmentation in the pharmaceutical industry. [Review] [23 refs]"}, "duplicate"),
    ({"title": "[Customer segmentation in the pharmaceutical industry]. [Finnish]"}, "duplicate"),
    ({"pages": "105"}, "duplicate"),  # inside the other's range
    ({"pages": "e1234"}, "duplicate"),  # article number: not comparable with pages
    ({"authors": ["Smith, John", "Doe, Kate"], "journal": "J Mark"}, "duplicate"),
    ({"year": 2021, "pages": "300-310"}, "distinct"),
    ({"year": 2012}, "uncertain"),  # everything else agrees: a typo in the year?
    ({"year": 2012, "volume": "3"}, "distinct"),
    ({"volume": "13", "pages": "200-210"}, "distinct"),
    ({"title": "Customer segmentation in the chemical industry"}, "duplicate"),  # same volume, pages, year
    ({"title": "Customer segmentation in the pharmaceutical industry of Finland", "pages": "", "volume": ""},
     "uncertain"),
    ({"title": "Patient adherence to statins in primary care", "pages": ""}, "distinct"),
])
def test_verdicts(change, expected) -> None:
    a = Record(**BASE)
    b = Record(**{**BASE, **change})
    assert _verdict(a, b) == expected


def test_titles_that_differ_only_in_numbers_are_distinct() -> None:
    part = {**BASE, "pages": "", "volume": ""}
    assert _verdict(Record(**{**part, "title": "Canadian consensus (Part 1 of 4)"}),
                    Record(**{**part, "title": "Canadian consensus (Part 2 of 4)"})) == "distinct"


def test_doi_rules() -> None:
    a = Record(**BASE, doi="10.1/a")
    assert _verdict(a, Record(title="Customer segmentation in pharma", doi="10.1/a")) == "duplicate"
    assert _verdict(a, Record(title="Erratum", doi="10.1/a")) == "uncertain"  # same DOI, other title
    assert _verdict(a, Record(**BASE, doi="10.1/b")) == "uncertain"  # everything else identical
    assert _verdict(a, Record(**{**BASE, "pages": "1-2"}, doi="10.1/b")) == "distinct"


def test_clusters_merge_fields_and_remember_databases() -> None:
    records = _recs(
        Record(**BASE, database="Scopus", doi="10.1/a"),
        Record(**{**BASE, "pages": ""}, database="Web of Science", abstract="An abstract.", keywords=["crm"]),
        Record(**{**BASE, "title": BASE["title"].upper()}, database="EBSCO"),
        Record(title="Something else entirely", year=2020, database="EBSCO"),
    )
    result = dedup.deduplicate(records)
    assert len(result.records) == 2 and result.removed == 2
    merged = result.records[0]
    assert merged.databases == ["Scopus", "Web of Science", "EBSCO"]
    assert merged.abstract == "An abstract." and merged.doi == "10.1/a" and merged.keywords == ["crm"]
    assert merged.id == records[0].id  # the DOI-based id names the cluster
    assert sorted(merged.duplicate_ids) == sorted([records[1].id, records[2].id])
    assert {row["removed_id"] for row in result.log} == {records[1].id, records[2].id}
    assert all(row["kept_id"] == merged.id and row["reason"] for row in result.log)


def test_a_google_scholar_record_cut_short_joins_the_whole_record() -> None:
    """Publish or Perish gives Google Scholar's titles cut with '…' and snippets for abstracts: the pair was
    left to a person ('abstracts differ'); the merged record keeps the whole title and abstract."""
    whole = Record(title="How trust leads to commitment on microsourcing platforms: governance and third-party "
                         "mechanisms in triadic relationships", authors=["Guo, Wenbo", "Straub, Detmar"], year=2021,
                   journal="MIS Quarterly", volume="45", pages="1309-1348", database="AIS eLibrary",
                   abstract="IS research has extensively examined the role of trust in client-vendor relationships, "
                            "as well as the role of governance in information technology outsourcing, but little.")
    scholar = Record(title="How trust leads to commitment on microsourcing platforms: governance and third-party …",
                     authors=["W Guo", "D Straub"], year=2021, journal="MIS Quarterly", database="Google Scholar",
                     abstract="… microsourcing relationship which includes the microsourcer, the microsourcee and "
                              "the microsourcing platform … We argue that the microsourcing phenomenon fits …")
    assert _verdict(whole, scholar) == "duplicate"
    merged = dedup.deduplicate(_recs(scholar, whole)).records
    assert len(merged) == 1 and merged[0].title == whole.title and merged[0].abstract == whole.abstract
    other = replace(scholar, title="How trust leads to commitment on crowdsourcing markets: a …")
    assert _verdict(whole, other) != "duplicate"  # a different start is not a cut-short copy
    assert _verdict(whole, replace(scholar, title="How trust leads to …")) != "duplicate"  # too little left
    assert _verdict(whole, replace(scholar, authors=["P Zhang"])) != "duplicate"  # another first author


def test_cluster_id_is_stable_when_a_more_complete_record_joins() -> None:
    first = _recs(Record(**BASE, doi="10.1/a", database="Scopus"), Record(**BASE, database="EBSCO"))
    later = _recs(Record(**BASE, doi="10.1/a", database="Scopus"), Record(**BASE, database="EBSCO"),
                  Record(**BASE, doi="10.1/a", abstract="Long abstract " * 20, database="Web of Science"))
    assert dedup.deduplicate(first).records[0].id == dedup.deduplicate(later).records[0].id


def test_two_dois_are_never_joined_through_a_third_record() -> None:
    records = _recs(Record(**BASE, doi="10.1/a"), Record(**BASE), Record(**BASE, doi="10.1/b"))
    result = dedup.deduplicate(records)
    assert len(result.records) == 2
    assert any("different DOIs" in u.reason for u in result.uncertain)


def decide(path, decision: str) -> None:
    """A person's decision on the first pair of an uncertain-pairs file, saved as a spreadsheet would."""
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    rows[0]["decision"] = decision
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, dedup.UNCERTAIN_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)


def test_person_decisions_are_read_back(tmp_path) -> None:
    records = _recs(Record(**BASE), Record(**{**BASE, "title": BASE["title"] + " of Finland", "pages": "",
                                              "volume": ""}))
    result = dedup.deduplicate(records)
    assert len(result.uncertain) == 1 and len(result.records) == 2
    path = dedup.write_uncertain(result, records, tmp_path / "dedup" / "uncertain_pairs.csv")
    decide(path, "duplicate")
    again = dedup.deduplicate(records, dedup.read_decisions(path))
    assert len(again.records) == 1 and again.uncertain == []
    assert "decided by a person" in again.log[0]["reason"]
    dedup.write_uncertain(again, records, path)  # a rerun keeps the decision in the file
    assert [r["decision"] for r in csv.DictReader(path.open(encoding="utf-8"))] == ["duplicate"]
    decide(path, "maybe")
    with pytest.raises(dedup.ReviewToolsError, match=r"uncertain_pairs\.csv:2: decision 'maybe'"):
        dedup.read_decisions(path)


def test_duplicate_ids_are_refused() -> None:
    a = Record(**BASE, id="R1")
    with pytest.raises(dedup.ReviewToolsError, match="unique"):
        dedup.deduplicate([a, Record(**BASE, id="R1")])


def test_pair_metrics_by_hand() -> None:
    m = dedup.pair_metrics([["a", "b", "c"]], [["a", "b"], ["c", "d"]])
    # predicted pairs ab, ac, bc; true pairs ab, cd
    assert (m["true_positives"], m["predicted_pairs"], m["true_pairs"]) == (1, 3, 2)
    assert m["precision"] == pytest.approx(1 / 3) and m["recall"] == pytest.approx(0.5)


# Labelled real sets (Rathbone et al. 2015 data as shipped by bib-dedupe): measured precision and recall,
# with the floors this implementation reaches; the benchmark prints the full table.
# Haematology's labels join some errata to their articles and keep others apart (see benchmarks/dedup.py),
# so no rule reaches both targets there.
FLOORS = {"special_cases": (1.0, 1.0), "stroke": (0.995, 0.99), "cytology_screening": (0.995, 0.995),
          "haematology": (0.96, 0.91)}


@pytest.mark.parametrize("name", list(FLOORS))
def test_labelled_sets(external, name) -> None:
    base = external / "bib-dedupe-benchmark"
    records = import_file(base / f"{name}__records_pre_merged.csv").records
    labels = [row["ID"] for row in csv.DictReader((base / f"{name}__records_pre_merged.csv").open(encoding="utf-8"))]
    label = {r.id: labels[r.position - 1] for r in records}
    truth = [row["merged_ids"].split(";") for row in
             csv.DictReader((base / f"{name}__merged_record_ids.csv").open(encoding="utf-8"))]
    result = dedup.deduplicate(records)
    metrics = dedup.pair_metrics([[label[i] for i in m] for m in result.clusters.values()], truth)
    precision, recall = FLOORS[name]
    assert metrics["precision"] >= precision and metrics["recall"] >= recall, metrics
    assert len(result.records) + result.removed == len(records)


@pytest.mark.parametrize(("title", "expected"), [
    ("Erratum: Gain-of-function mutations in factor B (Proceeding of the National Academy of Science (Januar",
     ("Gain-of-function mutations in factor B", True)),
    ("Erratum to: Towards a common terminology", ("Towards a common terminology", True)),
    ("Eculizumab for Atypical Hemolytic-Uremic Syndrome (vol 360, pg 542, 2009)",
     ("Eculizumab for Atypical Hemolytic-Uremic Syndrome", True)),
    ('"Ecologically-oriented neurorehabilitation of memory": Correction',
     ('"Ecologically-oriented neurorehabilitation of memory"', True)),
    ("Correction of post-stroke cognitive impairments", ("Correction of post-stroke cognitive impairments", False)),
])
def test_erratum_titles(title, expected) -> None:
    assert dedup.erratum_title(title) == expected


@pytest.mark.parametrize("title", [
    "Eculizumab for atypical hemolytic-uremic syndrome (New England Journal of Medicine (2009) 360 (542-544))",
    "Eculizumab for atypical hemolytic-uremic syndrome.[Erratum appears in N Engl J Med. 2009 Jun 4;360(23):2487 "
    "Note: Philipp, Thomas [added]]",
    "Eculizumab for atypical hemolytic-uremic syndrome.[Erratum appears in N Engl J Med. 20",  # cut by the database
])
def test_nested_and_cut_annotations_are_cleaned(title) -> None:
    assert dedup.clean_title(title) == "Eculizumab for atypical hemolytic-uremic syndrome"


def test_errata_and_other_listings_of_one_record() -> None:
    article = Record(**BASE)
    notice = Record(**{**BASE, "title": f"Erratum: {BASE['title']}", "pages": "616", "authors": ["Doe, K."]})
    assert _verdict(article, notice) == "duplicate"  # year, volume, an author agree
    assert _verdict(article, Record(**{**BASE, "pages": "999"})) == "duplicate"  # a later issue lists it again
    assert _verdict(article, Record(**{**BASE, "pages": "999", "authors": ["Other, A."]})) == "distinct"
    short = {**BASE, "title": "Editorial: new year"}
    assert _verdict(Record(**short), Record(**{**short, "pages": "999"})) != "duplicate"  # titles too short
    later = Record(**{**BASE, "title": f"Erratum: {BASE['title']}", "year": 2022, "volume": "14", "pages": "5"})
    assert _verdict(article, later) == "distinct"
    no_details = Record(title=BASE["title"])
    assert _verdict(no_details, Record(title=f"Erratum to: {BASE['title']}")) == "uncertain"


def test_the_work_not_its_erratum_is_kept() -> None:
    article = Record(**BASE, database="Embase")
    notice = Record(**{**BASE, "title": f"Erratum: {BASE['title']}", "pages": "616"}, doi="10.1/err",
                    abstract="A correction to the author list.", keywords=["erratum"], database="Scopus")
    result = dedup.deduplicate(_recs(notice, article))
    kept = result.records[0]
    assert len(result.records) == 1 and (kept.id, kept.title, kept.pages) == (article.id, BASE["title"], "100-110")
    assert kept.doi == "" and kept.abstract == ""  # the notice's DOI and text are not the work's
    assert kept.databases == ["Scopus", "Embase"] and kept.duplicate_ids == [notice.id]
    assert [(row["removed_id"], row["kept_id"]) for row in result.log] == [(notice.id, article.id)]
    assert "an erratum of the same record" in result.log[0]["reason"]


def test_compared_text_is_bounded_for_titles_holding_whole_articles() -> None:
    words = ["customer", "segmentation", "pharmaceutical", "relationship", "management", "(value)", "of"]
    rng = random.Random(7)
    records = _recs(*(Record(title=" ".join(rng.choice(words) for _ in range(22_000))[:180_000],
                             authors=["Smith, J" * 10_000], journal="J" * 100_000, year=2020) for _ in range(200)))
    keys = [dedup._key(r) for r in records]
    assert max(len(k.title) for k in keys) <= dedup.TITLE_CHARS
    assert max(len(k.journal) + len(k.authors) for k in keys) <= 2 * dedup.FIELD_CHARS
    result = dedup.deduplicate(records)
    assert len(result.records) + result.removed == 200


def test_a_large_block_of_copies_is_not_compared_pair_by_pair(monkeypatch) -> None:
    """90 copies of one work: pairs already linked by duplicate verdicts are skipped (4,005 comparisons
    before, which made 100,000 such records take minutes); the result is the same one cluster."""
    copies = _recs(*(Record(**{**BASE, "title": BASE["title"] + ("" if i % 2 else "."), "doi": ""})
                     for i in range(90)))
    calls = []
    real = dedup.compare
    monkeypatch.setattr(dedup, "compare", lambda x, y: calls.append(1) or real(x, y))
    result = dedup.deduplicate(copies)
    assert len(result.records) == 1 and result.removed == 89
    assert len(calls) < 400


def test_a_large_block_of_different_works_still_compares_every_pair(monkeypatch) -> None:
    works = _recs(*(Record(title=f"Customer segmentation study number {i} of pharmacies in region {i * 7}",
                           authors=[f"Author{i}, A."], year=2000 + i % 20, journal="J") for i in range(40)))
    calls = []
    real = dedup.compare
    monkeypatch.setattr(dedup, "compare", lambda x, y: calls.append(1) or real(x, y))
    assert len(dedup.deduplicate(works).records) == 40
    assert len(calls) >= 40 * 39 // 2


def test_pairs_sharing_one_doi_are_one_group_and_one_decision_settles_it(tmp_path) -> None:
    doi = "10.5555/supplement.2019"
    records = _recs(*(Record(title=t, doi=doi, year=2019, authors=[a], database="Embase") for t, a in (
        ("Abstract 101: pharmacy loyalty programmes", "Smith J"), ("Abstract 102: hospital tender pricing", "Doe A"),
        ("Abstract 103: physician segmentation by potential", "Roe B"))))
    path = tmp_path / "uncertain_pairs.csv"
    result = dedup.deduplicate(records)
    assert len(result.uncertain) == 3
    dedup.write_uncertain(result, records, path)
    with path.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert {r["group"] for r in rows} == {f"doi:{doi}"} and "one of 3 pairs" in rows[0]["note"]
    rows[1]["decision"] = "distinct"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, rows[0].keys())
        writer.writeheader()
        writer.writerows(rows)
    decisions = dedup.read_decisions(path)
    assert len(decisions) == 3 and set(decisions.values()) == {"distinct"}
    again = dedup.deduplicate(records, decisions)
    assert len(again.records) == 3 and not again.uncertain
    rows[2]["decision"] = "duplicate"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, rows[0].keys())
        writer.writeheader()
        writer.writerows(rows)
    with pytest.raises(ReviewToolsError, match="contradicts 'distinct' on line 3"):
        dedup.read_decisions(path)
