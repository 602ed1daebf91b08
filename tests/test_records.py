"""Record normalisation and the stable id."""

from __future__ import annotations

import pytest

from review_tools.records import (
    Record,
    assign_ids,
    first_author_key,
    fold,
    normalise_doi,
    normalise_language,
    normalise_pages,
    parse_year,
    record_id,
)


@pytest.mark.parametrize(("raw", "doi"), [
    ("10.1016/J.JOI.2017.08.007", "10.1016/j.joi.2017.08.007"),
    ("https://doi.org/10.1016/j.joi.2017.08.007", "10.1016/j.joi.2017.08.007"),
    ("http://dx.doi.org/10.1000/123456789", "10.1000/123456789"),
    ("doi:10.1002/jcc.20289.", "10.1002/jcc.20289"),
    ("DOI 10.1002/jcc.20289;", "10.1002/jcc.20289"),
    ("http://doi.acm.org/10.1145/1137627.1137631", "10.1145/1137627.1137631"),
    ("https://doi.org/10.1002%2Fjcc.20289", "10.1002/jcc.20289"),
    ("10.1038/s41598-022-04849-0 [doi]", "10.1038/s41598-022-04849-0"),
    ("n/a", ""), ("10.1", ""), ("", ""),
])
def test_normalise_doi(raw, doi) -> None:
    assert normalise_doi(raw) == doi


def test_fold_and_keys() -> None:
    assert fold("Asiakkuuksien <i>johtaminen</i>: Äö!") == "asiakkuuksien johtaminen ao"
    # a soft hyphen or a zero-width space inside a word is no word break (it was: 'seg mentation')
    assert fold("customer seg\u00admentation, key\u200baccount") == "customer segmentation keyaccount"
    assert first_author_key(["Virtanen, Äke"]) == "virtanen"
    assert first_author_key(["J. de la Cruz"]) == "cruz"
    assert normalise_pages("971--982") == "971-982" and normalise_pages("405–405") == "405"
    assert parse_year("2016 Jan 15") == 2016 and parse_year("n.d.") is None and parse_year(1999) == 1999
    assert normalise_language("English") == "en" and normalise_language("fin") == "fi"


def test_record_id_follows_the_work_not_the_row() -> None:
    a = Record(title="Customer segmentation in pharma", year=2020, authors=["Smith, J."], doi="10.1/x",
               database="Scopus", position=1)
    b = Record(title="Customer Segmentation in Pharma.", year=2020, authors=["Smith, John"], doi="10.1/x",
               database="Web of Science", position=99)
    assert record_id(a) == record_id(b)
    c = Record(title="Customer segmentation in pharma", year=2020, authors=["Smith, J."])
    d = Record(title="customer segmentation in pharma!", year=2020, authors=["SMITH, J"], position=5)
    assert record_id(c) == record_id(d) != record_id(a)
    assert record_id(Record(title="x", year=2021)) != record_id(Record(title="x", year=2020))


def test_assign_ids_makes_ids_unique() -> None:
    records = [Record(title="Same", year=2020), Record(title="Same", year=2020), Record(title="Other")]
    assign_ids(records)
    assert records[0].id + "-2" == records[1].id and len({r.id for r in records}) == 3
