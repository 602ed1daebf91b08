"""Search strings: the grammar (valid and invalid strings, with the place of the error) and evaluation."""

from __future__ import annotations

from pathlib import Path

import pytest

from review_tools.protocol import load_protocol
from review_tools.query import ALL, And, Near, Not, Or, QuerySyntaxError, Term, parse, run
from review_tools.records import Record, assign_ids

ROOT = Path(__file__).resolve().parents[1]

VALID = [
    ("segment*", Term("segment*")),
    ('"customer relationship management"', Term("customer relationship management", phrase=True)),
    ("crm OR segment*", Or((Term("crm"), Term("segment*")))),
    ("a AND b AND c", And((Term("a"), Term("b"), Term("c")))),
    ("a AND NOT b", Not(Term("a"), Term("b"))),
    ("a NOT b", Not(Term("a"), Term("b"))),
    ("(a OR b) AND c", And((Or((Term("a"), Term("b"))), Term("c")))),
    ("a OR b AND c", Or((Term("a"), And((Term("b"), Term("c")))))),
    ("TITLE-ABS-KEY(crm)", Term("crm", ("title", "abstract", "keywords"))),
    ("TITLE(crm)", Term("crm", ("title",))),
    ("TI=crm", Term("crm", ("title",))),
    ("TI crm", Term("crm", ("title",))),
    ("AB segment*", Term("segment*", ("abstract",))),
    ("crm[tiab]", Term("crm", ("title", "abstract"))),
    ('"key account"[ti]', Term("key account", ("title",), phrase=True)),
    ("noft(crm)", Term("crm", ("title", "abstract", "keywords"))),
    ("customer W/3 segment*", Near(Term("customer"), Term("segment*"), 3, False)),
    ("customer PRE/2 segment*", Near(Term("customer"), Term("segment*"), 2, True)),
    ("customer N5 segment*", Near(Term("customer"), Term("segment*"), 5, False)),
    ("customer W2 segment*", Near(Term("customer"), Term("segment*"), 2, True)),
    ("wom?n", Term("wom?n")),
    ("asiakkuu* AND lääke*", And((Term("asiakkuu*"), Term("lääke*")))),
    # forms copied from database search histories and published appendices
    ('TITLE-ABS-KEY ( "customer segmentation" )', Term("customer segmentation", ALL, phrase=True)),
    ("TITLE-ABS-KEY ( crm AND pharma* )", And((Term("crm", ALL), Term("pharma*", ALL)))),
    ("TS=(crm OR \"key account management\")", Or((Term("crm"), Term("key account management", phrase=True)))),
    ("TI=(segment*) AND TS=(pharma*)", And((Term("segment*", ("title",)), Term("pharma*")))),
    ("TI (segment* OR cluster*)", Or((Term("segment*", ("title",)), Term("cluster*", ("title",))))),
    ("AB (crm N3 pharma*)", Near(Term("crm", ("abstract",)), Term("pharma*", ("abstract",)), 3, False)),
    ("SU crm AND AB segment*", And((Term("crm", ("keywords",)), Term("segment*", ("abstract",))))),
    ("noft(segment*) AND noft(pharma*)", And((Term("segment*"), Term("pharma*")))),
    ("ti(crm) OR ab(crm)", Or((Term("crm", ("title",)), Term("crm", ("abstract",))))),
    ('"customer relationship management"[tiab] AND pharma*[tiab]',
     And((Term("customer relationship management", ("title", "abstract"), phrase=True),
          Term("pharma*", ("title", "abstract"))))),
    ('("key account" OR "key accounts")', Or((Term("key account", phrase=True), Term("key accounts", phrase=True)))),
    ("crm[mh] OR crm[ot]", Or((Term("crm", ("keywords",)), Term("crm", ("keywords",))))),
    ("((a OR b) AND (c OR d)) NOT e", Not(And((Or((Term("a"), Term("b"))), Or((Term("c"), Term("d"))))), Term("e"))),
    ("a OR (b AND NOT c)", Or((Term("a"), Not(Term("b"), Term("c"))))),
    ("customer NEAR/5 segment*", Near(Term("customer"), Term("segment*"), 5, False)),
    ("market* W/3 segment*", Near(Term("market*"), Term("segment*"), 3, False)),
    ("crm and pharma", And((Term("crm"), Term("pharma")))),
    ("crm or pharma", Or((Term("crm"), Term("pharma")))),
    ("TITLE-ABS(segment*)", Term("segment*", ("title", "abstract"))),
    ("KEY(crm)", Term("crm", ("keywords",))),
    ("AUTHKEY(segmentation)", Term("segmentation", ("keywords",))),
    ("behavio?r*", Term("behavio?r*")),
    ("\"care model*\" OR hoitomalli*", Or((Term("care model*", phrase=True), Term("hoitomalli*")))),
    ("(asiakas* OR customer*) AND (segmentoin* OR segment*) AND (lääke* OR pharma*)",
     And((Or((Term("asiakas*"), Term("customer*"))), Or((Term("segmentoin*"), Term("segment*"))),
          Or((Term("lääke*"), Term("pharma*")))))),
]


