"""Each database's grammar: precedence as its help page states it, its field tags, limits and headings,
and errors at the real cause with a hint."""

from __future__ import annotations

import pytest

from review_tools.query import QuerySyntaxError, analyse, parse, run, syntax_for, translate
from review_tools.query.tree import TOPIC, And, Heading, Limit, Near, Not, Or, Term, fields_of, limits, normalise, terms
from review_tools.records import Record, assign_ids


def shape(node) -> str:
    """A tree as a bracketed string of its words: And(a, Or(b, c)) -> '(a AND (b OR c))'."""
    if isinstance(node, Term):
        return node.text
    if isinstance(node, And | Or):
        op = " AND " if isinstance(node, And) else " OR "
        return "(" + op.join(shape(p) for p in node.parts) + ")"
    if isinstance(node, Not):
        return f"({shape(node.keep)} NOT {shape(node.drop)})"
    if isinstance(node, Near):
        return f"({shape(node.left)} {'PRE' if node.ordered else 'NEAR'}{node.distance} {shape(node.right)})"
    if isinstance(node, Heading):
        return f"[{node.text}]"
    if isinstance(node, Limit):
        return f"<{node.kind}>"
    raise TypeError(node)


# Precedence, one table per database, each row from its help page (cited in the grammar's docstring).
PRECEDENCE = [
    # Scopus: OR, then W/n PRE/n, then AND, then AND NOT; "After the precedence rules are applied, the
    # query is read left to right" (h_bscssrchboolop.htm examples, and the issue's example).
    ("scopus", "KEY(mouse AND NOT cat OR dog)", "(mouse NOT (cat OR dog))"),
    ("scopus", "KEY(mouse OR rat AND rodent)", "((mouse OR rat) AND rodent)"),
    ("scopus", "KEY(rodent AND rat OR mouse)", "(rodent AND (rat OR mouse))"),
    ("scopus", "KEY(cat AND dog AND NOT rodent OR mouse)", "((cat AND dog) NOT (rodent OR mouse))"),
    ("scopus", "sensor W/15 robot AND water OR orbit OR planet",
     "((sensor NEAR15 robot) AND (water OR orbit OR planet))"),
    ("scopus", "cat pre/10 dog AND mouse", "((cat PRE10 dog) AND mouse)"),
    ("scopus", '"a" OR "b" OR "c" AND (burn* OR fire*)', "((a OR b OR c) AND (burn* OR fire*))"),
    ("scopus", "finland or finnish and pisa", "((finland OR finnish) AND pisa)"),
    ("scopus", "wind power", "(wind AND power)"),
    # PubMed: strictly left to right.
    ("pubmed", "salmonella OR eggs AND hamburger", "((salmonella OR eggs) AND hamburger)"),
    ("pubmed", "salmonella AND hamburger OR eggs", "((salmonella AND hamburger) OR eggs)"),
    ("pubmed", "a NOT b OR c", "((a NOT b) OR c)"),
    ("pubmed", "salmonella AND (hamburger OR eggs)", "(salmonella AND (hamburger OR eggs))"),
    # Web of Science: NEAR/x, SAME, NOT, AND, OR (highest first).
    ("wos", "copper OR lead AND algae", "(copper OR (lead AND algae))"),
    ("wos", "(copper OR lead) AND algae", "((copper OR lead) AND algae)"),
    ("wos", "a AND b NOT c", "(a AND (b NOT c))"),
    ("wos", "a NOT b AND c", "((a NOT b) AND c)"),
    ("wos", "a OR b NEAR/3 c", "(a OR (b NEAR3 c))"),
    ("wos", "rainbow trout fish farm", "(rainbow AND trout AND fish AND farm)"),
    # EBSCOhost: AND before OR; proximity tighter.
    ("ebsco", "heart AND lung OR bypass", "((heart AND lung) OR bypass)"),
    ("ebsco", "a OR b N3 c", "(a OR (b NEAR3 c))"),
    # ProQuest: a phrase, OR, PRE/n, NEAR (W/n), AND, AND NOT (highest first).
    ("proquest", "cat AND dog OR pet", "(cat AND (dog OR pet))"),
    ("proquest", "cat AND dog PRE/2 pet", "(cat AND (dog PRE2 pet))"),
    ("proquest", "cat AND dog W/2 pet", "(cat AND (dog NEAR2 pet))"),
    ("proquest", "cat AND NOT dog AND pet", "(cat NOT (dog AND pet))"),
    ("proquest", "cat AND su(dog) OR pet", "(cat AND (dog OR pet))"),
    # Ovid: words next to each other are a phrase; AND read before OR (with a note).
    ("ovid", "heart attack and risk", "(heart attack AND risk)"),
    ("ovid", "a or b and c", "(a OR (b AND c))"),
    # Google Scholar: OR joins the words beside it, tighter than AND (written or implied); -word leaves out.
    ("scholar", "a b OR c", "(a AND (b OR c))"),
    ("scholar", "a OR b c OR d", "((a OR b) AND (c OR d))"),
    ("scholar", "a AND b OR c", "(a AND (b OR c))"),
    ("scholar", "a -b c", "((a AND c) NOT b)"),
    ("scholar", '(a OR b) -c -"d e"', "((a OR b) NOT (c OR d e))"),
    ("scholar", "crm: pharma OR drug", "(crm: AND (pharma OR drug))"),  # a colon that is no field operator
    # generic: AND before OR, proximity tighter.
    ("generic", "a OR b AND c", "(a OR (b AND c))"),
    ("generic", "a AND b NOT c", "((a AND b) NOT c)"),
]


@pytest.mark.parametrize(("syntax", "query", "expected"), PRECEDENCE, ids=[f"{s}:{q}" for s, q, _ in PRECEDENCE])
def test_precedence_as_each_database_documents_it(syntax, query, expected) -> None:
    assert shape(parse(query, syntax)) == expected


