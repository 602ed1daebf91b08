"""What a query finds among records, record by record: the semantics the index must reproduce."""

from __future__ import annotations

from review_tools.query import explain, parse, run, variant_only
from review_tools.records import Record, assign_ids


def _records(*records: Record) -> tuple[list[Record], list[str]]:
    recs = list(records)
    assign_ids(recs)
    return recs, [r.id for r in recs]


def test_truncation_diacritics_fields_and_not() -> None:
    recs, ids = _records(
        Record(title="Asiakkuuksien segmentointi lääketeollisuudessa", abstract="Tapaustutkimus."),
        Record(title="Customer segmentation for key accounts", abstract="A pharmaceutical company's CRM.",
               keywords=["customer relationship management"]),
        Record(title="Segmenting retail shoppers", abstract="Consumer goods; no pharma here."),
        Record(title="Pharma sales force", abstract="Customer relationship management in hospitals."))
    assert set(run("asiakkuu* AND lääke*", recs)) == {ids[0]}
    assert set(run("asiakkuu* AND laake*", recs)) == {ids[0]}
    hits = run('(segment* OR "customer relationship management") AND (pharmaceutical* OR pharma)', recs)
    assert set(hits) == {ids[1], ids[2], ids[3]} and hits[ids[1]] >= {"segment*", "pharmaceutical*"}
    assert set(run("TITLE(segment*) AND NOT pharma", recs, "scopus")) == {ids[0], ids[1]}
    assert set(run("crm[ti]", recs, "pubmed")) == set() and set(run("crm[tiab]", recs, "pubmed")) == {ids[1]}


def test_wildcards_one_character_one_or_none_and_at_most_n() -> None:
    recs, ids = _records(Record(title="behaviour"), Record(title="behavior"), Record(title="behaviours of dogs"),
                         Record(title="dog"), Record(title="dogs"), Record(title="doggies"))
    assert set(run("behavio?r", recs, "generic")) == {ids[0]}  # exactly one character
    assert set(run("behavio#r", recs, "ebsco")) >= {ids[0], ids[1]}  # one or none
    assert set(run("dog$1", recs, "ovid")) == {ids[2], ids[3], ids[4]}  # 'dog', 'dogs' (not 'doggies')
    assert set(run("dog$", recs, "ovid")) == {ids[2], ids[3], ids[4], ids[5]}


def test_plurals_and_spellings_where_the_database_finds_them() -> None:
    recs, ids = _records(Record(title="Neural networks for colour vision"), Record(title="A neural network"),
                         Record(title="Organisation of care"), Record(title="Organization studies"))
    assert set(run('TITLE("neural network")', recs, "scopus")) == {ids[0], ids[1]}
    assert set(run('"neural network"[ti]', recs, "pubmed")) == {ids[1]}
    assert set(run("TITLE(color)", recs, "scopus")) == {ids[0]}
    assert set(run("TITLE(organization)", recs, "scopus")) == {ids[2], ids[3]}
    assert set(run("TITLE({neural network})", recs, "scopus")) == {ids[1]}  # exact phrase: no variants
    assert variant_only(parse('TITLE("neural network")', "scopus"), recs) == [ids[0]]


def test_proximity_measures_words_between_a_phrase_and_a_term() -> None:
    recs, ids = _records(Record(title="customer relationship and its management"),
                         Record(title="management of the customer relationship"),
                         Record(title="customer relationship management"))
    assert set(run('"customer relationship" W/2 management', recs, "scopus")) == set(ids)
    assert set(run('"customer relationship" W/1 management', recs, "scopus")) == {ids[2]}
    assert set(run('"customer relationship" PRE/2 management', recs, "scopus")) == {ids[0], ids[2]}
    assert set(run('management PRE/2 "customer relationship"', recs, "scopus")) == {ids[1]}


def test_proximity_between_groups_and_chains() -> None:
    recs, ids = _records(Record(title="Automated screening for reviews"),
                         Record(title="Screening of studies is sometimes automated"),
                         Record(title="Testing a review tool"))
    assert set(run("(screen* OR review*) W/3 (automat* OR test*)", recs, "scopus")) == {ids[0], ids[2]}
    assert set(run("(screen* OR review*) PRE/3 (automat* OR test*)", recs, "scopus")) == set()
    assert set(run("(screen* OR review*) W/5 (automat* OR test*)", recs, "scopus")) == set(ids)
    assert set(run("screening W/1 studies W/3 automated", recs, "generic")) == {ids[1]}
    assert set(run("screening W/1 studies W/1 automated", recs, "generic")) == set()
    assert set(run("screening W/3 studies W/3 automated", recs, "scopus")) == {ids[1]}


def test_proximity_stays_inside_one_field() -> None:
    recs, ids = _records(Record(title="customer", abstract="segmentation"),
                         Record(title="customer segmentation"))
    assert set(run("customer N2 segmentation", recs, "ebsco")) == {ids[1]}


def test_headings_match_keyword_entries() -> None:
    recs, ids = _records(Record(title="a", keywords=["Aged", "*Breast Neoplasms/drug therapy", "Humans"]),
                         Record(title="b", keywords=["Aged, 80 and over", "Breast Neoplasms/surgery"]),
                         Record(title="c", keywords=["aged care"]))
    assert set(run('"Aged"[Mesh]', recs, "pubmed")) == {ids[0]}
    assert set(run("exp Breast Neoplasms/", recs, "ovid")) == {ids[0], ids[1]}
    assert set(run("exp Breast Neoplasms/dt", recs, "ovid")) == {ids[0]}
    assert set(run('"Breast Neoplasms"[Majr]', recs, "pubmed")) == {ids[0]}
    assert set(run('MH "Breast Neoplasms/SU"', recs, "ebsco")) == {ids[1]}
    notes = explain(parse('"Aged"[Mesh]', "pubmed"))
    assert any("exploded headings" in n for n in notes)


def test_limits_filter_records_and_unknown_values_pass() -> None:
    recs, ids = _records(Record(title="crm", year=2012, language="English", document_type="Article"),
                         Record(title="crm", year=2018, language="fin", document_type="Review"),
                         Record(title="crm"))
    assert set(run("TITLE-ABS-KEY(crm) AND PUBYEAR > 2014", recs, "scopus")) == {ids[1], ids[2]}
    assert set(run('TS=crm AND LA=(English)', recs, "wos")) == {ids[0], ids[2]}
    assert set(run('TITLE-ABS-KEY(crm) AND LIMIT-TO(DOCTYPE, "re")', recs, "scopus")) == {ids[1], ids[2]}
    assert set(run('TITLE-ABS-KEY(crm) AND EXCLUDE(DOCTYPE, "re")', recs, "scopus")) == {ids[0], ids[2]}
    notes = explain(parse("TITLE-ABS-KEY(crm) AND PUBYEAR > 2014 AND SUBJAREA(MEDI)", "scopus"), recs)
    assert any("limit not applied" in n and "subject area" in n for n in notes)
    assert any("1 record(s) have no value" in n for n in notes)


def test_fields_records_lack_are_said() -> None:
    recs, ids = _records(Record(title="x", authors=["Smith, J."], journal="Journal of Marketing"))
    assert set(run("AU smith", recs, "ebsco")) == {ids[0]}
    assert set(run("SO marketing", recs, "ebsco")) == {ids[0]}
    assert run("AFFIL(helsinki)", recs, "scopus") == {}
    assert any("never found here" in n for n in explain(parse("AFFIL(helsinki)", "scopus")))
