"""A file read in pieces gives what the whole file gives: the same records (ids, lines, positions) and
the same problems, for every real export here; with a sink nothing is kept."""

from __future__ import annotations

import codecs
import io
from pathlib import Path

import pytest
from tests.conftest import EXCERPTS, EXTERNAL
from tests.io.conftest import same_import

from review_tools.io import pieces as pieces_module
from review_tools.io.importer import import_file
from review_tools.io.pieces import boundary_for, pieces
from review_tools.io.problems import ImportFileError
from review_tools.records import IdAssigner

SMALL = 3_000  # bytes per piece: a few records each, so every real file here is read in many pieces
SUFFIXES = (".ris", ".bib", ".nbib", ".txt", ".csv", ".tsv", ".isi", ".ciw", ".xml", ".enw", ".enl")


def _exports() -> list[Path]:
    out = []
    for base in (EXCERPTS, EXTERNAL):
        if base.is_dir():
            out += [p for p in sorted(base.rglob("*")) if p.is_file() and 4 * SMALL < p.stat().st_size < 2_000_000
                    and p.suffix.lower() in SUFFIXES]
    return out


def _whole_and_in_pieces(path: Path):
    try:
        whole = import_file(path)
    except ImportFileError:
        return None
    return whole, import_file(path, piece_bytes=SMALL)


def test_every_real_export_read_in_pieces_gives_the_whole_files_records_and_problems() -> None:
    compared = {}
    for path in _exports():
        pair = _whole_and_in_pieces(path)
        if pair is None:
            continue
        same_import(*pair)
        compared[pair[0].format] = compared.get(pair[0].format, 0) + 1
    assert {"RIS", "CSV"} <= set(compared), compared  # the excerpts alone hold these; ../shared holds every format


def test_a_sink_gets_every_record_once_and_nothing_is_kept() -> None:
    path = next(p for p in _exports() if p.suffix == ".ris")
    whole = import_file(path)
    got = []
    result = import_file(path, piece_bytes=SMALL, sink=got.extend)
    assert result.records == [] and result.imported == whole.imported == len(got)
    assert [r.to_dict() for r in got] == [r.to_dict() for r in whole.records]


def test_one_id_assigner_makes_ids_unique_across_files(tmp_path: Path) -> None:
    ris = "TY  - JOUR\nTI  - Same work\nPY  - 2020\nAU  - Smith, J\nER  - \n"
    (tmp_path / "a.ris").write_text(ris)
    (tmp_path / "b.ris").write_text(ris)
    ids = IdAssigner()
    first = import_file(tmp_path / "a.ris", ids=ids).records[0].id
    second = import_file(tmp_path / "b.ris", ids=ids).records[0].id
    assert second == f"{first}-2"
    assert import_file(tmp_path / "b.ris").records[0].id == first  # without a shared assigner: per file


def _records(n: int, body) -> str:
    return "".join(body(i) for i in range(n))


def test_csv_cells_with_newlines_and_quotes_are_never_cut(tmp_path: Path) -> None:
    rows = _records(200, lambda i: f'"Title {i}","line one\nline ""two"" {i}\nthree",{2000 + i % 20}\n')
    path = tmp_path / "quoted.csv"
    path.write_text("Title,Abstract,Year\n" + rows)
    whole, split = import_file(path), import_file(path, piece_bytes=500)
    same_import(whole, split)
    assert split.imported == 200 and split.records[-1].abstract == 'line one\nline "two" 199\nthree'
    assert split.records[150].line == whole.records[150].line == 2 + 150 * 3


def test_bibtex_macros_of_an_earlier_piece_are_resolved_in_later_pieces(tmp_path: Path) -> None:
    entries = _records(100, lambda i: f"@article{{k{i},\n  title = {{Work {i}}},\n  journal = jn,\n  year = 2001\n"
                                      "}\n\n")
    path = tmp_path / "macros.bib"
    path.write_text("@string{jn = {Journal of Pieces}}\n\n" + entries + "@article{k5, title={Again}, year=2002}\n")
    whole, split = import_file(path), import_file(path, piece_bytes=400)
    same_import(whole, split)
    assert {r.journal for r in split.records[:100]} == {"Journal of Pieces"}
    assert any("'k5' is used twice" in p.reason for p in split.problems)


