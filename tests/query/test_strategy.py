"""Line-numbered strategies as databases and published appendices print them."""

from __future__ import annotations

import pytest

from review_tools.query import QuerySyntaxError, analyse, parse, run
from review_tools.query.tree import And, Heading, Limit, Or, Term, headings, limits, terms
from review_tools.records import Record


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


def test_a_hit_count_after_one_space_as_a_pdf_table_copies_it() -> None:
    """'1 or 2 3300000' once read as line 1 OR the phrase '2 3300000'; a number after a tag, a heading, a
    group or a line number is a hit count, and so is one grouped by commas; otherwise after a plain word it is
    searched."""
    tree = parse("1 exp Aged/ 3222222\n2 elderly.ti,ab. 212,345\n3 (old or older).ti. 45\n4 or/1-3 3300000", "ovid")
    assert isinstance(tree, Or) and len(tree.parts) == 4 and "3222222" not in str(tree)
    assert parse("#1 aged[tiab] 1234\n#2 old[ti] 99\n#3 #1 OR #2 1300", "pubmed") == \
        Or((Term("aged", parse("x[tiab]", "pubmed").fields), Term("old", ("title",))))
    assert Term("cancer antigen 125", parse("x", "ovid").fields, phrase=True) in \
        terms(parse("1 cancer antigen 125\n2 aged.ti.\n3 1 and 2", "ovid"))
    embase = parse("#1 'aged'/exp 234,567\n#2 (old NEAR/3 age):ti,ab,kw 123,456\n#3 #1 OR #2 300,000", "embase")
    cochrane = parse("#1 MeSH descriptor: [Aged] explode all trees 12345\n#2 elderly:ti,ab,kw 6789\n#3 #1 OR #2 15000",
                     "cochrane")  # the counts were searched as words
    assert "234,567" not in str(embase) and "12345" not in str(cochrane) and "6789" not in str(cochrane)
    wrapped = parse("1 exp Aged/ 3222222\n2 (elderly or senior or\nolder adult*).ti,ab. 45000\n3 1 or 2 3300000",
                    "ovid")  # the count at the end of a wrapped line: 'line 45000 is not an earlier line' before
    assert [t.text for t in terms(wrapped)] == ["elderly", "senior", "older adult*"]
    ebsco = parse("S1 TI customer segmentation 1,234\nS2 AB pharma* 12,345,678\nS3 S1 AND S2 567", "ebsco")
    assert [t.text for t in terms(ebsco)] == ["customer", "segmentation", "pharma*"]  # grouped by commas: a count


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


def test_a_strategy_printed_without_its_numbers_is_read_line_by_line() -> None:
    """As a database's search history is copied, or an appendix whose numbers sat in a column of their own
    (one search a line; later lines combine earlier ones by their place)."""
    text = """exp Customer Relations/
segment*.ti,ab.
or/1-2

(pharma* adj3 compan*).tw.
3 and 4 [Block A AND Block B]
limit 5 to ed=20100101-20201231"""
    parsed = analyse(text, "ovid")
    assert parsed.lines == 6  # the empty line is not a search
    tree = parsed.tree
    assert isinstance(tree, And) and isinstance(tree.parts[0], Or) and len(tree.parts) == 3
    assert tree.parts[0].parts == (Heading("Customer Relations"), Term("segment*", ("title", "abstract")))
    assert [lim.text for lim in limits(tree)] == ["ed=20100101-20201231"]
    assert any("[Block A AND Block B] is read as a comment" in n for n in parsed.notes)
    pubmed = analyse('"Aged"[Mesh]\nelderly[tiab]\n#1 OR #2', "pubmed")
    assert pubmed.lines == 3 and isinstance(pubmed.tree, Or)


