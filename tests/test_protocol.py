"""The protocol schema: the sample protocol loads; each kind of mistake is reported with its line."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from review_tools.protocol import ProtocolError, load_protocol

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "review" / "protocol.yaml"
TEMPLATE = ROOT / "src" / "review_tools" / "templates" / "protocol.yaml"
TODAY = dt.date(2026, 1, 1)


def test_sample_protocol_loads() -> None:
    p = load_protocol(SAMPLE, today=TODAY)
    assert p.example is True
    assert [d.name for d in p.databases][:1] == ["Business Source Elite"]
    assert {c.code for c in p.criteria_for("full_text")} >= {"I1", "I5", "E4"}
    assert "E1" not in {c.code for c in p.criteria_for("full_text")}
    assert p.criterion("I1").rule.min == 2004
    finna = next(d for d in p.databases if d.name == "Finna")
    assert "asiakkuu*" in finna.search_string and finna.language == "fi"


def test_template_protocol_is_valid() -> None:
    assert load_protocol(TEMPLATE, today=TODAY).example is True


def _write_mutated(tmp_path: Path, mutate) -> Path:
    yaml = YAML(typ="rt")
    doc = yaml.load(SAMPLE.read_text(encoding="utf-8"))
    mutate(doc)
    out = tmp_path / "protocol.yaml"
    with out.open("w", encoding="utf-8") as fh:
        yaml.dump(doc, fh)
    return out


def _line_of(path: Path, needle: str | tuple[str, int]) -> int:
    """Line number of the ``nth`` (default first) line containing the needle."""
    needle, nth = needle if isinstance(needle, tuple) else (needle, 1)
    hits = [i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in line]
    assert len(hits) >= nth, f"{needle!r} not found {nth} times in {path}"
    return hits[nth - 1]


# (what is wrong, how to break the sample, expected "path: message" fragment, text on the expected line)
MISTAKES = [
    ("unknown stage", lambda d: d["criteria"][3].__setitem__("stage", "fulltext2"),
     "criteria[3].stage: 'fulltext2' is not one of title_abstract, full_text", "fulltext2"),
    ("misspelt top-level field", lambda d: d.insert(1, "langauge", "en"),
     "langauge: unknown field 'langauge' (did you mean 'language'?)", "langauge"),
    ("missing required field", lambda d: d["databases"][1].pop("search_string"),
     "databases[1].search_string: required field is missing", "name: ABI/INFORM Collection"),
    ("date that is no date", lambda d: d["databases"][0].__setitem__("date_searched", "last spring"),
     "databases[0].date_searched: 'last spring' is not a date", "last spring"),
    ("search date in the future", lambda d: d["databases"][2].__setitem__("date_searched", dt.date(2030, 5, 1)),
     "databases[2].date_searched: 2030-05-01 is in the future", "2030-05-01"),
    ("negative hit count", lambda d: d["databases"][3].__setitem__("hits", -5),
     "databases[3].hits: Input should be greater than or equal to 0", "hits: -5"),
    ("duplicate criterion code", lambda d: d["criteria"][1].__setitem__("code", "I1"),
     "criteria[1].code: code 'I1' is already used by criteria[0]", ("code: I1", 2)),
    ("code prefix against kind", lambda d: d["criteria"][5].__setitem__("kind", "inclusion"),
     "criteria[5].code: inclusion criterion code 'E1' should start with I", "code: E1"),
    ("empty year range", lambda d: d["criteria"][0]["rule"].update({"min": 2024, "max": 2004}),
     "criteria[0].rule.min: year range is empty: min 2024 > max 2004", "year_range"),
    ("unknown rule type", lambda d: d["criteria"][2].__setitem__("rule", {"type": "colour"}),
     "criteria[2].rule.type: rule type 'colour' is not one of", "type: colour"),
    ("unknown instrument", lambda d: d["appraisal"].__setitem__("instrument", "jbi_qualitativ"),
     "appraisal.instrument: 'jbi_qualitativ' is not one of mmat_2018", "jbi_qualitativ"),
    ("threshold above 100 %", lambda d: d["appraisal"].__setitem__("threshold", 160),
     "appraisal.threshold: 160 is above 100 (scoring is percent_yes)", "threshold: 160"),
    ("choice field without choices", lambda d: d["extraction"]["fields"][2].pop("choices"),
     "extraction.fields[2].choices: a choice field needs choices", "name: method"),
    ("bad language", lambda d: d.__setitem__("language", "sv"),
     "language: 'sv' is not one of en, fi", "language: sv"),
    ("empty question text", lambda d: d["questions"][0].__setitem__("text", ""),
     "questions[0].text: must not be empty", "text: ''"),
    ("no databases", lambda d: d.__setitem__("databases", []),
     "databases: must not be empty", "databases: []"),
    ("database listed twice", lambda d: d["databases"][2].__setitem__("name", "Business Source Elite"),
     "databases[2].name: database 'Business Source Elite' is listed twice (also databases[0])",
     ("name: Business Source Elite", 2)),
    ("unknown connector", lambda d: d["databases"][3].__setitem__("connector", "openalx"),
     "databases[3].connector: 'openalx' is not one of openalex, pubmed, europepmc, crossref, arxiv, scopus (did you "
     "mean 'openalex'?)", "openalx"),
    ("unknown column field", lambda d: d["databases"][1].__setitem__("columns", {"titel": "Article Title"}),
     "databases[1].columns.titel: 'titel' is not a record field; use one of title, abstract", "titel"),
    ("unknown other method", lambda d: d.insert(8, "other_methods", [{"kind": "hand searching", "description": "x"}]),
     "other_methods[0].kind: 'hand searching' is not one of websites, organisations, citations", "hand searching"),
    ("other method twice", lambda d: d.insert(8, "other_methods", [{"kind": "citations", "description": "back"},
                                                                     {"kind": "citations", "description": "forward"}]),
     "other_methods[1].kind: 'citations' is listed twice (also other_methods[0])", ("kind: citations", 2)),
]


@pytest.mark.parametrize(("what", "mutate", "expected", "on_line"), MISTAKES, ids=[m[0] for m in MISTAKES])
def test_each_mistake_is_reported_with_its_line(tmp_path, what, mutate, expected, on_line) -> None:
    path = _write_mutated(tmp_path, mutate)
    with pytest.raises(ProtocolError) as info:
        load_protocol(path, today=TODAY)
    matches = [p for p in info.value.problems if expected in str(p)]
    assert matches, f"{what}: expected {expected!r} in\n{info.value}"
    assert matches[0].line == _line_of(path, on_line), str(matches[0])
    assert str(matches[0]).startswith(f"{path}:{matches[0].line} ")


def test_all_problems_are_reported_at_once(tmp_path) -> None:
    def many(d):
        d["criteria"][3]["stage"] = "fulltext2"
        d["appraisal"]["instrument"] = "nope"
        d["databases"][0]["hits"] = -1
        d.insert(1, "titel", "x")
    path = _write_mutated(tmp_path, many)
    with pytest.raises(ProtocolError) as info:
        load_protocol(path, today=TODAY)
    text = str(info.value)
    for fragment in ("criteria[3].stage", "appraisal.instrument", "databases[0].hits", "unknown field 'titel'"):
        assert fragment in text
    assert len(info.value.problems) == 4
    lines = [p.line for p in info.value.problems]
    assert lines == sorted(lines)


def test_yaml_syntax_error_names_the_line(tmp_path) -> None:
    bad = tmp_path / "protocol.yaml"
    bad.write_text("title: x\nquestions: [\n  - id: RQ1\n", encoding="utf-8")
    with pytest.raises(ProtocolError) as info:
        load_protocol(bad)
    assert "YAML syntax error" in str(info.value)
    assert info.value.problems[0].line is not None


def test_missing_file_and_non_mapping(tmp_path) -> None:
    with pytest.raises(ProtocolError, match="file not found"):
        load_protocol(tmp_path / "nope.yaml")
    listy = tmp_path / "list.yaml"
    listy.write_text("- a\n- b\n", encoding="utf-8")
    with pytest.raises(ProtocolError, match="must be a mapping"):
        load_protocol(listy)


def _variant(tmp_path, old: str, new: str) -> Path:
    text = (ROOT / "review" / "protocol.yaml").read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "review" / "protocol.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(("old", "new", "message"), [
    ("export_dir: searches/scopus", "export_dir: ../../../../etc", "'../../../../etc' is outside the review folder"),
    ("export_dir: searches/scopus", "export_dir: /etc", "'/etc' is outside the review folder"),
    ("reviewers: [", "reviewers: ['../outside/x', ", "a reviewer name is letters"),
])
def test_paths_and_names_must_stay_inside_the_review(tmp_path, old, new, message) -> None:
    path = _variant(tmp_path, old, new)
    with pytest.raises(ProtocolError) as info:
        load_protocol(path)
    assert message in str(info.value)
    line = next(i for i, row in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if new.split(":")[0] in row
                and new.split(": ", 1)[1][:5] in row)
    assert info.value.problems[0].line == line


def test_an_outside_export_folder_is_read_only_when_allowed(tmp_path) -> None:
    from review_tools.searches import import_searches

    path = _variant(tmp_path, "export_dir: searches/scopus", "export_dir: ../outside")
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "x.ris").write_text("TY  - JOUR\nTI  - Outside\nER  - \n", encoding="utf-8")
    protocol = load_protocol(path, allow_outside=True)
    refused = import_searches(protocol, path.parent)
    assert any("outside the review folder" in e for e in refused.file_errors) and not refused.records
    allowed = import_searches(protocol, path.parent, allow_outside=True)
    assert [r.title for r in allowed.records] == ["Outside"]


ATTACKS = [
    ("alias bomb", lambda t: 'a: &a ["lol","lol"]\nb: &b [*a,*a,*a]\nc: [*b,*b,*b]\n' + t, 2, "aliases"),
    ("impossible date", lambda t: t.replace("date_searched: 2024-09-16", "date_searched: 2024-02-30", 1), None,
     "day is out of range"),
    ("5000-digit integer", lambda t: t.replace("seed: 20241213", "seed: " + "9" * 5000, 1), None, "4300 digits"),
    ("deep nesting", lambda t: t + "\nextra: " + "[" * 10_000 + "]" * 10_000 + "\n", None, "nested more than 50"),
    ("NUL byte", lambda t: t.replace("title: Customer", "title: Cust\x00omer", 1), None, "NUL character"),
    ("binary tag", lambda t: t.replace("language: en            # report", "language: !!binary ZW4=  # report", 1),
     None, "!!binary"),
    ("unterminated quote", lambda t: t.replace("title: Customer segmentation as a tool",
                                               'title: "Customer segmentation as a tool', 1), None,
     "never closed"),
]


@pytest.mark.parametrize(("name", "change", "line", "message"), ATTACKS, ids=[a[0] for a in ATTACKS])
def test_hostile_protocols_give_errors_with_lines_not_hangs_or_tracebacks(tmp_path, name, change, line, message):
    text = change((ROOT / "review" / "protocol.yaml").read_text(encoding="utf-8"))
    path = tmp_path / "protocol.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ProtocolError) as info:
        load_protocol(path)
    problem = info.value.problems[0]
    assert message in str(info.value)
    assert problem.line is not None
    if line is not None:
        assert problem.line == line


def test_a_folder_given_as_the_protocol_is_an_error(tmp_path) -> None:
    with pytest.raises(ProtocolError, match="is a folder"):
        load_protocol(tmp_path)


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero on this system")
def test_a_device_given_as_the_protocol_is_an_error_not_a_read_until_memory_runs_out() -> None:
    with pytest.raises(ProtocolError, match="not a regular file"):
        load_protocol("/dev/zero")


def test_a_connector_needs_an_export_folder(tmp_path) -> None:
    def mutate(d) -> None:
        d["databases"][4].pop("export_dir")
        d["databases"][4]["connector"] = "crossref"

    with pytest.raises(ProtocolError, match=r"databases\[4\]\.export_dir: a database searched through the crossref "
                       "connector needs an export_dir"):
        load_protocol(_write_mutated(tmp_path, mutate))