def test_medline_records_split_at_blank_lines_with_crlf(tmp_path: Path) -> None:
    text = _records(80, lambda i: f"PMID- {1000 + i}\r\nTI  - Title number {i} about\r\n      continued text\r\n"
                                  f"DP  - 2019\r\n\r\n")
    path = tmp_path / "pubmed.nbib"
    path.write_bytes(text.encode())
    whole, split = import_file(path), import_file(path, piece_bytes=300)
    same_import(whole, split)
    assert split.imported == 80 and split.records[79].title == "Title number 79 about continued text"


def test_a_bad_byte_in_a_later_piece_is_reported_at_its_line(tmp_path: Path) -> None:
    good = _records(60, lambda i: f"TY  - JOUR\nTI  - Café number {i}\nER  - \n\n")
    path = tmp_path / "bad.ris"
    path.write_bytes(codecs.BOM_UTF8 + good.encode() + b"TY  - JOUR\nTI  - Broken \xff byte\nER  - \n")
    split = import_file(path, piece_bytes=200)
    same_import(import_file(path), split)
    assert split.encoding == "UTF-8 with BOM" and split.imported == 61
    damage = [p for p in split.problems if "not UTF-8" in p.reason]
    assert [(p.line, p.record) for p in damage] == [(242, 61)]
    assert split.records[0].title == "Café number 0"


def test_a_record_longer_than_a_piece_is_read_whole_and_a_file_without_record_starts_is_refused(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    long = "TY  - JOUR\nTI  - Long\nAB  - " + "word " * 2000 + "\nER  - \n"
    path = tmp_path / "long.ris"
    path.write_text(long + "TY  - JOUR\nTI  - Short\nER  - \n" + long)
    assert [len(r.abstract) for r in import_file(path, piece_bytes=100).records] == [9999, 0, 9999]
    monkeypatch.setattr(pieces_module, "MAX_RECORD_BYTES", 5_000)
    with pytest.raises(ImportFileError, match="a record longer than 5,000 bytes"):
        list(pieces(io.BytesIO(b""), ("x" * 20_000).encode(), "RIS", "f.ris", 1_000))


@pytest.mark.parametrize("fmt, text, last", [
    ("RIS", b"TY  - A\nER  - \nTY  - B\nER  - \n", b"TY  - B"),
    ("Web of Science plain text", b"FN x\nPT J\nER\nPT J\nTI b\nER\n", b"PT J\nTI b"),
    ("MEDLINE", b"PMID- 1\nTI  - a\n\nPMID- 2\nTI  - b\n", b"PMID- 2"),
    ("MEDLINE", b"PMID- 1\r\nTI  - a\r\n\r\nPMID- 2\r\n", b"PMID- 2"),
    ("BibTeX", b"@article{a,\n  x = {\n@not an entry}\n}\n@book{b,}\n", b"@book"),
    ("CSV", b'a,b\n"x\ny",1\n"p\nq",2\n', b'"p\nq"'),
    # an abstract line starting with '<' (a value, '<0.05') is not a record start
    ("Ovid", b"<1>\nTitle\n  A\n\n<2. >\nTitle\n  B\nAbstract\n<0.05 was significant\n", b"<2. >"),
    ("Ovid", b"<1>\r\nTitle\r\n  A\r\n<2>\r\nTitle\r\n", b"<2>\r\nTitle"),
])
def test_the_last_record_start_per_format(fmt: str, text: bytes, last: bytes) -> None:
    assert boundary_for(fmt)(text, len(text) - 1) == text.index(last)


def test_an_xlsx_sheet_read_in_batches_of_rows_gives_what_one_batch_gives(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from functools import partial

    from openpyxl import Workbook

    from review_tools.io import tabular

    wb = Workbook()
    sheet = wb.active
    sheet.append(["Title", "Year", "DOI"])
    for i in range(7):
        sheet.append([f"Work {i}" if i != 3 else "", 2000 + i, "not a doi" if i == 5 else f"10.1000/{i}"])
    wb.save(tmp_path / "export.xlsx")
    whole = import_file(tmp_path / "export.xlsx")
    monkeypatch.setattr(tabular, "read_xlsx", partial(tabular.read_xlsx, rows_per_batch=2))
    same_import(whole, import_file(tmp_path / "export.xlsx"))
    assert [r.position for r in whole.records] == list(range(1, 8)) and whole.records[-1].line == 8
    assert sorted((p.line, p.record) for p in whole.problems) == [(5, 4), (7, 6)]  # no title; a DOI dropped