def test_ovid_notes_an_and_or_mix_it_cannot_be_sure_of() -> None:
    from review_tools.query import analyse

    assert any("AND and OR are mixed" in n for n in analyse("a or b and c", "ovid").notes)
    assert not analyse("(a or b) and c", "ovid").notes
    assert not analyse("1 a.ti.\n2 b.ti.\n3 c.ti.\n4 1 or 2\n5 4 and 3", "ovid").notes  # a line is one unit


FIELDS = [
    ("scopus", "TITLE-ABS-KEY(crm)", TOPIC),
    ("scopus", "TITLE-ABS(crm)", fields_of("title", "abstract")),
    ("scopus", "AUTHKEY(crm)", ("keywords",)),
    ("scopus", "title-abs-key ( crm )", TOPIC),
    ("wos", "TS=crm", TOPIC),
    ("wos", "TS = (crm)", TOPIC),
    ("wos", "TI=(crm)", ("title",)),
    ("wos", "ALL=(crm)", fields_of("title", "abstract", "keywords", "headings", "author", "source", "other")),
    ("pubmed", "crm[tiab]", fields_of("title", "abstract", "keywords")),
    ("pubmed", "crm [Title/Abstract]", fields_of("title", "abstract", "keywords")),
    ("pubmed", "crm[Title]", ("title",)),
    ("pubmed", "crm[ot]", ("keywords",)),
    ("ebsco", "TI crm", ("title",)),
    ("ebsco", "AB crm", ("abstract",)),
    ("ebsco", "TX crm", fields_of("title", "abstract", "keywords", "headings", "author", "source", "other",
                                  "fulltext")),
    ("proquest", "ti,ab(crm)", fields_of("title", "abstract")),
    ("proquest", "noft(crm)", fields_of("title", "abstract", "keywords", "headings", "author", "source", "other")),
    ("proquest", 'pub.exact("crm")', ("source",)),  # once refused as 'not an exact-subject search'
    ("ovid", "crm.ti,ab.", fields_of("title", "abstract")),
    ("ovid", "crm.tw.", fields_of("title", "abstract")),
    ("ovid", "(crm).kf.", ("keywords",)),
    ("cochrane", "crm:ti,ab,kw", TOPIC),
    ("embase", "crm:ti,ab", fields_of("title", "abstract")),
]


@pytest.mark.parametrize(("syntax", "query", "fields"), FIELDS, ids=[f"{s}:{q}" for s, q, _ in FIELDS])
def test_field_tags(syntax, query, fields) -> None:
    node = parse(query, syntax)
    assert isinstance(node, Term) and node.text == "crm" and node.fields == fields


def test_untagged_terms_search_each_databases_default_fields() -> None:
    assert parse("crm", "pubmed").fields == fields_of("title", "abstract", "keywords", "headings", "author",
                                                      "source", "other")
    assert parse("crm", "wos").fields == TOPIC
    assert parse("crm", "generic").fields == TOPIC
    assert parse("crm", "ovid").fields == fields_of("title", "abstract", "keywords", "headings", "other")


def test_words_next_to_each_other_join_each_databases_way() -> None:
    assert parse("primary care", "generic") == And((Term("primary"), Term("care")))
    assert normalise(parse("primary care", "pubmed")) == normalise(parse("primary AND care", "pubmed"))
    assert parse("primary care[tiab]", "pubmed") == Term("primary care", fields_of("title", "abstract", "keywords"),
                                                        phrase=True)
    assert parse("heart attack", "ovid") == Term("heart attack", parse("x", "ovid").fields, phrase=True)
    node = parse("heart attack", "ebsco")
    assert isinstance(node, Near) and node.distance == 5 and not node.ordered  # EBSCO's default N5


def test_soft_hyphens_and_zero_width_spaces_are_not_searched() -> None:
    """Copied from a PDF, 'seg\u00admentation' was searched with its soft hyphen and found nothing."""
    assert parse("seg\u00admentation AND \"key\u200b account\"", "generic") == And((
        Term("segmentation", TOPIC), Term("key account", TOPIC, phrase=True)))


def test_typographic_quotes_and_spaces_before_tags() -> None:
    assert parse("“customer segmentation”", "generic") == Term("customer segmentation", phrase=True)
    assert parse("„asiakkuuden hallinta“", "generic").text == "asiakkuuden hallinta"
    assert parse('"peer support" [Title/Abstract]', "pubmed").fields == fields_of("title", "abstract", "keywords")
    assert parse("{heart attack}", "scopus") == Term("heart attack", parse("x", "scopus").fields, phrase=True,
                                                     exact=True)


def test_wildcards_mean_what_each_database_says() -> None:
    assert parse("wom?n", "scopus").text == "wom?n"  # exactly one character
    assert parse("behavio#r", "ebsco").text == "behavio#r"  # one character or none
    assert parse("behavio?r", "ovid").text == "behavio#r"  # Ovid's ? is one or none
    assert parse("wom#n", "ovid").text == "wom?n"  # Ovid's # is exactly one
    assert parse("colo$r", "wos").text == "colo#r"  # Web of Science's $ is one or none
    assert parse("dog$1", "ovid").text == "dog*{1}"  # at most one character
    assert parse("child$", "ovid").text == "child*"
    assert parse("N95", "ebsco") == Term("N95", parse("x", "ebsco").fields, variants=True)  # a term, not an operator
    assert parse("mask N95 respirator", "generic") == And((Term("mask"), Term("N95"), Term("respirator")))


