"""One bad byte damages one record, not the file: real exports with invalid bytes, NUL bytes, a cut-off
end, huge cells and binary files."""

from __future__ import annotations

from pathlib import Path

import pytest

from review_tools.io.encoding import decode
from review_tools.io.importer import import_file
from review_tools.io.problems import ImportFileError

DATA = Path(__file__).resolve().parents[1] / "data"
RIS = DATA / "kwok_2020_embase_excerpt.ris"
CSV = DATA / "nagtegaal_2019_excerpt.csv"


def _non_ascii(records) -> list[str]:
    return [c for r in records for c in r.title + r.abstract if ord(c) > 127]


def _with(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_one_invalid_byte_in_utf8_damages_one_record_and_is_reported(tmp_path) -> None:
    """One invalid byte once switched the whole file to cp1252 and altered every non-ASCII character."""
    clean = import_file(RIS)
    data = RIS.read_bytes()
    at = data.index(b"AB  - ", len(data) // 2) + 10
    damaged = import_file(_with(tmp_path, "damaged.ris", data[:at] + b"\xff" + data[at:]))
    assert damaged.encoding == "UTF-8"
    assert len(damaged.records) == len(clean.records)
    assert len(_non_ascii(damaged.records)) == len(_non_ascii(clean.records)) + 1  # the U+FFFD only
    line = data.count(b"\n", 0, at) + 1
    [problem] = [p for p in damaged.problems if "not UTF-8" in p.reason]
    assert problem.line == line and not problem.skipped
    hit = damaged.records[problem.record - 1]
    assert "\ufffd" in hit.abstract and hit.line <= line


def test_a_bad_byte_in_a_utf8_file_with_bom_imports_every_record(tmp_path) -> None:
    data = b"\xef\xbb\xbf" + CSV.read_bytes()
    at = data.index(b"\n", 2000) + 20
    result = import_file(_with(tmp_path, "bom.csv", data[:at] + b"\xc3\x28" + data[at:]))
    assert result.encoding == "UTF-8 with BOM"
    assert len(result.records) == len(import_file(CSV).records)
    assert any("not UTF-8" in p.reason and p.line for p in result.problems)


def test_nul_bytes_are_removed_with_a_warning(tmp_path) -> None:
    data = RIS.read_bytes()
    at = data.index(b"TI  - ", 5000) + 8
    result = import_file(_with(tmp_path, "nul.ris", data[:at] + b"\x00\x00" + data[at:]))
    assert len(result.records) == len(import_file(RIS).records)
    assert any("NUL byte(s) removed" in p.reason for p in result.problems)
    assert not any("\x00" in r.title for r in result.records)


def test_a_cp1252_file_is_still_read_as_cp1252(tmp_path) -> None:
    text = "TY  - JOUR\nTI  - Lääkeyritysten asiakkuudet\nER  - \n\nTY  - JOUR\nTI  - Café – crème\nER  - \n"
    result = import_file(_with(tmp_path, "ansi.ris", text.encode("cp1252")))
    assert result.encoding == "cp1252" and [r.title for r in result.records] == [
        "Lääkeyritysten asiakkuudet", "Café – crème"]


def test_a_file_cut_off_mid_line_warns_on_its_last_record(tmp_path) -> None:
    medline = "PMID- 1\nTI  - First title\nAB  - Text.\n\nPMID- 2\nTI  - Second title\nAB  - Cut off in the mid"
    result = import_file(_with(tmp_path, "cut.nbib", medline.encode()))
    assert len(result.records) == 2
    [warning] = [p for p in result.problems if "cut off" in p.reason]
    assert warning.record == 2


def test_a_cell_over_the_csv_modules_limit_is_cut_with_a_warning(tmp_path) -> None:
    """A cell over 131,072 characters once refused the whole CSV."""
    long = "word " * 40_000
    text = f'Title,Abstract\nFirst,"{long}"\nSecond,short\n'
    result = import_file(_with(tmp_path, "long.csv", text.encode()))
    assert [r.title for r in result.records] == ["First", "Second"]
    assert len(result.records[0].abstract) == 100_000
    assert any("cut to the limit" in p.reason for p in result.problems)


def test_a_csv_whose_first_title_starts_with_at_is_a_csv(tmp_path) -> None:
    text = "Title,Year\n@Home care for older people,2020\nSecond,2021\n"
    result = import_file(_with(tmp_path, "at.csv", text.encode()))
    assert result.format == "CSV" and result.records[0].title == "@Home care for older people"


@pytest.mark.parametrize(("data", "message"), [
    (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "a PNG image"),
    (b"%PDF-1.7\n" + bytes(range(256)) * 4, "a PDF document"),
    (bytes(range(32)) * 200, "binary file"),
    (b"\xef\xbb\xbf", "only a byte order mark"),
])
def test_binary_and_empty_files_are_refused(tmp_path, data, message) -> None:
    with pytest.raises(ImportFileError, match=message):
        import_file(_with(tmp_path, "x.ris", data))


def test_folders_devices_and_oversized_files_are_refused_without_reading_them(tmp_path) -> None:
    with pytest.raises(ImportFileError, match="is a folder"):
        import_file(tmp_path)
    if Path("/dev/zero").exists():
        with pytest.raises(ImportFileError, match="not a regular file"):
            import_file(Path("/dev/zero"))
    from review_tools.io.importer import read_bounded

    big = _with(tmp_path, "big.ris", b"x" * 2000)
    with pytest.raises(ImportFileError, match="more than the 1,000 an export can have"):
        read_bounded(big, limit=1000)


def test_utf16_without_bom_and_with_bom() -> None:
    text = "TY  - JOUR\nTI  - Äiti\nER  - \n"
    for data in (text.encode("utf-16-le"), text.encode("utf-16")):
        decoded = decode(data, "x")
        assert decoded.text == text and not decoded.damage
