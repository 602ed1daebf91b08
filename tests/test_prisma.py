"""PRISMA 2020 counts on a small hand-checked case (every box), and the consistency check failing."""

from __future__ import annotations

import csv
from dataclasses import replace

import pytest

from review_tools import dedup, prisma
from review_tools.records import Record, assign_ids
from review_tools.screening import Decision

TA, FT = "title_abstract", "full_text"


def compute(*args, **kwargs) -> prisma.PrismaCounts:
    """prisma.compute for a protocol whose E4 is declared 'outcome: not_retrieved', as the sample's is."""
    return prisma.compute(*args, **{"not_retrieved_codes": ("E4",), **kwargs})


def _case():
    """12 records from two databases; 2 are duplicates of others (10 works); 1 excluded by automation;
    9 screened: 4 excluded, 5 sought; 1 not retrieved (E4); 4 assessed: 1 excluded E2, 1 excluded I5,
    2 included."""
    works = [Record(title=f"Distinct work number {w} about topic {chr(97 + w)}", year=2010 + w,
                    authors=[f"Author{w}, A."], pages=f"{w * 10 + 1}-{w * 10 + 9}", volume=str(w + 1),
                    database="Scopus" if w < 6 else "EBSCO") for w in range(10)]
    copies = [replace(w, database="EBSCO", id="") for w in works[:2]]
    records = works + copies
    assign_ids(records)
    result = dedup.deduplicate(records)
    ids = [r.id for r in result.records]
    ta = {ids[0]: Decision(ids[0], TA, "automatic", "exclude", ("I1",), source="automatic")}
    for i in ids[1:5]:
        ta[i] = Decision(i, TA, "consensus", "exclude", ("E2",))
    for i in ids[5:]:
        ta[i] = Decision(i, TA, "consensus", "include")
    ft = {ids[5]: Decision(ids[5], FT, "consensus", "exclude", ("E4",)),
          ids[6]: Decision(ids[6], FT, "consensus", "exclude", ("E2",)),
          ids[7]: Decision(ids[7], FT, "consensus", "exclude", ("I5", "E2")),
          ids[8]: Decision(ids[8], FT, "consensus", "include"),
          ids[9]: Decision(ids[9], FT, "consensus", "include")}
    return {"Scopus": 6, "EBSCO": 6}, result, ta, ft


def test_every_box_by_hand() -> None:
    identified, result, ta, ft = _case()
    counts = compute(identified, result, ta, ft)
    counts.check()
    assert counts.as_dict() == {
        "database_results": 12, "database_specific_results": {"Scopus": 6, "EBSCO": 6}, "duplicates": 2,
        "excluded_automatic": 1, "excluded_other": 0, "records_screened": 9, "records_excluded": 4,
        "dbr_sought_reports": 5, "dbr_notretrieved_reports": 1, "dbr_assessed": 4,
        "dbr_excluded": {"E2": 1, "I5": 1}, "new_studies": 2,
    }


def test_check_names_the_boxes_that_do_not_add_up() -> None:
    identified, result, ta, ft = _case()
    counts = compute({"Scopus": 6, "EBSCO": 7}, result, ta, ft)
    with pytest.raises(prisma.PrismaError, match=r"records_screened is 9 but database_results - duplicates"):
        counts.check()
    unfinished = compute(identified, result, {k: v for k, v in list(ta.items())[:-1]}, ft)
    with pytest.raises(prisma.PrismaError, match="1 screened record"):
        unfinished.check()
    waiting = compute(identified, result, ta, {k: v for k, v in list(ft.items())[:-1]})
    with pytest.raises(prisma.PrismaError, match="1 report"):
        waiting.check()


def test_box_names_are_the_prisma2020_template_keys(real) -> None:
    template = real("prisma2020-extdata/PRISMA.csv")
    keys = {row["data"] for row in csv.DictReader(template.open(encoding="utf-8"))}
    identified, result, ta, ft = _case()
    assert set(compute(identified, result, ta, ft).as_dict()) <= keys


@pytest.mark.parametrize("language", ["en", "fi"])
def test_diagram_is_drawn_and_refuses_bad_counts(tmp_path, language) -> None:
    identified, result, ta, ft = _case()
    fig = prisma.diagram(compute(identified, result, ta, ft), language=language)
    out = tmp_path / f"prisma_{language}.png"
    fig.savefig(out)
    assert out.stat().st_size > 20_000
    texts = " ".join(t.get_text() for t in fig.axes[0].texts)
    assert "(n = 12)" in texts and "(n = 2)" in texts and ("Seulotut" in texts) == (language == "fi")
    with pytest.raises(prisma.PrismaError):
        prisma.diagram(compute({"Scopus": 1}, result, ta, ft))


def test_export_fills_the_prisma2020_template(real, tmp_path) -> None:
    template = real("prisma2020-extdata/PRISMA.csv")
    identified, result, ta, ft = _case()
    out = prisma.export_prisma2020_csv(compute(identified, result, ta, ft), template, tmp_path / "p.csv")
    written = list(csv.DictReader(out.open(encoding="utf-8")))
    original = list(csv.DictReader(template.open(encoding="utf-8")))
    assert [r["data"] for r in written] == [r["data"] for r in original]  # same rows, same order
    assert [list(r) for r in written] == [list(r) for r in original]  # same columns
    rows = {r["data"]: r for r in written}
    assert rows["database_results"]["n"] == "12" and rows["duplicates"]["n"] == "2"
    assert rows["database_specific_results"]["n"] == "Scopus, 6; EBSCO, 6"
    assert rows["dbr_excluded"]["n"] == "E2, 1; I5, 1" and rows["new_studies"]["n"] == "2"
    assert rows["website_results"]["n"] == "0"  # boxes we do not fill keep the template's value