HEADINGS = [
    ("pubmed", '"Aged"[Mesh]', Heading("Aged")),
    ("pubmed", "Aged[mh]", Heading("Aged")),
    ("pubmed", "Patient Education as Topic[MeSH Terms]", Heading("Patient Education as Topic")),
    ("pubmed", '"Aged"[Mesh:NoExp]', Heading("Aged", explode=False)),
    ("pubmed", '"Aged"[Majr]', Heading("Aged", major=True)),
    ("pubmed", "psoriasis/dt[Majr]", Heading("psoriasis", major=True, subheading="drug therapy")),
    ("ovid", "exp Aged/", Heading("Aged")),
    ("ovid", "Aged/", Heading("Aged", explode=False)),
    ("ovid", "exp *Breast Neoplasms/dt", Heading("Breast Neoplasms", major=True, subheading="drug therapy")),
    ("ovid", "exp Customer Relations/", Heading("Customer Relations")),
    ("ovid", "Biological Markers/an, bl,me [Analysis, Blood, Metabolism]",
     Or(tuple(Heading("Biological Markers", explode=False, subheading=s) for s in ("an", "bl", "me")))),
    ("ovid", "exp Lung/ra, ri", Or((Heading("Lung", subheading="ra"), Heading("Lung", subheading="ri")))),
    ("ovid", '"Power (Psychology)"/', Heading("Power (Psychology)", explode=False)),
    ("ovid", "(ae or co).fs.", Or((Heading("", subheading="adverse effects"), Heading("", subheading="co")))),
    ("ovid", "tu.xs.", Heading("", subheading="therapeutic use")),
    ("ebsco", 'MH "Aged+"', Heading("Aged", "cinahl")),
    ("ebsco", 'MH "Aged"', Heading("Aged", "cinahl", explode=False)),
    ("ebsco", 'MM "Aged+"', Heading("Aged", "cinahl", major=True)),
    ("proquest", 'SU.EXACT("Customer relations")', Heading("Customer relations", "thesaurus", explode=False)),
    ("proquest", 'SU.EXACT.EXPLODE("Customer relations")', Heading("Customer relations", "thesaurus")),
    ("proquest", 'MAINSUBJECT.EXACT("Marketing")', Heading("Marketing", "thesaurus", explode=False, major=True)),
    ("cochrane", '[mh "Low Back Pain"]', Heading("Low Back Pain")),
    ("cochrane", '[mh ^"Low Back Pain"]', Heading("Low Back Pain", explode=False)),
    ("cochrane", "[mh vaccines/AE]", Heading("vaccines", subheading="adverse effects")),
    ("cochrane", "[mh vaccines [mj]]", Heading("vaccines", major=True)),
    ("cochrane", "MeSH descriptor: [Aged] explode all trees", Heading("Aged")),
    ("cochrane", "MeSH descriptor: [Weight Loss] this term only", Heading("Weight Loss", explode=False)),
    ("embase", "'heart infarction'/exp", Heading("heart infarction", "emtree")),
    ("embase", "'heart infarction'/de", Heading("heart infarction", "emtree", explode=False)),
]


@pytest.mark.parametrize(("syntax", "query", "heading"), HEADINGS, ids=[f"{s}:{q}" for s, q, _ in HEADINGS])
def test_subject_headings_are_their_own_node_kind(syntax, query, heading) -> None:
    assert parse(query, syntax) == heading


LIMITS = [
    ("scopus", "PUBYEAR > 2014", ("year", 2015, None)),
    ("scopus", "PUBYEAR>2014", ("year", 2015, None)),
    ("scopus", "PUBYEAR AFT 2010", ("year", 2011, None)),
    ("scopus", 'LIMIT-TO ( DOCTYPE , "ar" )', ("doctype", ("ar",))),
    ("scopus", 'EXCLUDE ( DOCTYPE , "cp" )', ("doctype", ("cp",), True)),
    ("scopus", 'LIMIT-TO(LANGUAGE, "English")', ("language", ("English",))),
    ("scopus", "SUBJAREA(MEDI)", ("subject", ("MEDI",))),
    ("scopus", "DOCTYPE(ar)", ("doctype", ("ar",))),
    ("ovid", "(2015 or 2016 or 2017).yr.", ("year", 2015, 2017)),
    ("ovid", '"2015 - Current".yr.', ("year", 2015, None)),
    ("ovid", "20190101.ed.", ("other", ("20190101",))),
    ("wos", "PY=(2015-2024)", ("year", 2015, 2024)),
    ("wos", "PY=2019", ("year", 2019, 2019)),
    ("wos", "PY=(2004\u20132024)", ("year", 2004, 2024)),  # an en dash from a word processor: was 2004 only
    ("wos", "DT=(Article)", ("doctype", ("Article",))),
    ("wos", "LA=(English)", ("language", ("English",))),
    ("pubmed", "2015/1/1:2025/05/23[pdat]", ("year", 2015, 2025)),
    ("pubmed", '"2015/01/01"[PDAT] : "2020/12/31"[PDAT]', ("year", 2015, 2020)),
    ("pubmed", "2015:2024[dp]", ("year", 2015, 2024)),
    ("pubmed", "english[lang]", ("language", ("english",))),
    ("pubmed", "review[pt]", ("doctype", ("review",))),
    ("ebsco", "DT 2015-2024", ("year", 2015, 2024)),
    ("ebsco", "LA English", ("language", ("English",))),
    ("proquest", "pd(20150101-20241231)", ("year", 2015, 2024)),
    ("proquest", 'la.exact("English")', ("language", ("English",))),
    ("pubmed", "Review[ptyp]", ("doctype", ("Review",))),  # the legacy Search Details' tag, refused before
    ("scopus", 'PUBDATETXT("July 2004")', ("year", 2004, 2004)),  # refused before
    ("proquest", 'rtype.exact("Scholarly Journals")', ("source_type", ("Scholarly Journals",))),
    ("proquest", "PEER(yes)", ("peer_reviewed", ("yes",))),
    ("embase", "[english]/lim", ("language", ("english",))),
    ("embase", "[2015-2024]/py", ("year", 2015, 2024)),
]


@pytest.mark.parametrize(("syntax", "query", "expected"), LIMITS, ids=[f"{s}:{q}" for s, q, _ in LIMITS])
def test_limits_are_structured_filters(syntax, query, expected) -> None:
    node = parse(query, syntax)
    assert isinstance(node, Limit) and node.kind == expected[0]
    if node.kind == "year":
        assert (node.low, node.high) == expected[1:]
    else:
        assert node.values == expected[1] and node.exclude == (len(expected) > 2 and expected[2])
    assert node.text  # kept as written, for the PRISMA-S table


