"""The extraction form: typed values checked against the protocol's form, problems per cell."""

from __future__ import annotations

from pathlib import Path

from review_tools import extraction
from review_tools.protocol import ExtractionField, load_protocol

ROOT = Path(__file__).resolve().parents[1]
PROTOCOL = load_protocol(ROOT / "review" / "protocol.yaml")
HEADER = "record_id,study,country,setting,method,sample,segmentation_approach,themes,key_findings"


def test_reads_typed_values(tmp_path) -> None:
    path = tmp_path / "extraction.csv"
    path.write_text(HEADER + "\n" + 'r1,Payne (2005),UK,B2B,Conceptual,,"clustering; RFM",metrics,Framework\n',
                    encoding="utf-8")
    values, problems = extraction.read_extraction(path, PROTOCOL, {"r1"})
    assert problems == []
    assert values == {"r1": {"country": "UK", "setting": "B2B", "method": "conceptual",
                             "segmentation_approach": ("RFM", "clustering"), "themes": ("metrics",),
                             "key_findings": "Framework"}}


def test_every_bad_cell_is_reported_and_the_rest_kept(tmp_path) -> None:
    path = tmp_path / "extraction.csv"
    path.write_text("\n".join([
        HEADER + ",year_of_data",
        "r1,A,FI,,survey,,RFM;segments by mood,,",
        "r2,B,SE,,case study,,,,Found X",
        "r2,B again,SE,,case study,,,,Found Y",
        "r7,C,NO,,qualitative,,,,Z",
    ]) + "\n", encoding="utf-8")
    values, problems = extraction.read_extraction(path, PROTOCOL, {"r1", "r2"})
    name = str(path)
    assert [str(p) for p in problems] == [
        f"{name}:1 year_of_data: not a field of the protocol's extraction form (fields: country, setting, method, "
        "sample, segmentation_approach, themes, key_findings); its values are ignored",
        f"{name}:2 method: 'survey' not among the choices (qualitative; quantitative; mixed methods; case study; "
        "literature review; conceptual); left empty",
        f"{name}:2 segmentation_approach: 'segments by mood' not among the choices (RFM; ABC / Pareto; value x "
        "potential portfolio; clustering; needs-based; CLV-based; other); left empty",
        f"{name}:2 key_findings: required, but empty",
        f"{name}:4 record_id: 'r2' is already extracted on line 3; this row is skipped (keep one row per study)",
        f"{name}:5 record_id: 'r7' is not an included study; the row is skipped",
    ]
    assert values == {"r1": {"country": "FI"}, "r2": {"country": "SE", "method": "case study",
                                                      "key_findings": "Found X"}}


def test_value_types() -> None:
    def parse(raw, **spec):
        return extraction.parse_value(raw, ExtractionField(name="f", label="F", **spec))

    assert parse("120", type="integer") == (120, "")
    assert parse("12.5", type="integer")[1] == "'12.5' is not a whole number"
    assert parse("0.35", type="number") == (0.35, "")
    assert parse("1,5", type="number")[1] == "'1,5' is not a number (use a decimal point)"
    assert parse("Yes", type="boolean") == (True, "")
    assert parse("kyllä", type="boolean")[1] == "'kyllä' is not yes or no"


def test_missing_file_is_empty_and_template_keeps_data(tmp_path) -> None:
    path = tmp_path / "extraction" / "extraction.csv"
    assert extraction.read_extraction(path, PROTOCOL) == ({}, [])
    assert extraction.write_template(path, PROTOCOL, {"r1": "A", "r2": "B"}) == 2
    path.write_text(path.read_text(encoding="utf-8").replace("r1,A,", "r1,A,Finland"), encoding="utf-8")
    assert extraction.write_template(path, PROTOCOL, {"r1": "A", "r2": "B", "r3": "C"}) == 1
    values, problems = extraction.read_extraction(path, PROTOCOL)
    assert values == {"r1": {"country": "Finland"}}  # empty template rows are studies not extracted yet
    assert [(p.line, p.where) for p in problems] == [(2, "method"), (2, "key_findings")]