@pytest.mark.parametrize(("query", "tree"), VALID, ids=[q for q, _ in VALID])
def test_valid_strings(query, tree) -> None:
    assert parse(query) == tree


INVALID = [
    ("(a OR b", "'(' is never closed", 0),
    ("a OR b)", "')' without '('", 6),
    ("a AND", "ends where a term is expected", 5),
    ("OR a", "operator OR where a term is expected", 0),
    ("a AND OR b", "operator OR where a term is expected", 6),
    ('""', "empty phrase", 0),
    ('"open phrase', "unclosed quotation mark", 0),
    ("crm[xyz]", "unknown field tag [xyz]", 3),
    ("", "empty search string", 0),
    ("TITLE-ABS-KEY(crm", "'TITLE-ABS-KEY(' is never closed", 0),
    ("a () b", "missing operator (AND, OR, NOT) before '('", 2),
    ("customer segment*", "missing operator (AND, OR, NOT) before 'segment*'", 9),
    ("(a OR )", "a term is expected before ')'", 6),
    ("a AND AND b", "operator AND where a term is expected", 6),
    ("a NEAR/2", "ends where a term is expected", 8),
    ("W/3 b", "operator W/3 where a term is expected", 0),
    ("((a)", "'(' is never closed", 0),
    ("a))", "')' without '('", 1),
    ("crm[tiab", "unclosed '[' of a field tag", 3),
    ("TI=", "ends where a term is expected", 3),
    ('"a" "b', "unclosed quotation mark", 4),
    ("NOT", "operator NOT where a term is expected", 0),
    ("pharma* OR", "ends where a term is expected", 10),
    ("x[pt]", "unknown field tag [pt]", 1),
    ("TITLE(", "ends where a term is expected", 6),
    ("a AND (b OR c", "'(' is never closed", 6),
]


@pytest.mark.parametrize(("query", "message", "column"), INVALID, ids=[q or "empty" for q, *_ in INVALID])
def test_invalid_strings_point_at_the_place(query, message, column) -> None:
    with pytest.raises(QuerySyntaxError) as info:
        parse(query)
    assert message in info.value.message and info.value.position == column
    assert str(info.value).splitlines()[-1] == "  " + " " * column + "^"


def test_every_protocol_string_parses() -> None:
    for db in load_protocol(ROOT / "review" / "protocol.yaml").databases:
        parse(db.search_string)


def _records() -> list[Record]:
    records = [
        Record(title="Asiakkuuksien segmentointi lääketeollisuudessa", abstract="Tapaustutkimus."),
        Record(title="Customer segmentation for key accounts", abstract="A pharmaceutical company's CRM.",
               keywords=["customer relationship management"]),
        Record(title="Segmenting retail shoppers", abstract="Consumer goods; no pharma here."),
        Record(title="Pharma sales force", abstract="Customer relationship management in hospitals."),
    ]
    assign_ids(records)
    return records


def test_evaluation_with_truncation_diacritics_fields_and_proximity() -> None:
    recs = _records()
    ids = [r.id for r in recs]
    assert set(run("asiakkuu* AND lääke*", recs)) == {ids[0]}
    assert set(run("asiakkuu* AND laake*", recs)) == {ids[0]}  # diacritics folded
    hits = run('(segment* OR "customer relationship management") AND (pharmaceutical* OR pharma)', recs)
    assert set(hits) == {ids[1], ids[2], ids[3]}
    assert hits[ids[1]] >= {"segment*", "pharmaceutical*"}
    assert set(run("TITLE(segment*) AND NOT pharma", recs)) == {ids[0], ids[1]}
    assert set(run("crm[ti]", recs)) == set() and set(run("crm[tiab]", recs)) == {ids[1]}
    assert set(run("customer W/1 segmentation", recs)) == {ids[1]}
    assert set(run("segmentation PRE/1 customer", recs)) == set()  # wrong order
    assert set(run('"relationship management"[mh]', recs)) == {ids[1]}


