"""The FTS5 index gives exactly the records the per-record evaluator gives, for every query kind."""

from __future__ import annotations

from pathlib import Path

import pytest

from review_tools.io.importer import import_file
from review_tools.query import QueryIndex, run
from review_tools.records import Record, assign_ids

DATA = Path(__file__).resolve().parents[1] / "data"

QUERIES = [
    ("generic", "(nudg* OR default*) AND (physician* OR clinician*)"),
    ("generic", '"electronic health record*" AND NOT pediatric*'),
    ("generic", '"clinical decision support" OR "decision aid*"'),
    ("generic", "wom?n OR organi*ation OR behavio#r OR *ation"),
    ("scopus", "TITLE-ABS-KEY((nudg* OR remind*) W/3 (prescri* OR order*))"),
    ("scopus", 'TITLE-ABS-KEY("default option*" PRE/2 order*)'),
    ("scopus", "TITLE-ABS-KEY(behaviour AND intervention)"),
    ("scopus", "TITLE(reminder*) AND ABS(antibiotic*)"),
    ("scopus", "physician W/5 behavior W/5 change"),
    ("pubmed", '"hand hygiene"[tiab] OR "antibiotic prescribing"[tiab:~2]'),
    ("ovid", "(audit adj3 feedback).ti,ab."),
    ("ovid", "(remind$1 or alert$).ti."),
    ("ebsco", "TI (reminder* OR alert*) AND AB physician*"),
    ("wos", "TS=(nudg* NEAR/3 (health* OR clinic*))"),
    ("generic", "(nudg* OR default*) AND PUBYEAR > 2015"),
    ("embase", "'virus'/exp OR metagenom*:ti,ab"),
    ("pubmed", '"Animals"[Mesh] AND virus*[tiab]'),
    ("generic", "swine AND (virus* NEAR/4 detect*) AND NOT bovine"),
]


def _records_here() -> list[Record]:
    records = import_file(DATA / "nagtegaal_2019_excerpt.csv").records + \
        import_file(DATA / "kwok_2020_embase_excerpt.ris").records
    assign_ids(records)
    return records


@pytest.mark.parametrize("shards", [1, 2])
def test_index_equals_the_evaluator_on_real_records(shards) -> None:
    records = _records_here()
    index = QueryIndex(records, shards=shards)
    found = 0
    for syntax, q in QUERIES:
        expected = sorted(run(q, records, syntax))
        assert sorted(index.run(q, syntax)) == expected, (syntax, q)
        found += bool(expected)
    assert found >= 12  # the queries do find records
    index.close()


def test_index_equals_the_evaluator_on_the_larger_real_exports(external) -> None:
    base = external / "citesource-exports"
    records = [r for name in ("wos_278.ris", "Dimensions_246.ris", "psycinfo_64.ris", "medline_84.ris")
               for r in import_file(base / name).records]
    assign_ids(records)
    index = QueryIndex(records)
    queries = [("generic", "(fire* OR wildfire*) AND (health OR smok*)"),
               ("scopus", "TITLE-ABS-KEY(fire* W/2 (management OR regime*))"),
               ("scopus", "TITLE-ABS-KEY((fire* OR \"prescribed burn*\") W/3 (smoke OR health))"),
               ("scopus", "wildfire PRE/1 smoke"), ("ovid", "(smoke$1 adj2 health).ti,ab."),
               ("pubmed", '"Humans"[Mesh] AND smoke*[tiab]'), ("wos", "TS=(smoke NEAR/3 fire*) AND PY=(2010-2020)"),
               ("scopus", 'TITLE-ABS-KEY("wild fire" OR behaviour)'), ("generic", "wom?n OR organi*ation OR *fire")]
    for syntax, q in queries:
        assert sorted(index.run(q, syntax)) == sorted(run(q, records, syntax)), q


def test_text_with_markup_ligatures_and_accents_is_found_the_same_way() -> None:
    records = [Record(title="The <i>in vivo</i> effect", abstract="ﬁnancial incentives"),
               Record(title="Lääkeyritysten asiakkuudet", abstract="Segmentointi"),
               Record(title="Crm_system and on-line care")]
    assign_ids(records)
    index = QueryIndex(records)
    for q in ('"in vivo" W/0 effect', "financial", "laakeyrit*", '"on line"', "system"):
        assert sorted(index.run(q)) == sorted(run(q, records)), q
    assert index.run("financial") == [records[0].id]


def test_an_index_of_nothing_and_terms_that_find_nothing() -> None:
    index = QueryIndex([])
    assert index.run("anything") == []
    records = [Record(title="x")]
    assign_ids(records)
    assert QueryIndex(records).run("AFFIL(helsinki)", "scopus") == []


def test_chained_proximity_with_an_or_side_keeps_records_with_either_word() -> None:
    """The co-occurrence pre-filter of a chain once required every word of an OR side."""
    records = [Record(title="alpha gamma delta"), Record(title="beta gamma delta"), Record(title="gamma delta")]
    assign_ids(records)
    q = "(alpha OR beta) W/1 gamma W/1 delta"
    assert sorted(QueryIndex(records).run(q)) == sorted(run(q, records)) == sorted(r.id for r in records[:2])
