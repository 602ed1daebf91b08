"""Search terms for highlighting come from the strings read in each database's syntax."""

from __future__ import annotations

from pathlib import Path

from ruamel.yaml import YAML

from review_tools.highlight import highlight, match_counts, search_terms
from review_tools.protocol import Protocol

ROOT = Path(__file__).resolve().parents[1]


def _protocol(strings: list[tuple[str, str]]) -> Protocol:
    raw = YAML(typ="safe").load((ROOT / "review" / "protocol.yaml").read_text(encoding="utf-8"))
    base = raw["databases"][0]
    raw["databases"] = [{**base, "name": f"db{i}", "platform": platform, "search_string": string}
                        for i, (platform, string) in enumerate(strings)]
    return Protocol.model_validate(raw)


def test_terms_leave_out_tags_operators_and_limits() -> None:
    terms = search_terms(_protocol([
        ("PubMed", '"peer support"[tiab] OR counsel*[tiab] AND 2015:2024[dp] AND english[la]'),
        ("EBSCOhost", "TI (segment* OR cluster*) AND AB pharma* AND MH \"Marketing+\""),
        ("Elsevier", "TITLE-ABS-KEY(crm W/3 pharma*) AND PUBYEAR > 2014"),
    ]))
    assert set(terms) == {"peer support", "counsel*", "segment*", "cluster*", "pharma*", "marketing", "crm"}
    assert not {"ti", "ab", "tiab", "title-abs-key", "2015:2024", "english", "pubyear"} & set(terms)


def test_the_sample_protocol_gives_its_words() -> None:
    from review_tools.protocol import load_protocol

    terms = search_terms(load_protocol(ROOT / "review" / "protocol.yaml"))
    assert "customer relationship management" in terms and "segment*" in terms and "noft" not in terms


def test_highlight_marks_phrases_truncation_and_escapes() -> None:
    out = highlight("<b>Peer  support</b> and counselling", ["peer support", "counsel*"])
    assert out == "&lt;b&gt;<mark>Peer  support</mark>&lt;/b&gt; and <mark>counselling</mark>"


def test_match_counts_count_what_highlight_marks() -> None:
    """The counts behind the cold-start ranking use the highlighter's matching: truncation, phrases over
    any spacing, diacritics folded; each term on its own, so the phrase also counts for customer*."""
    texts = ["Asiakkuuksien segmentointi ja asiakkuus", "Customer  relationship management; customer value",
             "nothing here", ""]
    counts = match_counts(texts, ["customer relationship management", "customer*", "asiakkuu*", "lääke?"])
    assert counts.tolist() == [[0, 0, 2, 0], [1, 2, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]]
    assert match_counts(["Laakeri and lääkeA"], ["lääke?"]).tolist() == [[1]]  # ? is one letter, no more
    assert match_counts(texts, []).shape == (4, 0)