def test_web_of_science_refinement_lines_are_limits() -> None:
    node = parse('TS=(crm) Refined by: DOCUMENT TYPES: ( ARTICLE OR REVIEW ) AND LANGUAGES: ( ENGLISH )', "wos")
    kinds = [(n.kind, n.values) for n in node.parts if isinstance(n, Limit)]
    assert kinds == [("doctype", ("ARTICLE", "REVIEW")), ("language", ("ENGLISH",))]
    timespan = parse("TS=(crm)\nTimespan: 2000-2020. Indexes: SCI-EXPANDED", "wos")
    assert any(isinstance(n, Limit) and (n.low, n.high) == (2000, 2020) for n in timespan.parts)


def test_web_of_science_history_refinements_are_limits_not_words() -> None:
    history = "#1\tTS=(crm)\n#2\t#1 and Article or Review Article (Document Types) and English (Languages)"
    tree = analyse(history, "wos").tree
    assert isinstance(tree, And) and [t.text for t in terms(tree)] == ["crm"]
    assert [(n.kind, n.values) for n in tree.parts[1:]] == [("doctype", ("Article", "Review Article")),
                                                           ("language", ("English",))]
    excluded = parse("#1 TS=(crm)\n#2 #1 and Meeting Abstract (Exclude \u2013 Document Types)", "wos")
    assert excluded.parts[1].exclude and excluded.parts[1].values == ("Meeting Abstract",)
    years = parse("#1 TS=(crm)\n#2 #1 and 2019 or 2020 or 2021 (Publication Years)", "wos").parts[1]
    assert (years.low, years.high) == (2019, 2021)
    apart = parse("#1 TS=(crm)\n#2 #1 and 2015 or 2020 (Publication Years)", "wos").parts[1]
    assert isinstance(apart, Or) and [(y.low, y.high) for y in apart.parts] == [(2015, 2015), (2020, 2020)]
    assert shape(parse("TS=(apple or pear (fruit))", "wos")) == "(apple OR (pear AND fruit))"


def test_web_of_science_refined_by_reads_every_item_or_names_what_it_cannot() -> None:
    node = parse("#1 TS=(crm)\n#2 #1 Refined by: [excluding] DOCUMENT TYPES: ( MEETING ABSTRACT ) "
                 "Indexes=SCI-EXPANDED, SSCI Timespan=2000-2020", "wos")
    doctype, index, span = node.parts[1:]
    assert doctype.exclude and doctype.values == ("MEETING ABSTRACT",)
    assert index.kind == "other" and (span.low, span.high) == (2000, 2020)
    plain = parse("TS=(crm)\nRefined By: Document Types: Article or Review Article. Languages: English", "wos")
    assert [(n.kind, n.values) for n in plain.parts[1:]] == [("doctype", ("Article", "Review Article")),
                                                            ("language", ("English",))]
    with pytest.raises(QuerySyntaxError, match="'garbage here' in the refinement") as err:
        parse("#1 TS=(crm)\n#2 #1 Refined by: DOCUMENT TYPES: ( ARTICLE ) garbage here", "wos")
    assert err.value.column == 47


def test_ebsco_reads_unquoted_words_after_mh_or_pt_as_one_heading_or_type() -> None:
    # EBSCO's own CINAHL Clinical Queries write them so
    tree = parse("(TI randomized or AB randomized or MH treatment outcomes or PT clinical trial)", "ebsco")
    assert tree.parts[2] == Heading("treatment outcomes", "cinahl", explode=False)
    assert tree.parts[3].kind == "doctype" and tree.parts[3].values == ("clinical trial",)
    assert parse("MH frail elderly+", "ebsco") == Heading("frail elderly", "cinahl", explode=True)
    assert isinstance(parse("TI nurse burnout", "ebsco"), Near)


def test_embase_reads_a_quoted_publication_type_with_its_slash_tag() -> None:
    tree = parse("'heart failure'/exp NOT ('conference abstract'/it OR 'conference review'/it)", "embase")
    assert isinstance(tree, Not) and tree.keep == Heading("heart failure", "emtree", explode=True)
    assert [(n.kind, n.values) for n in tree.drop.parts] == [("doctype", ("conference abstract",)),
                                                            ("doctype", ("conference review",))]
    with pytest.raises(QuerySyntaxError, match="mixes a limit with an Emtree tag"):
        parse("'article'/it/exp", "embase")


def test_a_printed_restriction_limits_the_whole_line_whatever_the_precedence() -> None:
    # Web of Science does AND before OR, the Cochrane Library (as read here) too: a refinement or a product
    # printed after '#1 OR #2' limits both
    for text, syntax in [("#1 TS=(a)\n#2 TS=(b)\n#3 #1 OR #2 Refined by: DOCUMENT TYPES: ( ARTICLE )", "wos"),
                         ("#1 a:ti\n#2 b:ti\n#3 #1 OR #2 in Trials", "cochrane"),
                         ("#1 a:ti\n#2 b:ti\n#3 #1 OR #2 with Publication Year from 2010 to 2020, in Trials",
                          "cochrane"),
                         ("#1 a[ti]\n#2 b[ti]\n#3 #1 OR #2 Filters: Humans, English", "pubmed")]:
        tree = parse(text, syntax)
        assert isinstance(tree, And) and isinstance(tree.parts[0], Or), (syntax, shape(tree))
        assert all(isinstance(part, Limit) for part in tree.parts[1:])


def test_a_restriction_word_inside_a_phrase_is_searched() -> None:
    tree = parse('"water filters: a review"[ti] AND crm[tiab]', "pubmed")  # an error before
    assert [t.text for t in terms(tree)] == ["water filters: a review", "crm"]


