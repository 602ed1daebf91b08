"""Line-numbered strategies as databases and published appendices print them."""

from __future__ import annotations

import pytest

from review_tools.query import QuerySyntaxError, analyse, parse
from review_tools.query.tree import And, Heading, Limit, Or, Term, headings, limits, terms


def test_an_ovid_strategy_resolves_its_lines() -> None:
    text = """1. exp Customer Relations/
2. segment*.ti,ab.
3. (pharma* adj3 compan*).tw.
4. or/1-3
5. 1 and 4
6. limit 5 to english language"""
    parsed = analyse(text, "ovid")
    assert parsed.lines == 6
    tree = parsed.tree
    assert isinstance(tree, And)
    assert tree.parts[0] == Heading("Customer Relations")
    assert isinstance(tree.parts[1], Or) and len(tree.parts[1].parts) == 3
    assert [(lim.kind, lim.values) for lim in limits(tree)] == [("language", ("english",))]


def test_ovid_limits_with_years_and_several_items() -> None:
    tree = parse('1 exp Aged/\n2 limit 1 to (english language and yr="2015 - Current" and humans)', "ovid")
    kinds = {(lim.kind, lim.low) for lim in limits(tree)}
    assert kinds == {("language", None), ("year", 2015), ("other", None)}


def test_hit_counts_after_a_line_are_left_out() -> None:
    tree = parse("1 exp Aged/ (283920)\n2 elderly.ti,ab.\t12,455\n3 1 or 2", "ovid")
    assert tree == Or((Heading("Aged"), Term("elderly", ("title", "abstract"))))


@pytest.mark.parametrize(("syntax", "text"), [
    ("pubmed", '#1 "Aged"[Mesh]\n#2 elderly[tiab]\n#3 #1 OR #2'),
    ("ebsco", 'S1 (MH "Aged+")\nS2 TI elderly\nS3 S1 OR S2'),
    ("cochrane", "#1 MeSH descriptor: [Aged] explode all trees\n#2 elderly:ti\n#3 #1 or #2"),
    ("wos", "#1 TS=(elderly)\n#2 TI=(aged)\n#3 #1 OR #2"),
    ("proquest", "S1 su(elderly)\nS2 ti(aged)\nS3 s1 OR s2"),
])
def test_strategies_of_other_databases(syntax, text) -> None:
    tree = parse(text, syntax)
    assert isinstance(tree, Or) and len(tree.parts) == 2


def test_a_reference_to_a_missing_line_is_an_error_on_its_line() -> None:
    with pytest.raises(QuerySyntaxError) as info:
        parse("#1 aged[tiab]\n#2 #1 AND #5", "pubmed")
    assert info.value.line == 2 and info.value.column == 11 and "line #5" in info.value.message
    with pytest.raises(QuerySyntaxError, match="refers to line"):
        parse("1 aged.ti.\n2 or/1-4", "ovid")


def test_an_error_inside_a_strategy_points_at_its_line_and_column() -> None:
    with pytest.raises(QuerySyntaxError) as info:
        parse("1. exp Aged/\n2. (elderly or aged.ti,ab.\n3. 1 or 2", "ovid")
    assert (info.value.line, info.value.column) == (2, 4)
    assert "line 2, column 4" in str(info.value)


def test_a_string_over_several_lines_without_numbers_is_one_string() -> None:
    tree = parse("(segment* OR cluster*)\nAND pharma*", "generic")
    assert isinstance(tree, And) and len(terms(tree)) == 3


def test_options_switch_variants_and_name_the_vocabulary() -> None:
    assert all(t.variants for t in terms(parse("TITLE-ABS-KEY(colour AND behaviour)", "scopus")))
    assert not any(t.variants for t in terms(parse("TITLE-ABS-KEY(colour)", "scopus", variants=False)))
    assert headings(parse("exp Aged/", "ovid", vocabulary="emtree"))[0].vocabulary == "emtree"


def test_limits_carry_what_was_written() -> None:
    tree = parse('TITLE-ABS-KEY(crm) AND PUBYEAR > 2014 AND (LIMIT-TO(DOCTYPE, "ar"))', "scopus")
    assert [lim.text for lim in limits(tree)] == ["PUBYEAR > 2014", 'LIMIT-TO(DOCTYPE, "ar")']
    assert all(isinstance(lim, Limit) for lim in limits(tree))
