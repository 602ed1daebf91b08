"""Importing a review's searches per database, stable ids across databases, and the CLI commands."""

from __future__ import annotations

import shutil
from pathlib import Path

from review_tools import searches
from review_tools.cli import main
from review_tools.io.importer import import_file
from review_tools.protocol import load_protocol

ROOT = Path(__file__).resolve().parents[1]
GAMBLING = "citesource-exports/20221207_gambling-harms_{}.ris"


def test_same_work_gets_the_same_id_from_different_databases(external) -> None:
    scopus = import_file(external / GAMBLING.format("scopus_255")).records
    pubmed = import_file(external / GAMBLING.format("pubmed_176")).records
    by_doi = {r.doi: r.id for r in scopus if r.doi}
    shared = [r for r in pubmed if r.doi in by_doi]
    assert len(shared) >= 20
    assert all(by_doi[r.doi] == r.id for r in shared)
    # and the same export read twice gives the same ids
    assert [r.id for r in import_file(external / GAMBLING.format("scopus_255")).records] == [r.id for r in scopus]


def _review(tmp_path: Path, external: Path) -> Path:
    review = tmp_path / "review"
    review.mkdir()
    text = (ROOT / "review" / "protocol.yaml").read_text(encoding="utf-8")
    (review / "protocol.yaml").write_text(text, encoding="utf-8")
    for folder, name in (("scopus", "scopus_255"), ("business_source_elite", "crimjust_41"),
                         ("abi_inform", "lens_49")):
        (review / "searches" / folder).mkdir(parents=True)
        shutil.copy(external / GAMBLING.format(name), review / "searches" / folder)
    (review / "searches" / "finna").mkdir()
    (review / "searches" / "finna" / "broken.ris").write_bytes(b"\x00\x01\x02binary" * 50)
    return review


def test_import_and_deduplicate_a_review(external, tmp_path) -> None:
    review = _review(tmp_path, external)
    imported = searches.import_searches(load_protocol(review / "protocol.yaml"), review)
    table = searches.summary_table(imported).set_index("database")
    assert table.loc["Scopus", "read"] == 255 and table.loc["Business Source Elite", "read"] == 41
    assert table.loc["ABI/INFORM Collection", "imported"] == 49 and table.loc["Emerald Insight", "files"] == 0
    assert (table["read"] == table["imported"] + table["skipped"]).all()
    assert len(imported.file_errors) == 1 and "broken.ris: binary file" in imported.file_errors[0]
    assert len({r.id for r in imported.records}) == len(imported.records) == 345
    result = searches.deduplicate_searches(imported, review)
    assert result.removed > 0 and len(result.records) + result.removed == 345
    removed = searches.removed_per_database(result).set_index("database")["duplicates removed"]
    assert removed.sum() == result.removed
    multi = [r for r in result.records if len(r.databases) > 1]
    assert multi and all(set(r.databases) <= {"Scopus", "Business Source Elite", "ABI/INFORM Collection"}
                         for r in multi)


def test_cli_import_and_dedup(external, tmp_path, capsys) -> None:
    review = _review(tmp_path, external)
    (review / "searches" / "finna" / "broken.ris").unlink()
    out = tmp_path / "build"
    assert main(["import", "--project", str(tmp_path), "--out", str(out / "records.ris")]) == 0
    assert import_file(out / "records.ris").imported == 345
    assert main(["dedup", "--project", str(tmp_path), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "345 records," in printed and "duplicates removed" in printed
    assert (out / "deduplicated.csv").exists() and (out / "dedup_log.csv").exists()
    assert (review / "dedup" / "uncertain_pairs.csv").exists()
    bad = tmp_path / "bad.ris"
    bad.write_text("TY  - JOUR\nAU  - Nobody\nER  - \n", encoding="utf-8")
    assert main(["import", str(bad), "--out", str(out / "x.csv")]) == 0
    assert main(["import", str(bad), "--strict", "--out", str(out / "x.csv")]) == 1
    assert "record has no title" in capsys.readouterr().err


def test_a_databases_column_mapping_in_the_protocol_is_used(tmp_path) -> None:
    text = (ROOT / "review" / "protocol.yaml").read_text(encoding="utf-8")
    text = text.replace("    export_dir: searches/emerald\n",
                        "    export_dir: searches/emerald\n    columns: {title: Heading, year: When}\n")
    review = tmp_path / "review"
    (review / "searches" / "emerald").mkdir(parents=True)
    (review / "protocol.yaml").write_text(text, encoding="utf-8")
    (review / "searches" / "emerald" / "export.csv").write_text("Heading,When\nPharmacy segments,2020\n",
                                                                encoding="utf-8")
    imported = searches.import_searches(load_protocol(review / "protocol.yaml"), review)
    [record] = imported.results["Emerald Insight"][0].records
    assert (record.title, record.year, record.database) == ("Pharmacy segments", 2020, "Emerald Insight")