def test_cochrane_with_and_in_are_search_words_unless_they_start_a_restriction() -> None:
    assert parse("(people with dementia):ti,ab,kw", "cochrane") == Term("people with dementia", fields_of(
        "title", "abstract", "keywords", "headings"), phrase=True)
    assert shape(parse("cancer in children", "cochrane")) == "cancer in children"
    printed = analyse("(heart NEAR/2 failure):ti,ab,kw (Word variations have been searched)", "cochrane")
    assert isinstance(printed.tree, Near) and all(t.variants for t in terms(printed.tree))
    assert "Word variations have been searched" in printed.notes[0]


def test_pubmed_filters_as_its_history_prints_them_and_as_filter_tags() -> None:
    tree = parse("Search: heart failure Filters: Randomized Controlled Trial, English, from 2015 - 3000/12/12, "
                 "Humans", "pubmed")
    assert [t.text for t in terms(tree)] == ["heart", "failure"]
    trial, language, years, humans = tree.parts[2:]
    assert (trial.kind, trial.values) == ("doctype", ("Randomized Controlled Trial",))
    assert language.kind == "language" and (years.low, years.high) == (2015, None) and humans.kind == "other"
    assert [t.text for t in terms(parse("search engine[tiab] AND crm", "pubmed"))] == ["search engine", "crm"]
    numbered = parse("#1 search engine[tiab]\n#2 crm[tiab]\n#3 #1 AND #2", "pubmed")
    assert [t.text for t in terms(numbered)] == ["search engine", "crm"]
    tagged = parse("a[tiab] AND english[Filter] AND systematicreview[Filter] AND y_10[Filter] AND hasabstract",
                   "pubmed")
    assert [(n.kind, n.values) for n in tagged.parts[1:]] == [
        ("language", ("english",)), ("doctype", ("Systematic Review",)), ("other", ("y_10",)),
        ("other", ("has abstract",))]


def test_pubmed_filters_are_written_back_as_pubmed_filter_tags() -> None:
    history = parse("#1 heart failure[mh]\n#2 #1 Filters: Humans, Free full text, in the last 5 years", "pubmed")
    written, warnings = translate(history, "pubmed")
    assert written == '"heart failure"[Mesh] AND humans[Filter] AND ffrft[Filter] AND y_5[Filter]' and not warnings
    tagged = translate(parse("a[tiab] AND medline[sb] AND hasabstract", "pubmed"), "pubmed")[0]
    assert tagged == "a[tiab] AND medline[sb] AND fha[Filter]"  # 'no way to write' these before
    assert translate(parse("'heart'/exp AND [humans]/lim", "embase"), "pubmed")[0] == '"heart"[Mesh] AND humans[Filter]'


def test_ovid_colon_truncation_and_grouped_limit_items() -> None:
    # APA PsycInfo's field codes on Ovid were refused as unknown
    assert parse('"meta analysis".md. or adults.ag. or crm.an.', "ovid").parts[0].fields == ("other",)
    assert parse("random:.tw.", "ovid").text == "random*"
    assert parse("hospital:2.tw.", "ovid").text == "hospital*{2}"
    tree = parse('1 heart.tw.\n2 limit 1 to (embase and (article or "review"))', "ovid")
    embase, types = tree.parts[1:]
    assert embase.kind == "other" and isinstance(types, Or)
    assert [(n.kind, n.values) for n in types.parts] == [("doctype", ("article",)), ("doctype", ("review",))]


def test_a_date_after_a_comparison_keeps_its_own_year() -> None:
    # ProQuest's pd(>20100101) is 'after 1 January 2010': 2010 counts; '>2010' (a year alone) starts in 2011
    assert (parse("crm AND pd(>20100101)", "proquest").parts[1].low) == 2010
    assert parse("TITLE(crm) AND PUBYEAR > 2010", "scopus").parts[1].low == 2011


def test_embase_subheading_links_are_read_and_written_back() -> None:
    disease = parse("'heart failure'/exp/dm_dt", "embase")
    assert disease == Heading("heart failure", "emtree", explode=True, subheading="drug therapy")
    assert translate(disease, "embase")[0] == "'heart failure'/exp/dm_dt"
    assert translate(parse("'aspirin'/exp/dd_ae", "embase"), "embase")[0] == "'aspirin'/exp/dd_ae"
    assert translate(disease, "pubmed")[0] == '"heart failure/dt"[Mesh]'
    trials = parse("[randomized controlled trial]/lim OR [controlled clinical trial]/lim", "embase")
    assert {part.kind for part in trials.parts} == {"doctype"}
    entered = parse("'heart failure':ti AND [1-1-2010]/sd", "embase").parts[1]  # an error before
    assert (entered.kind, entered.values) == ("other", ("1-1-2010",))


def test_scopus_excluded_refinements_joined_by_or_are_all_left_out() -> None:
    """Scopus writes the refinements a user excludes as 'EXCLUDE(DOCTYPE, "cp") OR EXCLUDE(DOCTYPE, "ch")' and
    leaves out every one; read as an OR, a record of either type would pass the other's exclusion."""
    parsed = analyse('TITLE-ABS-KEY(crm) AND (EXCLUDE(DOCTYPE, "cp") OR EXCLUDE(DOCTYPE, "ch")) AND '
                     '(EXCLUDE(EXACTKEYWORD, "Human") OR EXCLUDE(EXACTKEYWORD, "Animals")) AND '
                     '(LIMIT-TO(LANGUAGE, "English") OR LIMIT-TO(LANGUAGE, "Finnish"))', "scopus")
    assert shape(parsed.tree) == \
        "((crm AND <doctype> AND <doctype> AND (<language> OR <language>)) NOT (Human OR Animals))"
    assert any("every one of them left out" in n for n in parsed.notes)
    records = [Record(title="crm", document_type=kind, keywords=keywords, language="English")
               for kind, keywords in (("Article", []), ("Conference Paper", []), ("Book Chapter", []),
                                      ("Article", ["Human"]))]
    assign_ids(records)
    assert [r.document_type for r in records if r.id in set(run(parsed.tree, records))] == ["Article"]


