"""Evidence table, theme matrix, frequencies and distributions of the included studies."""

from __future__ import annotations

from pathlib import Path

import pytest

from review_tools import synthesis
from review_tools.protocol import load_protocol
from review_tools.records import Record

ROOT = Path(__file__).resolve().parents[1]
PROTOCOL = load_protocol(ROOT / "review" / "protocol.yaml")


def _records():
    return [Record(id="a", title="CRM process", authors=["Reinartz, Werner", "Krafft, Manfred", "Hoyer, W. D."],
                   year=2004, journal="Journal of Marketing Research"),
            Record(id="b", title="Strategic framework", authors=["Payne, Adrian", "Frow, Pennie"], year=2005,
                   journal="Journal of Marketing"),
            Record(id="c", title="Handbook", authors=["Adrian Payne"], year=2006, document_type="BOOK"),
            Record(id="d", title="Second handbook", authors=["Payne, Adrian"], year=2006),
            Record(id="e", title="No author")]


def test_study_labels_follow_author_year_style() -> None:
    labels = synthesis.study_labels(_records())
    assert labels == {"e": "Anon. (n.d.)", "b": "Payne & Frow (2005)", "c": "Payne (2006a)", "d": "Payne (2006b)",
                      "a": "Reinartz et al. (2004)"}
    assert list(labels) == ["e", "c", "d", "b", "a"]  # a sole author before the same author with others


EXTRACTED = {
    "a": {"country": "Germany", "method": "quantitative", "themes": ("CRM system as prerequisite", "metrics"),
          "segmentation_approach": ("clustering",), "key_findings": "<b>CRM</b> processes raise performance"},
    "b": {"method": "conceptual", "themes": ("customer orientation",), "key_findings": "Five processes"},
    "c": {"method": "conceptual", "themes": ("customer orientation", "metrics"), "key_findings": "Handbook"},
}


def test_evidence_table_has_every_form_field_in_order() -> None:
    records = {r.id: r for r in _records()}
    labels = synthesis.study_labels([records[i] for i in "abc"])
    table = synthesis.evidence_table(records, EXTRACTED, PROTOCOL, labels)
    assert list(table.columns) == ["Study", "Year", "Title", "Source", "Country", "Setting (customer type, market)",
                                   "Research method", "Sample", "Segmentation approach", "Themes", "Key findings"]
    row = table[table["Study"] == "Reinartz et al. (2004)"].iloc[0]
    assert row["Themes"] == "CRM system as prerequisite; metrics"
    assert row["Source"] == "Journal of Marketing Research"
    assert table[table["Study"] == "Payne (2006)"].iloc[0]["Source"] == "BOOK"
    assert "&lt;b&gt;CRM" in table.to_html(escape=True)
    rated = synthesis.evidence_table(records, EXTRACTED, PROTOCOL, labels, quality={"a": "80 %: meets threshold"})
    assert list(rated.columns[4:6]) == ["Quality appraisal", "Country"]
    assert rated["Quality appraisal"].tolist() == ["not appraised", "not appraised", "80 %: meets threshold"]


def test_theme_matrix_and_frequencies() -> None:
    labels = {"a": "A", "b": "B", "c": "C", "d": "D"}
    matrix = synthesis.theme_matrix(EXTRACTED, PROTOCOL, "themes", labels)
    assert list(matrix["Study"]) == ["A", "B", "C", "D", "Studies (n)"]
    assert list(matrix["metrics"]) == [synthesis.MARK, "", synthesis.MARK, "", 2]
    assert matrix.iloc[-1]["customer orientation"] == 2
    freq = synthesis.frequencies(EXTRACTED, PROTOCOL, "themes")
    assert freq.iloc[0].tolist() == ["customer orientation", 2, 66.7]
    assert freq.iloc[1].tolist() == ["metrics", 2, 66.7]
    assert freq.set_index("choice").loc["care models", "studies"] == 0
    seg = synthesis.frequencies(EXTRACTED, PROTOCOL, "segmentation_approach")
    assert seg.iloc[-1].tolist() == ["(not recorded)", 2, 66.7]
    with pytest.raises(KeyError, match="'country' is not a choice field"):
        synthesis.frequencies(EXTRACTED, PROTOCOL, "country")


def test_distributions() -> None:
    years = synthesis.distribution([2006, 2004, 2006, None], "year")
    assert years.to_dict("records") == [{"year": 2004, "studies": 1}, {"year": 2006, "studies": 2},
                                        {"year": "(not recorded)", "studies": 1}]
    methods = synthesis.distribution(["conceptual", "quantitative", "conceptual"], "method")
    assert methods.to_dict("records") == [{"method": "conceptual", "studies": 2},
                                          {"method": "quantitative", "studies": 1}]
