"""Translation keeps the meaning or says where it cannot: a round-trip property on generated queries and
records, precedence across syntaxes, warnings, and Polyglot's own test pairs."""

from __future__ import annotations

import random
from collections import Counter

import pytest
from benchmarks import polyglot

from review_tools.query import TARGETS, parse, run, translate
from review_tools.query.syntaxes import grammar
from review_tools.query.tree import And, Heading, Limit, Near, Node, Not, Or, Term, combine, limits, normalise
from review_tools.records import Record, assign_ids

WORDS = ["care", "cares", "model", "models", "customer", "segment", "segmentation", "pharma", "pharmacy",
         "colour", "color", "behaviour", "behavior", "account", "key", "value", "nurse", "nursing", "women", "woman"]


def _tree(rng: random.Random, target: str, depth: int = 0) -> Node:
    """A random query in the tree's own terms, with field sets the target has a tag for and the word
    variants the target applies: terms, phrases, truncation and wildcards (where the target has them),
    headings, limits (where the target writes them), AND/OR/NOT and proximity."""
    writer = grammar(target).writer
    fields = rng.choice([t.fields for t in writer.tags])
    roll = rng.random()
    if depth > 2 or roll < 0.4:
        word = rng.choice(WORDS)
        kind = rng.random()
        if kind < 0.15:
            return Term(f"{word} {rng.choice(WORDS)}", fields, phrase=True, variants=writer.variants)
        if kind < 0.3 and writer.wildcards:
            return Term(word[: max(3, len(word) - 2)] + "*", fields)
        if kind < 0.38 and len(word) > 4 and "?" in writer.wildcards and not writer.trailing_only:
            return Term(word[:2] + "?" + word[3:], fields)
        if kind < 0.45 and target in ("pubmed", "ovid", "cochrane", "proquest", "generic", "embase", "ebsco"):
            return Heading(rng.choice(["Aged", "Humans", "Nursing Care"]), {"embase": "emtree", "ebsco": "cinahl"}.get(
                target, "mesh"), explode=rng.random() < 0.5, subheading=rng.choice(["", "", "drug therapy"]))
        if kind < 0.52 and grammar(target).write_limit(Limit("language", ("English",)), print) is not None:
            exclude = rng.random() < 0.3
            return rng.choice([Limit("year", ("2015-2020",), 2015, 2020, exclude=exclude),
                               Limit("language", ("English",), exclude=exclude),
                               Limit("doctype", ("Review",), exclude=exclude)])
        return Term(word, fields, variants=writer.variants)
    if roll < 0.55 and writer.near:
        return Near(Term(rng.choice(WORDS), fields, variants=writer.variants),
                    Term(rng.choice(WORDS), fields, variants=writer.variants), rng.randint(0, 3))
    kind = rng.choice([And, Or, Not])
    left, right = _tree(rng, target, depth + 1), _tree(rng, target, depth + 1)
    return Not(left, right) if kind is Not else combine(kind, left, right)


def _records(rng: random.Random, n: int = 150) -> list[Record]:
    out = []
    for _ in range(n):
        out.append(Record(title=" ".join(rng.choices(WORDS, k=rng.randint(2, 6))),
                          abstract=" ".join(rng.choices([*WORDS, "the", "of", "and"], k=rng.randint(0, 25))),
                          keywords=[" ".join(rng.choices(WORDS, k=2)) for _ in range(rng.randint(0, 3))],
                          year=rng.randint(2010, 2024), language=rng.choice(["English", "Finnish"]),
                          document_type=rng.choice(["Article", "Review"])))
    assign_ids(out)
    return out


@pytest.mark.parametrize("target", TARGETS)
def test_round_trip_keeps_the_records_wherever_no_warning_was_given(target) -> None:
    """evaluate(parse(translate(q, B), B)) == evaluate(q) on generated records, whenever translate() is
    silent; and a silent translation without limits reads back as the same tree (a limit's values come back
    in the target's own spelling: Review, 're', review[pt])."""
    rng = random.Random(f"round-trip-{target}")
    records = _records(rng)
    silent = checked_hits = 0
    for _ in range(250):
        source = _tree(rng, target)
        try:
            text, warnings = translate(source, target)
        except ValueError:  # nothing but limits the target cannot write: refused, as it should be
            continue
        back = parse(text, target)
        if warnings:
            continue
        silent += 1
        if not limits(source):
            assert normalise(back) == normalise(source), (text, source)
        expected = set(run(source, records))
        assert set(run(back, records)) == expected, text
        checked_hits += bool(expected)
    assert silent >= 150 and checked_hits >= 50, (silent, checked_hits)