def test_scopus_limit_functions_take_values_joined_by_or() -> None:
    assert parse("DOCTYPE(ar OR re)", "scopus").values == ("ar", "re")
    with pytest.raises(QuerySyntaxError, match="joins its values with OR only"):
        parse("DOCTYPE(ar AND re)", "scopus")


def test_ebsco_subheadings_after_an_exploded_heading_and_codes_it_does_not_know() -> None:
    assert parse('(MH "Heart Failure+/DT")', "ebsco") == Heading("Heart Failure", "cinahl", explode=True,
                                                                subheading="drug therapy")
    unknown = analyse('ZC "meta analysis" OR PT systematic review', "ebsco")
    assert unknown.tree.parts[0].fields == ("other",) and "ZC is not a field code" in unknown.notes[0]
    assert isinstance(parse("IT governance", "ebsco"), Near)  # two capitals before a plain word stay a word
    assert [t.text for t in terms(parse("AI (ethics OR law)", "ebsco"))] == ["AI", "ethics", "law"]  # an acronym


def test_web_of_science_field_names_as_the_classic_history_printed_them() -> None:
    tree = parse("TOPIC: (customer segmentation) AND TITLE: (pharma*) AND LANGUAGE: (English) AND "
                 "DOCUMENT TYPES: (Article OR Review)\nTimespan=All years. Indexes=SCI-EXPANDED, SSCI.", "wos")
    words = {t.text: t.fields for t in terms(tree)}
    # 'TOPIC:' and 'LANGUAGE:' were searched as words
    assert words == {"customer": TOPIC, "segmentation": TOPIC, "pharma*": ("title",)}
    assert [(n.kind, n.values) for n in limits(tree)] == [
        ("language", ("English",)), ("doctype", ("Article", "Review")), ("other", ("All years",)),
        ("other", ("SCI-EXPANDED, SSCI",))]
    assert parse("TS=(crm)\nTimespan=All years", "wos").parts[1].values == ("All years",)
    assert shape(parse("TS=(topic modelling)", "wos")) == "(topic AND modelling)"
    page = analyse("Results: 38,040\n(from Web of Science Core Collection)\nYou searched for: CITED AUTHOR: "
                   '("R CORE TEAM" OR "R DEVELOPMENT CORE TEAM")\nRefined by: DOCUMENT TYPES: ( ARTICLE )\n'
                   "Timespan: 1900-2018. Indexes: SCI-EXPANDED, SSCI.", "wos")
    # the page's frame was searched as words ('Results:', '38,040', 'from', 'Web' ...)
    assert [(t.text, t.fields) for t in terms(page.tree)] == [("R CORE TEAM", ("other",)),
                                                             ("R DEVELOPMENT CORE TEAM", ("other",))]
    assert limits(page.tree)[0].kind == "doctype" and any("'Results: 38,040'" in n for n in page.notes)
    today = parse('crm (Topic) and "key account*" (Title) and (pharma* OR drug*) (Abstract)', "wos")
    assert [(t.text, t.fields) for t in terms(today)] == [  # 'Topic' and 'Title' were searched as words
        ("crm", TOPIC), ("key account*", ("title",)), ("pharma*", ("abstract",)), ("drug*", ("abstract",))]
    assert [t.text for t in terms(parse("crm (Topic) and cancer (treatment)", "wos"))] == ["crm", "cancer", "treatment"]


def test_generic_reads_field_labels_of_sciencedirect_and_ieee_xplore() -> None:
    tak = fields_of("title", "abstract", "keywords")
    tree = parse('Title, abstract, keywords: ("customer segmentation" OR "market segmentation") AND '
                 "TITLE-ABSTR-KEY(pharma*)", "generic")  # the label's words were searched before
    assert {t.text: t.fields for t in terms(tree)} == {"customer segmentation": tak, "market segmentation": tak,
                                                       "pharma*": tak}
    ieee = parse('("All Metadata":"customer segmentation") AND ("Document Title":pharma*)', "generic")
    assert [t.fields for t in terms(ieee)][1] == ("title",) and terms(ieee)[0].text == "customer segmentation"
    assert shape(parse("title AND abstract", "generic")) == "(title AND abstract)"  # no colon: words


def test_generic_reads_sciencedirects_refinement_lines_as_limits() -> None:
    """'Years: 2004-2024' and 'Article type: ...' under a ScienceDirect search were searched as words."""
    parsed = analyse("Title, abstract, keywords: (crm) AND pharma*\nYears: 2004-2024\n"
                     "Article type: Review articles, Research articles\n"
                     "Subject areas: Business, Management and Accounting", "generic")
    assert [t.text for t in terms(parsed.tree)] == ["crm", "pharma*"] and not parsed.notes
    assert [(n.kind, n.values) for n in limits(parsed.tree)] == [
        ("year", ("2004-2024",)), ("doctype", ("Review articles", "Research articles")),
        ("subject", ("Business, Management and Accounting",))]
    assert limits(parsed.tree)[0].low == 2004
    with pytest.raises(QuerySyntaxError, match="neither a refinement nor the search"):
        parse("crm\nYears: 2004-2024\nsomething else", "generic")
    assert [t.text for t in terms(parse("crm AND year", "generic"))] == ["crm", "year"]