def test_a_strategy_as_ovid_prints_it_leaves_its_frame_out() -> None:
    text = """Database: Embase <1974 to 2021 May 20>
Search Strategy:
--------------------------------------------------------------------------------
1     exp aged/ (3222222)

2     (elderly or
      older adult*).ti,ab. (212345)
3     1 or 2 (3300000)
4     limit 3 to english language (2900000)

***************************
Key:
mp=title, abstract, heading word, drug trade name, original title"""
    parsed = analyse(text, "ovid", vocabulary="emtree")
    assert parsed.lines == 4
    assert terms(parsed.tree) == [Term("elderly", ("title", "abstract")),
                                  Term("older adult*", ("title", "abstract"), phrase=True)]
    assert [lim.kind for lim in limits(parsed.tree)] == ["language"]
    assert parsed.notes[0].startswith("4 line(s) around the numbered lines left out, not searched: "
                                      "'Database: Embase <1974 to 2021 May 20>'")


def test_the_cochrane_library_print_and_pubmed_history_newest_first() -> None:
    cochrane = analyse("Search Name:\taged\nDate Run:\t20/05/2021 10:00:00\nID\tSearch\tHits\n"
                       "#1\tMeSH descriptor: [Aged] explode all trees\t12345\n#2\t(elderly):ti,ab,kw\t23456\n"
                       "#3\t#1 OR #2\t30000\n", "cochrane")
    assert cochrane.lines == 3 and isinstance(cochrane.tree, Or) and cochrane.tree.parts[0] == Heading("Aged")
    pubmed = analyse('Search\tQuery\tItems found\tTime\n#3\tSearch #1 AND #2\t1,234\t10:00:00\n'
                     '#2\tSearch elderly[tiab]\t22,222\t09:59:00\n'
                     '#1\tSearch "Aged"[Mesh]\t3,333,333\t09:58:00', "pubmed")
    assert isinstance(pubmed.tree, And) and pubmed.tree.parts[0] == Heading("Aged")


def test_an_ebsco_search_history_table_keeps_the_searches_and_applies_its_limiters() -> None:
    rows = ["#\tQuery\tLimiters/Expanders\tLast Run Via\tResults",
            "S3\tS1 AND S2\tLimiters - English Language",
            "Search modes - Boolean/Phrase\tInterface - EBSCOhost Research Databases",
            "Database - CINAHL Plus with Full Text\t1,234",
            "S2\tTI elderly OR AB elderly\tSearch modes - Boolean/Phrase\tInterface - EBSCOhost\t22,345",
            'S1\t(MH "Aged+")\tSearch modes - Boolean/Phrase\tInterface - EBSCOhost\t333,456']
    parsed = analyse("\n".join(rows), "ebsco")
    assert parsed.lines == 3 and isinstance(parsed.tree, And)
    assert parsed.tree.parts[0] == Heading("Aged", "cinahl")
    assert [t.text for t in terms(parsed.tree)] == ["elderly", "elderly"]
    assert parsed.tree.parts[2] == Limit("language", ("English",), text="English Language")
    assert "line 3: limits applied as the search history printed them: English Language" in parsed.notes


def test_ebsco_limiters_printed_on_a_history_line_are_applied_and_the_rest_named() -> None:
    text = ('S1 (MH "Diabetes Mellitus+")\nS2 TI diabet* OR AB diabet*\n'
            "S3 S1 OR S2 Limiters - Published Date: 20100101-20201231; English Language; Age Groups: All Adult "
            "Expanders - Apply equivalent subjects Search modes - Boolean/Phrase")
    parsed = analyse(text, "ebsco")
    assert isinstance(parsed.tree, And) and isinstance(parsed.tree.parts[0], Or)
    year, language = parsed.tree.parts[1:]
    assert (year.kind, year.low, year.high) == ("year", 2010, 2020) and language.values == ("English",)
    assert any("'Limiters - Age Groups: All Adult'" in n for n in parsed.notes)
    assert any("'Expanders - Apply equivalent subjects'" in n for n in parsed.notes)
    assert not any("Boolean/Phrase" in n for n in parsed.notes)
    facets = analyse('S1 TI crm\nS2 S1 Limiters - Published Date: 20100101-20201231 Narrow by Language: - english '
                     "Narrow by SubjectThesaurus: - customer relations Search modes - Boolean/Phrase", "ebsco")
    year, language, subject = facets.tree.parts[1:]  # the year range ran on into the facets before
    assert (year.low, year.high, language.values, subject.kind) == (2010, 2020, ("english",), "other")
    records = [Record(id=f"r{i}", title="Diabetes care", year=year, language=language)
               for i, (year, language) in enumerate([(2015, "English"), (2005, "English"), (2015, "German")])]
    assert set(run(parsed.tree, records)) == {"r0"}