def test_updated_review_adds_previous_studies_and_totals(tmp_path) -> None:
    identified, result, ta, ft = _case()
    counts = compute(identified, result, ta, ft, previous_studies=7, previous_reports=9)
    values = counts.as_dict()
    assert (values["previous_studies"], values["previous_reports"], values["new_reports"],
            values["total_studies"], values["total_reports"]) == (7, 9, 2, 9, 11)
    assert "previous_studies" not in compute(identified, result, ta, ft).as_dict()
    assert compute(identified, result, ta, ft, previous_studies=4).previous_reports == 4
    fig = prisma.diagram(counts)
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert "Previous studies" in texts
    assert any(t.startswith("Total studies included in review\n(n = 9)") for t in texts)
    assert not any(t.startswith("Studies included in review") for t in texts)  # replaced by new + total
    fig.savefig(tmp_path / "updated.svg")
    assert (tmp_path / "updated.svg").stat().st_size > 20_000


def test_updated_review_template_keys(real) -> None:
    template = real("prisma2020-extdata/PRISMA.csv")
    keys = {row["data"] for row in csv.DictReader(template.open(encoding="utf-8"))}
    identified, result, ta, ft = _case()
    assert set(compute(identified, result, ta, ft, previous_studies=3).as_dict()) <= keys


def _other_case():
    """The databases case plus 3 records from citation searching and 1 from a website: 1 not retrieved,
    1 excluded E2, 2 included."""
    identified, result, ta, ft = _case()
    other = {"citations": ["c1", "c2", "c3"], "websites": ["w1"]}
    ft = {**ft, "c1": Decision("c1", FT, "consensus", "include"),
          "c2": Decision("c2", FT, "consensus", "exclude", ("E2",)),
          "c3": Decision("c3", FT, "consensus", "exclude", ("E4",)), "w1": Decision("w1", FT, "consensus", "include")}
    return compute(identified, result, ta, ft, other=other)


def test_other_methods_every_box_by_hand(real) -> None:
    counts = _other_case()
    counts.check()
    values = counts.as_dict()
    assert {k: values[k] for k in ("citations_results", "website_results", "organisation_results",
                                   "other_sought_reports", "other_notretrieved_reports", "other_assessed",
                                   "other_excluded", "new_studies", "dbr_assessed")} == {
        "citations_results": 3, "website_results": 1, "organisation_results": 0, "other_sought_reports": 4,
        "other_notretrieved_reports": 1, "other_assessed": 3, "other_excluded": {"E2": 1}, "new_studies": 4,
        "dbr_assessed": 4}
    template = real("prisma2020-extdata/PRISMA.csv")
    assert set(values) <= {row["data"] for row in csv.DictReader(template.open(encoding="utf-8"))}


def test_other_methods_boxes_are_checked() -> None:
    counts = _other_case()
    counts.other_assessed = 2
    with pytest.raises(prisma.PrismaError, match="other_assessed is 2 but other_sought_reports - "
                                                 "other_notretrieved_reports is 3"):
        counts.check()
    undecided = _other_case()
    undecided.awaiting_full_text = 1
    with pytest.raises(prisma.PrismaError, match="1 report"):
        undecided.check()


@pytest.mark.parametrize("updated", [False, True])
def test_other_methods_column_in_the_diagram_and_template(real, tmp_path, updated) -> None:
    counts = _other_case()
    if updated:
        counts.previous_studies = counts.previous_reports = 5
    texts = [t.get_text() for t in prisma.diagram(counts).axes[0].texts]
    assert f"Identification of {'new ' if updated else ''}studies via other methods" in texts
    assert "Records identified from:\n  Citation searching (n = 3)\n  Websites (n = 1)" in texts
    assert "Reports excluded:\n  E2 (n = 1)" in texts and "Reports not retrieved\n(n = 1)" in texts
    assert texts.count("Reports sought for retrieval\n(n = 4)") == 1  # the other column's (the databases': 5)
    fi = [t.get_text() for t in prisma.diagram(counts, language="fi").axes[0].texts]
    assert "Tunnistetut viitteet:\n  Viittaushaku (n = 3)\n  Verkkosivustot (n = 1)" in fi
    out = prisma.export_prisma2020_csv(counts, real("prisma2020-extdata/PRISMA.csv"), tmp_path / "p.csv")
    rows = {r["data"]: r["n"] for r in csv.DictReader(out.open(encoding="utf-8"))}
    assert (rows["citations_results"], rows["website_results"], rows["other_sought_reports"],
            rows["other_excluded"], rows["new_studies"]) == ("3", "1", "4", "E2, 1", "4")


def test_without_a_declared_outcome_an_e4_exclusion_is_an_exclusion() -> None:
    identified, result, ta, ft = _case()
    counts = prisma.compute(identified, result, ta, ft)
    counts.check()
    assert counts.dbr_notretrieved_reports == 0 and counts.dbr_assessed == 5
    assert counts.dbr_excluded == {"E4": 1, "E2": 1, "I5": 1}