def test_translation_between_database_syntaxes_keeps_precedence() -> None:
    text, _ = translate("crm OR pharma AND segment*", "pubmed", source="scopus")
    assert normalise(parse(text, "pubmed")) == normalise(parse("crm OR pharma AND segment*", "scopus",
                                                                variants=False))
    assert text.startswith("(") and ") AND " in text  # (crm OR pharma) AND segment* under PubMed's left-to-right
    text, _ = translate("copper OR lead AND algae", "scopus", source="wos")
    assert normalise(parse(text, "scopus")) == normalise(parse("copper OR (lead AND algae)", "wos"))


def test_warnings_where_the_target_cannot_say_it() -> None:
    _, warnings = translate("a PRE/2 b", "wos", source="scopus")
    assert any("no ordered proximity" in w for w in warnings)
    _, warnings = translate('"Aged"[Mesh]', "scopus", source="pubmed")
    assert any("has no Scopus equivalent" in w and "not exploded" in w for w in warnings)
    _, warnings = translate("TITLE-ABS-KEY(colour)", "pubmed", source="scopus")
    assert any("does not add plurals and spelling variants" in w for w in warnings)
    _, warnings = translate("wom?n", "pubmed", source="generic")
    assert any("finds more" in w for w in warnings)
    _, warnings = translate("crm AND PUBYEAR > 2014", "cochrane", source="scopus")
    assert any("left out" in w for w in warnings)
    assert translate("TITLE(crm)", "ebsco", source="scopus") == ("TI crm", [])
    assert translate('"key account"[ti]', "pubmed", source="pubmed") == ('"key account"[ti]', [])


def test_a_medline_publication_type_keeps_its_name_and_is_left_out_where_there_is_none() -> None:
    source = parse('1 crm.ti.\n2 "Controlled Clinical Trial".pt.\n3 1 and 2', "ovid")
    assert translate(source, "pubmed")[0] == 'crm[ti] AND ("controlled clinical trial"[pt])'
    assert translate(source, "ovid")[0] == 'crm.ti. AND ("Controlled Clinical Trial".pt.)'
    text, warnings = translate(source, "scopus")
    assert text == "TITLE(crm)" and any("left out" in w for w in warnings)
    review = translate("crm[ti] AND review[pt]", "scopus", source="pubmed")[0]
    assert review == 'TITLE(crm) AND (LIMIT-TO(DOCTYPE, "re"))'


def test_a_leading_wildcard_is_dropped_with_a_warning_where_the_target_has_none() -> None:
    source = parse("($occlus$ or steno$).ti,ab.", "ovid")
    text, warnings = translate(source, "pubmed")
    assert text == "occlus*[tiab] OR steno*[tiab]"
    assert any("'*occlus*' written as 'occlus*'" in w for w in warnings)
    assert translate(source, "ebsco")[0].startswith("(TI occlus* OR AB occlus*)")
    assert translate(source, "scopus") == ("TITLE-ABS(*occlus* OR steno*)", [])


def test_ovid_headings_that_would_read_otherwise_are_quoted() -> None:
    for heading in ("Power (Psychology)", "limit of detection", "Nephelometry and Turbidimetry"):
        text, _ = translate(Heading(heading, explode=False), "ovid")
        assert text == f'"{heading}"/' and parse(f"1 {text}\n2 x.ti.\n3 1 or 2", "ovid").parts[0] == \
            Heading(heading, explode=False)


def test_ovid_year_lists_read_back_as_the_range_written() -> None:
    source = parse("crm[ti] AND 2015:2017[dp]", "pubmed")
    ovid, _ = translate(source, "ovid")
    assert ovid == "crm.ti. AND ((2015 OR 2016 OR 2017).yr.)"
    years = parse(ovid, "ovid").parts[1]
    assert (years.kind, years.low, years.high) == ("year", 2015, 2017)