def test_pubmed_search_history_as_its_download_button_writes_it() -> None:
    text = ('Search number,Query,Filters,Search Details,Results,Time\n'
            '3,#1 AND #2,,"(""aged""[MeSH Terms]) AND (elderly[Title/Abstract])",1234,10:00:00\n'
            '2,elderly[tiab],,"""elderly""[Title/Abstract]",22222,09:59:00\n'
            '1,"""Aged""[Mesh]",English,"""aged""[MeSH Terms]",3333333,09:58:00\n')
    parsed = analyse(text, "pubmed")
    assert parsed.lines == 3 and isinstance(parsed.tree, And) and parsed.tree.parts[0] == Heading("Aged")
    assert parsed.notes[:2] == ["read from a search history download: its Search number and Query columns",
                                "not applied: the filters of search #1, 'English', set beside the search; set "
                                "them with the database's filters"]


def test_text_before_lines_whose_numbers_do_not_run_on_is_not_a_frame() -> None:
    assert analyse("Search strategy:\n3 aged.ti.\n7 3 or elderly.ti.", "ovid").lines == 1  # one string


def test_an_unnumbered_line_naming_a_line_not_above_it_is_an_error_there() -> None:
    with pytest.raises(QuerySyntaxError) as info:
        parse("aged.ti.\nelderly.ti.\nor/1-2\nor/4-9", "ovid")
    assert (info.value.line, info.value.column) == (4, 1)
    assert "or/4-9 refers to line(s) 4 to 9 not above it" in info.value.message


def test_a_number_beside_words_or_under_a_tag_is_searched_not_a_line() -> None:
    tree = parse("1 exp CA-125 Antigen/\n2 (cancer antigen 125 or type 2 diabet*).tw.\n3 125.tw.\n4 or/1-3",
                 "ovid")
    assert Term("cancer antigen 125", ("title", "abstract"), phrase=True) in terms(tree)
    assert Term("125", ("title", "abstract")) in terms(tree)
    entry = parse("1 x.ti.\n2 (2012* or 2013*).ed.\n3 1 not 2", "ovid").drop
    assert entry.kind == "other" and entry.values == ("2012*", "2013*")  # entry dates, not publication years


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


def test_what_a_results_page_prints_around_a_single_search_is_left_out_and_named() -> None:
    """A count or sort line copied with the search was searched as words ('259', 'document', 'results');
    EBSCOhost's limiters printed under a single search were refused at their '-'."""
    scopus = analyse("TITLE-ABS-KEY ( crm ) AND PUBYEAR > 2003\n259 document results", "scopus")
    assert [t.text for t in terms(scopus.tree)] == ["crm"] and "'259 document results'" in scopus.notes[0]
    pubmed = analyse("Search: crm[tiab] AND pharma*[tiab] Filters: English\nSort by: Best Match", "pubmed")
    assert [t.text for t in terms(pubmed.tree)] == ["crm", "pharma*"]
    ebsco = analyse("TI crm AND AB pharma*\nLimiters - Peer Reviewed; Published Date: 20040101-20241231\n"
                    "Search modes - Boolean/Phrase", "ebsco")
    assert [limit.kind for limit in limits(ebsco.tree)] == ["peer_reviewed", "year"]
    assert [t.text for t in terms(ebsco.tree)] == ["crm", "pharma*"]
    assert [t.text for t in terms(parse("cancer antigen 125", "generic"))] == ["cancer", "antigen", "125"]
    history = parse("#1 TITLE-ABS-KEY(crm) 1,234 document results\n#2 TITLE-ABS-KEY(pharma*) 5,678 document "
                    "results\n#3 #1 AND #2 120 document results", "scopus")  # refused at '#2 120 ...'
    assert [t.text for t in terms(history)] == ["crm", "pharma*"]