def test_generic_reads_the_acm_digital_librarys_bracketed_groups_and_older_field_names() -> None:
    tree = parse('[[Title: "customer segmentation"] OR [Abstract: crm]] AND [Keywords: pharma*] '
                 "AND [Publication Date: (01/01/2004 TO 12/31/2024)]", "generic")
    assert [(t.text, t.fields) for t in terms(tree)] == [
        ("customer segmentation", ("title",)), ("crm", ("abstract",)), ("pharma*", ("keywords",))]
    year = limits(tree)[0]
    assert (year.kind, year.low, year.high) == ("year", 2004, 2024)
    assert {t.fields for t in terms(parse("[All: crm] AND [All: pharma]", "generic"))} == {
        fields_of("title", "abstract", "keywords", "headings", "author", "source", "other", "fulltext")}
    with pytest.raises(QuerySyntaxError, match="did you mean"):
        parse("[Titel: crm]", "generic")
    with pytest.raises(QuerySyntaxError) as info:
        parse("[Title: crm] AND [Abstract: (pharma OR]", "generic")
    assert info.value.column == 39  # where the inner group breaks, counted in the whole string
    with pytest.raises(QuerySyntaxError, match="nested more than"):
        parse("[" * 400 + "Title: a" + "]" * 400, "generic")
    older = parse('acmdlTitle:(+"systematic review" +segment*) AND recordAbstract:(pharma*)', "generic")
    assert [(t.text, t.fields) for t in terms(older)] == [  # 'acmdlTitle:' was once searched as a word
        ("systematic review", ("title",)), ("segment*", ("title",)), ("pharma*", ("abstract",))]
    unknown = analyse("springerField:(crm) AND pharma AND content-type:article", "generic")
    assert any("'springerField:' is searched as a word" in n for n in unknown.notes)
    assert any("'content-type:article' is searched as a word" in n for n in unknown.notes)
    assert not analyse('Title, abstract, keywords: (crm) AND "All Metadata":pharma', "generic").notes


def test_a_setting_name_alone_is_a_search_word_in_web_of_science() -> None:
    near = parse("TS=(electronic NEAR/0 databases)", "wos")
    assert isinstance(near, Near) and [t.text for t in terms(near)] == ["electronic", "databases"]
    assert isinstance(parse("TS=(crm)\nDatabases= WOS, BCI", "wos").parts[1], Limit)


def test_ovid_frequency_option_is_taken_off_and_named() -> None:
    """'/freq=2' was searched as a word (after a space) or glued into one long word (after a tag)."""
    for text in ("(segment* or cluster*).ab. /freq=2", "cluster*.ab./freq=2"):
        parsed = analyse(text, "ovid")
        assert {t.fields for t in terms(parsed.tree)} == {("abstract",)}
        assert "freq" not in " ".join(t.text for t in terms(parsed.tree))
        assert any("'/freq=2'" in n and "finds more" in n for n in parsed.notes)


def test_ovid_reads_square_brackets_as_comments_and_names_them() -> None:
    parsed = analyse("1 aged.ti.\n2 elderly.ti.\n3 or/1-2 [Population]", "ovid")
    assert isinstance(parsed.tree, Or)
    assert parsed.notes == ["[Population] is read as a comment: Ovid has no tags in square brackets"]
    assert analyse("exp Aged/ [mp=title, abstract]", "ovid").notes == []


def test_google_scholar_field_operators_and_what_it_reads_as_words() -> None:
    tree = parse('intitle:"key account" author:"P Kotler" source:"Journal of Marketing" crm', "scholar")
    assert [(t.text, t.fields) for t in terms(tree)] == [
        ("key account", ("title",)), ("P Kotler", ("author",)), ("Journal of Marketing", ("source",)),
        ("crm", fields_of("title", "abstract", "keywords", "headings", "author", "source", "other", "fulltext"))]
    assert {t.fields for t in terms(parse("crm allintitle: pharma OR drug", "scholar"))} == {("title",)}
    assert limits(parse("crm site:nih.gov", "scholar"))[0].values == ("nih.gov",)
    assert limits(parse("crm filetype:pdf", "scholar"))[0].text == "filetype:pdf"
    ranged = analyse('"customer segmentation" pharma (2004\u20132024)', "scholar")  # '2004-2024' was searched
    assert [t.text for t in terms(ranged.tree)] == ["customer segmentation", "pharma"]
    assert [(n.low, n.high) for n in limits(ranged.tree)] == [(2004, 2024)] and "side panel" in ranged.notes[0]
    assert [(n.low, n.high) for n in limits(parse("crm (since 2015)", "scholar"))] == [(2015, None)]
    parsed = analyse("(crm or segment*) AND pharma NOT veterinary - drug", "scholar")
    assert shape(parsed.tree) == "(crm AND segment AND pharma AND veterinary AND drug)"  # as Google ran it
    notes = " | ".join(parsed.notes)
    for said in ("reads 'or' as a word", "reads 'NOT' as a word", "'segment*' was searched as 'segment'",
                 "a '-' standing alone is ignored"):
        assert said in notes, notes
    long = " OR ".join(f"word{i}" for i in range(40))
    assert any("at most 256 characters" in n for n in analyse(long, "scholar").notes)
    assert not any("256" in n for n in analyse("crm OR pharma", "scholar").notes)


def test_google_scholar_is_written_with_minus_signs_and_intitle() -> None:
    text, warnings = translate("TITLE(crm) AND (pharma OR drug) AND NOT (veterinary OR (animal OR cattle))",
                               "scholar", source="scopus")
    assert text == "intitle:crm (pharma OR drug) -veterinary -animal -cattle"
    assert not any("left out" in w for w in warnings), warnings
    text, warnings = translate("crm AND NOT (pharma AND drug)", "scholar", source="generic")
    assert text == "crm" and any("can leave out only words and phrases" in w for w in warnings)
    text, warnings = translate("segment* W/3 customer*", "scholar", source="scopus")
    assert text == "segment customer"
    assert any("no proximity" in w for w in warnings) and any("'segment*' written as 'segment'" in w for w in warnings)
    _, warnings = translate(" OR ".join(f"pharmaceutical{i}" for i in range(30)), "scholar", source="generic")
    assert any("at most 256 characters" in w for w in warnings)


