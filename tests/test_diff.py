"""Rerun diffs: two protocol versions over collected records, and two real exports with decisions."""

from __future__ import annotations

from pathlib import Path

from ruamel.yaml import YAML

from review_tools import dedup, diff
from review_tools.cli import main
from review_tools.io.importer import import_file
from review_tools.records import Record, assign_ids
from review_tools.screening import Decision

ROOT = Path(__file__).resolve().parents[1]


def _protocols(tmp_path: Path) -> tuple[Path, Path]:
    yaml = YAML(typ="rt")
    doc = yaml.load((ROOT / "review" / "protocol.yaml").read_text(encoding="utf-8"))
    old = tmp_path / "old" / "protocol.yaml"
    new = tmp_path / "new" / "protocol.yaml"
    for path, string in ((old, "segment* AND pharma*"), (new, "(segment* OR portfolio*) AND pharma*")):
        doc["databases"][3]["search_string"] = string
        path.parent.mkdir(parents=True)
        with path.open("w", encoding="utf-8") as fh:
            yaml.dump(doc, fh)
    return old, new


def test_protocol_diff_counts_what_a_changed_string_adds() -> None:
    raw = YAML(typ="safe").load((ROOT / "review" / "protocol.yaml").read_text(encoding="utf-8"))
    raw["databases"][3]["search_string"] = "(segment* OR portfolio*) AND pharma*"
    from review_tools.protocol import Protocol

    new = Protocol.model_validate(raw)
    old = Protocol.model_validate({**raw, "databases": [
        {**d, "search_string": "segment* AND pharma*"} if d["name"] == "Scopus" else d for d in raw["databases"]]})
    records = [Record(title="Customer segmentation in pharma", database="Scopus"),
               Record(title="Customer portfolio management for pharma companies", database="Scopus"),
               Record(title="Football results", database="Scopus"),
               Record(title="Segmentation of pharma customers", database="Finna")]
    assign_ids(records)
    table = diff.protocol_diff(old, new, records).set_index("database")
    row = table.loc["Scopus"]
    assert (row["change"], row["records collected"], row["matched before"], row["matched now"],
            row["added"], row["removed"], row["kept"]) == ("string changed", 3, 1, 2, 1, 0, 1)
    assert table.loc["Finna", "change"] == "unchanged" and table.loc["Finna", "kept"] == 0  # Finnish string


def test_record_diff_on_two_real_exports(external) -> None:
    base = external / "citesource-exports"
    old = import_file(base / "screened_128.ris").records
    rerun = [r for name in ("Dimensions_246.ris", "wos_278.ris", "medline_84.ris")
             for r in import_file(base / name, database=name.split("_")[0]).records]
    assign_ids(rerun)
    new = dedup.deduplicate(rerun).records
    decisions = [Decision(r.id, "title_abstract", "anna", "include") for r in old[:40]]
    result = diff.record_diff(old, new, decisions)
    assert len(result.added) + len(result.kept) == len(new)
    assert len(result.removed) + len(result.kept) <= len(old)  # two old versions can meet in one new record
    assert result.kept and result.removed and result.added
    old_dois = {r.doi for r in old if r.doi}
    assert not [i for i in result.added if next(r for r in new if r.id == i).doi in old_dois]
    assert {d.record_id for d in result.carried} <= set(result.kept)
    table = result.table(old, new).set_index("database")
    assert table["added"].sum() + table["kept"].sum() >= len(new)


def test_cli_diff_of_two_protocols(tmp_path, capsys) -> None:
    old, new = _protocols(tmp_path)
    assert main(["diff", str(old), str(new)]) == 0
    out = capsys.readouterr().out
    assert "string changed" in out and "Scopus" in out


def test_criteria_changes_and_the_decisions_that_cite_them(tmp_path, capsys) -> None:
    from review_tools.protocol import load_protocol

    old, new = _protocols(tmp_path)
    text = new.read_text(encoding="utf-8").replace(
        "Pharmaceutical industry or a closely comparable B2B healthcare market.", "Pharmaceutical industry only.")
    new.write_text(text.replace("  threshold: 60", "  threshold: 70"), encoding="utf-8")
    decisions = [Decision("R1", "title_abstract", "reviewer_1", "exclude", ("I4",)),
                 Decision("R2", "full_text", "consensus", "exclude", ("I4", "E2")),
                 Decision("R3", "full_text", "consensus", "include")]
    table = diff.criteria_diff(load_protocol(old), load_protocol(new), decisions)
    row = table[table["what"] == "criterion I4"].iloc[0]
    assert row["change"].startswith("changed: text 'Pharmaceutical industry or a closely") and \
        row["earlier decisions citing it"] == 2
    assert "mmat_2018 (percent_yes, 60) -> mmat_2018 (percent_yes, 70)" in table["change"].tolist()
    assert len(table) == 2  # nothing else changed
    assert main(["diff", str(old), str(new)]) == 0
    assert "criterion I4" in capsys.readouterr().out