def test_an_authors_limit_line_limits_the_line_before_it() -> None:
    """'#9: Limit: publication year from 2005 to 2025' under a strategy was searched as a phrase."""
    parsed = analyse('#1: MeSH descriptor: [Anti-Bacterial Agents] explode all trees\n'
                     '#2: "antimicrobial stewardship":ti,ab,kw\n#3: #1 OR #2\n'
                     "#4: Limit: publication year from 2005 to 2025", "cochrane")
    year = limits(parsed.tree)[0]
    assert (year.kind, year.low, year.high) == ("year", 2005, 2025)
    assert [t.text for t in terms(parsed.tree)] == ["antimicrobial stewardship"] and len(headings(parsed.tree)) == 1
    assert any("read as a limit on the line before it" in n for n in parsed.notes)
    english, since = limits(parse("1 crm.ti.\n2 Limits: English; from 2010", "ovid"))
    assert english.kind == "language" and (since.low, since.high) == (2010, None)
    assert limits(parse("1 crm.ti.\n2 Filters: peer reviewed", "ovid"))[0].kind == "other"
    pubmed = parse("#1 crm[tiab]\n#2 Filters: English, Humans", "pubmed")  # #1 was once dropped from the result
    assert [t.text for t in terms(pubmed)] == ["crm"] and [lim.kind for lim in limits(pubmed)] == ["language", "other"]


def test_a_search_history_pasted_as_a_markdown_table() -> None:
    """A Cochrane history copied into a Markdown document ('| \\#1 | MeSH descriptor: ... | 1065 |') was
    refused at its first '|'."""
    table = ("| ID |\tSearch |\tHits |\n|:---:|:---:|:---:|\n"
             "| \\#1 |\tMeSH descriptor: [Psychomotor Agitation] explode all trees | 1065 |\n"
             "| \\#2\t| MeSH descriptor: [Food Additives] explode all trees |\t1069 |\n"
             "| \\#3\t| hyperactiv*:ti,ab,kw |\t2897 |\n"
             "| \\#4\t| \\#2 AND (\\#1 OR \\#3) | 16 |")
    tree = parse(table, "cochrane")
    assert [h.text for h in headings(tree)] == ["Food Additives", "Psychomotor Agitation"]
    assert [t.text for t in terms(tree)] == ["hyperactiv*"]


def test_a_strategy_whose_line_breaks_were_lost_is_read_line_by_line() -> None:
    """Text taken from a PDF runs the lines together ('1. search$.tw. 2. exp ...'); it was read as one
    line and refused ('or/6-7 refers to lines not above it')."""
    run = ('1. search$.tw. 2. exp "information storage and retrieval"/ or Medical Informatics/ '
           "3. Data Compression/ 4. 2 not 3 5. or/1,4 6. quality control/ or Evaluation Studies/ "
           "7. (quality adj2 assess$).tw. 8. or/6-7 9. and/5,8")
    parsed = analyse(run, "ovid")
    assert parsed.lines == 9 and [h.text for h in headings(parsed.tree)][-1] == "Evaluation Studies"
    assert analyse("#1 crm[tiab] #2 pharma[tiab] #3 #1 AND #2", "pubmed").lines == 3
    assert analyse("S1 TI crm S2 AB pharma* S3 S1 AND S2", "ebsco").lines == 3
    assert [t.text for t in terms(parse("TS=(type 1. diabetes OR type 2. diabetes)", "wos"))][:2] == ["type", "1."]


def test_ebsco_options_sharing_one_cell_of_a_history_table_are_read_apart() -> None:
    """'Limiters - Peer Reviewed  Search modes - Boolean/Phrase' in one cell was one unread option."""
    history = ("#\tQuery\tLimiters/Expanders\tLast Run Via\tResults\n"
               "S2\tAB pharma*\tLimiters - Peer Reviewed  Search modes - Boolean/Phrase\tInterface - EBSCOhost\t5,120\n"
               "S1\tTI crm\tSearch modes - Boolean/Phrase\tInterface - EBSCOhost\t1,234")
    parsed = analyse(history, "ebsco")
    assert [limit.kind for limit in limits(parsed.tree)] == ["peer_reviewed"]
    assert not any("not applied" in n for n in parsed.notes)
