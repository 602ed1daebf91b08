"""Writers: RIS, BibTeX and CSV round trips through our own readers, and atomic writing."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from review_tools.io import writers
from review_tools.io.importer import import_file
from review_tools.io.writers import write_records
from review_tools.records import Record, assign_ids

FIELDS = ("title", "authors", "year", "journal", "volume", "issue", "pages", "doi", "abstract", "keywords", "id",
          "language")


def _hostile() -> list[Record]:
    records = [
        Record(title="Odd 100% $5 & #1 a_b ~x ^y back\\slash \"quoted\" ä ö å – dash -- and ''",
               authors=["Äijälä, Örjan", "O'Brien, J."], year=2020, pages="1-5", document_type="article",
               journal="J & K", keywords=["a, b", "c"], language="fi", doi="10.1000/x-1"),
        Record(title="Segmentointi asiakkuuksien johtamisen työkaluna", authors=["Heiskanen, Noora"], year=2024,
               document_type="thesis", url="https://urn.fi/URN:NBN:fi:amk-2024121335694"),
    ]
    assign_ids(records)
    return records


def _same(a: Record, b: Record, bibtex: bool) -> None:
    for name in FIELDS:
        left, right = getattr(a, name), getattr(b, name)
        if bibtex and isinstance(left, str):  # BibTeX readers drop braces (see writers._latex_escape)
            left = re.sub(r"[{}]", "", left)
        assert left == right, (name, left, right)


@pytest.mark.parametrize("ext", [".ris", ".bib", ".csv"])
def test_round_trip_of_hostile_records(tmp_path, ext) -> None:
    records = _hostile()
    back = import_file(write_records(records, tmp_path / f"out{ext}"))
    assert back.problems == [] and back.imported == 2
    for a, b in zip(records, back.records, strict=True):
        _same(a, b, ext == ".bib")


@pytest.mark.parametrize("source", ["asreview-demo-data/web_of_science.txt", "jabref-testresources/complex.bib",
                                    "jabref-testresources/MedlinePlainImporterTestCompleteEntry.txt",
                                    "citesource-exports/wos_278.ris", "asysd-testdata/zotero_export.bib",
                                    "metaknowledge-testdata/medline_test.medline"])
@pytest.mark.parametrize("ext", [".ris", ".bib", ".csv"])
def test_round_trip_of_real_exports(real, tmp_path, source, ext) -> None:
    records = import_file(real(source)).records
    back = import_file(write_records(records, tmp_path / f"out{ext}"))
    assert back.imported == len(records) and not any(p.skipped for p in back.problems)
    for a, b in zip(records, back.records, strict=True):
        _same(a, b, ext == ".bib")


def test_unknown_extension_and_atomic_write(tmp_path) -> None:
    with pytest.raises(ValueError, match=r"write \.ris, \.bib or \.csv"):
        write_records(_hostile(), tmp_path / "out.docx")
    target = tmp_path / "out.csv"
    target.write_text("previous content", encoding="utf-8")
    write_records(_hostile(), target)
    assert target.read_text(encoding="utf-8").startswith("title,abstract,authors")
    assert list(tmp_path.glob(".out.csv.tmp-*")) == []


@pytest.mark.parametrize("suffix", [".ris", ".bib", ".csv"])
def test_a_file_written_in_batches_is_the_file_written_at_once(tmp_path: Path, suffix: str,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    records = [Record(title=f"Work number {i}", year=2000 + i, authors=[f"Author{i}, A"], id=f"R{i}")
               for i in range(7)]
    write_records(records, tmp_path / f"whole{suffix}")
    monkeypatch.setattr(writers, "BATCH", 2)
    write_records(records, tmp_path / f"batches{suffix}")
    assert (tmp_path / f"batches{suffix}").read_text() == (tmp_path / f"whole{suffix}").read_text()
    assert [r.title for r in import_file(tmp_path / f"batches{suffix}").records] == [r.title for r in records]