def test_proximity_forms() -> None:
    assert parse('"hip pain"[tiab:~2]', "pubmed") == Near(Term("hip", fields_of("title", "abstract", "keywords")),
                                                         Term("pain", fields_of("title", "abstract", "keywords")), 2)
    assert [t.text for t in terms(parse('"VLBW-I"[Title/Abstract:~1]', "pubmed"))] == ["VLBW", "I"]  # hyphen
    assert parse("salmon NEAR virus", "wos").distance == 15  # NEAR alone is NEAR/15
    assert parse("a adj3 b", "ovid").distance == 2  # Ovid counts positions
    assert parse("a adj b", "ovid").ordered and parse("a adj b", "ovid").distance == 0
    assert parse("a NEAR/5 b", "embase").distance == 4  # "at most 4 words between"
    assert parse("a W3 b", "ebsco").ordered
    assert parse("a NEAR b", "proquest").distance == 4
    node = parse("(screen* OR review*) W/3 (automat* OR test*)", "scopus")
    assert isinstance(node, Near) and isinstance(node.left, Or) and isinstance(node.right, Or)


INVALID = [
    # (syntax, query, message part, column, hint part)
    ("scopus", "bay PRE/6 ship* W/6 channel", "PRE/6 and W/6 in one chain", 17, "does not mix"),
    ("scopus", "bay PRE/6 ship* PRE/0 channel", "in one chain", 17, "distances"),
    ("scopus", "TITLE-ABS-KEY(bay PRE/6 (ship* AND channel))", "AND (written or implied) inside a proximity", 19,
     "OR-groups"),
    ("wos", "TS=(Brown NEAR spider bite)", "inside a proximity operator (NEAR)", 11, ""),
    ("wos", "TS=(Germany NEAR/10 (monetary AND union))", "inside a proximity operator", 13, ""),
    ("scopus", "TITLE-ABS-KEYS(crm)", "unknown Scopus field code TITLE-ABS-KEYS", 1, "did you mean TITLE-ABS-KEY?"),
    ("wos", "TQ=(crm)", "unknown Web of Science field tag TQ=", 1, "did you mean TS=?"),
    ("pubmed", "crm[tiabs]", "unknown PubMed search tag [tiabs]", 4, "did you mean [tiab]?"),
    ("pubmed", "crm or pharma", "'or' in lower case is a search word in PubMed", 5, "write OR"),
    ("pubmed", "wom?n", "'?' is not a wildcard in PubMed", 4, "PubMed wildcards: *"),
    ("scopus", "crm NOT pharma", "NOT on its own is not a Scopus operator", 5, "AND NOT"),
    ("generic", "(a OR (b AND c)", "'(' is never closed", 1, "add ')'"),
    ("generic", "(a OR b AND) c", "a term is expected after AND, not ')'", 12, ""),
    ("generic", "a AND (b OR ) AND c", "a term is expected after OR, not ')'", 13, ""),
    ("generic", "a OR b)", "')' without '('", 7, ""),
    ("generic", 'a AND "open', "quotation mark is never closed", 7, ""),
    ("generic", "a AND", "the string ends after AND", 6, ""),
    ("generic", "OR a", "operator OR where a term is expected", 1, ""),
    ("generic", "a AND OR b", "operator OR where a term is expected after AND", 7, ""),
    ("generic", "()", "empty parentheses", 1, ""),
    ("generic", "", "empty search string", 1, ""),
    ("generic", "a AND &", "'&' has no letters or digits", 7, ""),
    ("ovid", "exp Aged", "'exp' needs a subject heading ending in '/'", 1, ""),
    ("ovid", "crm.tq.", "unknown Ovid field .tq.", 4, ""),
    ("ovid", "(xpert or cepheid). tw.", "'.' stands apart from the term or group it should tag", 19, "glued"),
    ("ovid", "(ae and co).fs.", ".fs. follows subheadings", 12, ""),
    ("ovid", "CONTRACEPTION/ EXP", "'exp' needs a subject heading ending in '/'", 16, ""),
    ("ebsco", "TI a N3 AB b", "searched in different fields", 6, "same field"),
    ("scholar", "crm OR -pharma", "an excluded term inside OR", 8, "out of the OR group"),
    ("scholar", "-crm -pharma", "only excluded terms", 1, ""),
    ("scopus", 'crm OR EXCLUDE(EXACTKEYWORD, "Human")', "an excluded term inside OR", 8, "out of the OR group"),
    ("scholar", "crm intitle:", "intitle: needs a word, phrase or group", 5, ""),
]


@pytest.mark.parametrize(("syntax", "query", "message", "column", "hint"), INVALID,
                         ids=[f"{s}:{q}" for s, q, *_ in INVALID])
def test_errors_name_the_real_cause_and_place(syntax, query, message, column, hint) -> None:
    with pytest.raises(QuerySyntaxError) as info:
        parse(query, syntax)
    err = info.value
    assert message in err.message, err.message
    assert err.column == column, (err.column, str(err))
    assert hint in err.hint
    assert str(err).splitlines()[2] == "  " + " " * (column - 1) + "^"


def test_deep_nesting_is_an_error_not_a_crash() -> None:
    with pytest.raises(QuerySyntaxError, match="nested more than"):
        parse("(" * 400 + "a" + ")" * 400)
    deep = " AND ".join(f"(a{i} OR b{i})" for i in range(300))
    assert len(parse(deep, "generic").parts) == 300  # long but flat strings are fine


def test_the_syntax_of_a_database_from_its_platform() -> None:
    assert syntax_for("EBSCOhost", "Business Source Elite") == "ebsco"
    assert syntax_for("Ovid", "Embase") == "ovid"
    assert syntax_for("Embase.com", "Embase") == "embase"
    assert syntax_for("Elsevier", "Scopus") == "scopus"
    assert syntax_for("Clarivate", "Web of Science Core Collection") == "wos"
    assert syntax_for("NCBI", "PubMed") == "pubmed"
    assert syntax_for("ProQuest", "ABI/INFORM") == "proquest"
    assert syntax_for("Finna.fi", "Finna") == "generic"
    assert syntax_for("", "Google Scholar") == "scholar"