def test_limits_and_headings_are_written_in_each_syntax() -> None:
    source = parse('"Aged"[Mesh] AND 2015:2024[dp] AND english[la]', "pubmed")
    written = {t: translate(source, t)[0] for t in ("scopus", "wos", "ebsco", "proquest", "ovid", "embase")}
    assert "PUBYEAR > 2014" in written["scopus"] and 'LIMIT-TO(LANGUAGE, "English")' in written["scopus"]
    assert "PY=(2015-2024)" in written["wos"] and "LA=(English)" in written["wos"]
    assert '(MH "Aged+")' in written["ebsco"] and "DT 2015-2024" in written["ebsco"]
    assert 'MESH.EXACT.EXPLODE("Aged")' in written["proquest"]
    assert "exp Aged/" in written["ovid"] and "English.lg." in written["ovid"]
    assert "'Aged'/exp" in written["embase"] and "[2015-2024]/py" in written["embase"]


def test_polyglot_pairs_equivalent_or_better() -> None:
    """On Polyglot's own test pairs, review-tools' translation means the same as Polyglot's, or means
    exactly what the input means where Polyglot does not, or warns; it never changes the meaning silently."""
    results = [polyglot.compare(p) for p in polyglot.pairs()]
    kinds = Counter(r.kind for r in results)
    assert kinds["silent change"] == 0, [r for r in results if r.kind == "silent change"][:3]
    assert kinds["same"] >= 0.8 * len(results), kinds
    for r in results:
        if r.kind == "nearest, warned":
            assert r.warnings


@pytest.mark.parametrize(("pair_input", "engine", "reason"), [
    ("term1 NEAR3 term2", "Ovid MEDLINE", "Ovid's adj4 allows three words between, as NEAR3 does"),
    ("term[tiab]", "Scopus (advanced search)", "PubMed's [tiab] includes author keywords: AUTHKEY keeps them"),
    ("term[ti]", "Web of Science", "Polyglot drops the title restriction"),
    ("term$", "Scopus (advanced search)", "Ovid's $ is unlimited truncation, not one character"),
    ("term[Majr]", "Cochrane Library", "the Cochrane Library writes a major topic as [mh x [mj]]"),
])
def test_each_kind_of_difference_from_polyglot_is_one_where_review_tools_keeps_the_meaning(
        pair_input, engine, reason) -> None:
    pair = next(p for p in polyglot.pairs() if p["input"] == pair_input and p["engine"] == engine)
    assert polyglot.compare(pair).kind == "exact, Polyglot differs", reason


def test_api_query_languages_say_what_they_cannot_express() -> None:
    text, warnings = translate('TITLE-ABS-KEY(segment* W/3 pharma*) AND NOT TITLE(retail)', "openalex",
                               source="scopus")
    assert text == "(segment AND pharma) NOT retail"
    assert any("stems words: 'segment*' written as 'segment'" in w for w in warnings)
    assert any("no proximity operator" in w for w in warnings)
    text, warnings = translate('TITLE-ABS-KEY("key account*" OR crm)', "europepmc", source="scopus")
    assert text == '(TITLE:"key account*" OR ABSTRACT:"key account*" OR KW:"key account*") OR ' \
                   "(TITLE:crm OR ABSTRACT:crm OR KW:crm)"
    text, warnings = translate("TITLE-ABS(crm) AND NOT TITLE(retail)", "arxiv", source="scopus")
    assert text == "(ti:crm OR abs:crm) ANDNOT ti:retail"


@pytest.mark.parametrize("target", TARGETS)
def test_an_excluding_limit_is_written_as_and_not_or_named_where_it_cannot_be(target) -> None:
    """Scopus' EXCLUDE(DOCTYPE, "re") was once written as a bare 'NOT review[pt]' inside an AND (which no
    database reads) or, in Ovid, as 'Review.pt.' (the opposite meaning, silently)."""
    source = parse('TITLE-ABS-KEY(crm) AND EXCLUDE(DOCTYPE, "re")', "scopus")
    records = [Record(title="crm", document_type=kind) for kind in ("Article", "Review", "Article", "Review")]
    assign_ids(records)
    text, warnings = translate(source, target)
    back = parse(text, target)
    kept = {r.document_type for r in records if r.id in set(run(back, records))}
    if any("left out" in w for w in warnings):
        assert kept == {"Article", "Review"}  # the limit named as left out: finds more, never less
    else:
        assert kept == {"Article"}, text