def test_proximity_between_groups_of_terms_is_positional() -> None:
    recs = [Record(title="Automated screening for reviews"),
            Record(title="Screening of studies is sometimes automated"), Record(title="Testing a review tool")]
    assign_ids(recs)
    ids = [r.id for r in recs]
    # word distances: 1 (automated-screening), 5 (screening ... automated), 1 (testing-a-review: 2)
    assert set(run("(screen* OR review*) W/3 (automat* OR test*)", recs)) == {ids[0], ids[2]}
    assert set(run("(screen* OR review*) PRE/3 (automat* OR test*)", recs)) == set()  # both the wrong way round
    assert set(run("(screen* OR review*) W/5 (automat* OR test*)", recs)) == set(ids)
    # a side that is not a term or an OR of terms cannot be checked by position: its words must co-occur
    assert set(run("(screening AND studies) W/1 automated", recs)) == {ids[1]}
    from review_tools.query import QueryIndex

    index = QueryIndex(recs)
    for q in ("(screen* OR review*) W/3 (automat* OR test*)", "(screen* OR review*) PRE/3 (automat* OR test*)",
              "(screening AND studies) W/1 automated"):
        assert sorted(index.run(q)) == sorted(run(q, recs)), q



def test_wildcards_inside_a_word_match_in_both_evaluators() -> None:
    """'wom?n' and 'organi*ation' once matched nothing record by record (the wildcard split the word in
    two) while the index found them."""
    from review_tools.query import QueryIndex, term_words

    assert term_words("Wom?n's health*") == ["wom?n", "s", "health*"]
    recs = [Record(title="Care of women and a woman"), Record(title="Organisation of key accounts"),
            Record(title="Organization studies"), Record(title="Wombats in town")]
    assign_ids(recs)
    ids = [r.id for r in recs]
    index = QueryIndex(recs)
    for q, expected in (("wom?n", {ids[0]}), ("organi*ation", {ids[1], ids[2]}), ('"wom?n and"', {ids[0]}),
                        ("wom*n", {ids[0]}), ("organi?ation AND key", {ids[1]})):
        assert set(run(q, recs)) == expected, q
        assert set(index.run(q)) == expected, q

TRANSLATED = [
    "segment* AND pharma*",
    '(segment* OR "customer relationship management") AND (pharmaceutical* OR pharma) AND NOT retail',
    "TITLE(segment*) AND ABS(crm)",
    "crm[tiab] OR (key W/2 account*)",
    "customer PRE/3 segment* AND TI=pharma*",
    'TITLE-ABS-KEY((segment* OR "customer classification") AND ("customer relationship management" OR crm))',
]


@pytest.mark.parametrize("target", ["scopus", "wos", "ebsco", "proquest", "pubmed"])
def test_translation_round_trip_on_real_records(external, target) -> None:
    """parse(translate(q)) finds the same records as q, on real exports, wherever no warning was given."""
    from review_tools.io.importer import import_file
    from review_tools.query import translate

    base = external / "citesource-exports"
    records = [r for name in ("wos_278.ris", "Dimensions_246.ris", "psycinfo_64.ris")
               for r in import_file(base / name).records]
    assign_ids(records)
    queries = [*TRANSLATED, "(fire* OR wildfire*) AND (health OR smok*)", "fire* W/2 (management OR regime*)",
               '"climate change" AND NOT forest*', "TITLE(wildfire*) AND ABS(smoke)"]
    exact = 0
    for q in queries:
        text, warnings = translate(q, target)
        parse(text)
        if not warnings:
            exact += 1
            assert set(run(text, records)) == set(run(q, records)), (q, text)
    assert exact >= 2  # ProQuest warns whenever noft() stands for title+abstract+keywords
    assert any(run(q, records) for q in queries)  # the queries do find records


def test_translation_warns_where_it_cannot_be_exact() -> None:
    from review_tools.query import translate

    assert translate("a PRE/2 b", "wos")[1] == ["Web of Science NEAR/n ignores word order: PRE/n written as NEAR/n"]
    assert "PubMed cannot search the abstract alone" in translate("ABS(crm)", "pubmed")[1][0]
    assert translate("crm", "scopus") == ("TITLE-ABS-KEY(crm)", [])
    assert translate("TITLE(crm)", "ebsco") == ("TI crm", [])
    assert translate('"key account"[ti]', "pubmed") == ('"key account"[ti]', [])


def test_index_gives_the_same_records_as_the_per_record_evaluation(external) -> None:
    from review_tools.io.importer import import_file
    from review_tools.query import QueryIndex

    base = external / "citesource-exports"
    records = [r for name in ("wos_278.ris", "Dimensions_246.ris", "psycinfo_64.ris", "medline_84.ris")
               for r in import_file(base / name).records]
    assign_ids(records)
    index = QueryIndex(records)
    queries = [*TRANSLATED, "(fire* OR wildfire*) AND (health OR smok*)", "fire* W/2 (management OR regime*)",
               '"climate change" AND NOT forest*', "TITLE(wildfire*) AND ABS(smoke)", "wildfire PRE/1 smoke",
               "smok? OR burn*", '"prescribed burn*"', "fire[ti] AND health[mh]",
               '(fire* OR "prescribed burn*") W/3 (smoke OR health)']
    found = 0
    for q in queries:
        expected = sorted(run(q, records))
        assert sorted(index.run(q)) == expected, q
        found += bool(expected)
    assert found >= 6
