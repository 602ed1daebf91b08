"""Bad input: each gets a clear message with the place, and the rest of the file is imported."""

from __future__ import annotations

import gc

import pytest

from review_tools.io.importer import detect_format, import_file
from review_tools.io.problems import ImportFileError

RIS = ("TY  - JOUR\nTI  - First title\nAU  - Smith, J.\nPY  - 2020\nDO  - https://doi.org/10.1000/ABC.1.\nER  - \n\n"
       "TY  - JOUR\nTI  - Second title\nAU  - Virtanen, Ä.\nPY  - 2021\nER  - \n")


def _write(tmp_path, name: str, data: bytes | str):
    p = tmp_path / name
    p.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return p


def test_good_ris_and_doi_normalisation(tmp_path) -> None:
    res = import_file(_write(tmp_path, "a.ris", RIS), database="Scopus")
    assert (res.read, res.imported, res.skipped, res.problems) == (2, 2, 0, [])
    assert res.records[0].doi == "10.1000/abc.1"
    assert [r.database for r in res.records] == ["Scopus", "Scopus"]
    assert [r.line for r in res.records] == [1, 8] and [r.position for r in res.records] == [1, 2]
    assert res.summary().endswith("2 records read, 2 imported, 0 skipped, 0 warnings")


def test_empty_file(tmp_path) -> None:
    with pytest.raises(ImportFileError, match=r"empty\.ris: the file is empty"):
        import_file(_write(tmp_path, "empty.ris", "  \n\n"))


def test_binary_file(tmp_path) -> None:
    with pytest.raises(ImportFileError, match=r"image\.ris: a PNG image, not a text export"):
        import_file(_write(tmp_path, "image.ris", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00" * 20))


def test_unknown_format(tmp_path) -> None:
    with pytest.raises(ImportFileError, match="not a recognised export"):
        import_file(_write(tmp_path, "notes.txt", "just some notes\nabout nothing\n"))


def test_wrong_extension_is_read_as_what_it_is(tmp_path) -> None:
    res = import_file(_write(tmp_path, "export.bib", RIS))
    assert res.format == "RIS" and res.imported == 2
    assert "extension .bib suggests BibTeX, but the content is RIS; read as RIS" in res.problems[0].reason


def test_truncated_last_record(tmp_path) -> None:
    text = RIS + "\nTY  - JOUR\nTI  - Third, cut off\nAU  - Lee, K.\n"
    res = import_file(_write(tmp_path, "cut.ris", text))
    assert res.imported == 3 and res.records[2].title == "Third, cut off"
    (problem,) = res.problems
    assert problem.line == 14 and "not closed by ER" in problem.reason and not problem.skipped


def test_record_not_closed_before_next(tmp_path) -> None:
    text = "TY  - JOUR\nTI  - One\nTY  - JOUR\nTI  - Two\nER  - \n"
    res = import_file(_write(tmp_path, "a.ris", text))
    assert [r.title for r in res.records] == ["One", "Two"]
    assert res.problems[0].line == 1 and "next record starts at line 3" in res.problems[0].reason


def test_unbalanced_braces_in_bibtex(tmp_path) -> None:
    text = ("@article{good1, title={Good one}, author={Smith, J.}, year={2020}}\n\n"
            "@article{broken, title={Missing brace, author={Doe, J.}, year={2021}\n\n"
            "@article{good2, title={Good two}, year={2022}}\n")
    res = import_file(_write(tmp_path, "b.bib", text))
    assert "Good one" in [r.title for r in res.records]
    assert res.read == res.imported + res.skipped
    assert any(p.line == 3 for p in res.problems) or res.imported == 3


def test_bibtex_block_that_cannot_parse_is_skipped_with_its_line(tmp_path) -> None:
    text = ("@article{a, title={First}, year={2020}}\n\n@article{b,\n  title = {Broken},\n  @type:Person\n}\n\n"
            "@article{c, title={Third}, year={2022}}\n")
    res = import_file(_write(tmp_path, "b.bib", text))
    assert [r.title for r in res.records] == ["First", "Third"]
    (problem,) = [p for p in res.problems if p.skipped]
    assert problem.line == 3 and "cannot parse block" in problem.reason
    assert (res.read, res.imported, res.skipped) == (3, 2, 1)


def test_record_without_title(tmp_path) -> None:
    res = import_file(_write(tmp_path, "a.ris", "TY  - JOUR\nAU  - Smith, J.\nPY  - 2020\nER  - \n" + RIS))
    assert res.imported == 3
    (problem,) = res.problems
    assert (problem.line, problem.record, problem.reason) == (1, 1, "record has no title")


def test_huge_abstract_is_cut_with_a_warning(tmp_path) -> None:
    text = "TY  - JOUR\nTI  - Long\nAB  - " + "word " * 210_000 + "\nER  - \n" + RIS
    res = import_file(_write(tmp_path, "a.ris", text))
    assert res.imported == 3 and len(res.records[0].abstract) == 100_000
    assert "abstract is 1,049,999 characters" in res.problems[0].reason


def test_mixed_line_endings(tmp_path) -> None:
    mixed = RIS.replace("\n", "\r\n", 5).replace("PY  - 2021\n", "PY  - 2021\r")
    res = import_file(_write(tmp_path, "a.ris", mixed))
    assert [r.title for r in res.records] == ["First title", "Second title"] and res.problems == []


@pytest.mark.parametrize(("encoding", "expected"), [
    ("utf-16-le", "UTF-16 LE without BOM"), ("utf-16-be", "UTF-16 BE without BOM"), ("utf-16", "UTF-16 with BOM"),
    ("utf-8-sig", "UTF-8 with BOM"), ("cp1252", "cp1252"),
])
def test_encodings_are_detected_and_named(tmp_path, encoding, expected) -> None:
    res = import_file(_write(tmp_path, "a.ris", RIS.replace("Ä", "Ä").encode(encoding)))
    assert res.encoding == expected
    assert res.records[1].authors == ["Virtanen, Ä."]


def test_latin1_fallback(tmp_path) -> None:
    data = RIS.encode("latin-1").replace(b"Second", b"Se\x81cond")  # 0x81 is undefined in cp1252
    res = import_file(_write(tmp_path, "a.ris", data))
    assert res.encoding == "latin-1" and res.records[1].title == "Se\x81cond title"


def test_invalid_doi_is_dropped_with_a_warning(tmp_path) -> None:
    res = import_file(_write(tmp_path, "a.ris", RIS.replace("https://doi.org/10.1000/ABC.1.", "see paper")))
    assert res.records[0].doi == "" and "DOI 'see paper' is not a DOI; dropped" in res.problems[0].reason


def test_csv_with_mapping_and_short_row(tmp_path) -> None:
    text = "Article Name,Writers,When\nA study,\"Smith, J.; Doe, K.\",2019\nShort row\n"
    res = import_file(_write(tmp_path, "a.csv", text.replace("Article Name", "Title")))
    assert res.records[0].authors == [] and res.records[0].year is None  # unknown columns are not guessed
    mapped = import_file(_write(tmp_path, "b.csv", text), mapping={"title": "Article Name", "authors": "Writers",
                                                                     "year": "When"})
    assert mapped.records[0].authors == ["Smith, J.", "Doe, K."]
    assert mapped.records[0].year == 2019 and mapped.records[1].title == "Short row"
    assert "row has 1 cells, the header 3" in mapped.problems[0].reason and mapped.problems[0].line == 3
    with pytest.raises(ImportFileError, match="no column 'Nope'"):
        import_file(_write(tmp_path, "c.csv", text), mapping={"title": "Nope"})


def test_detect_format() -> None:
    assert detect_format("FN Clarivate\nVR 1.0\nPT J\nTI x\nER\n") == "Web of Science plain text"
    assert detect_format("PMID- 1\nTI  - x\n") == "MEDLINE"
    assert detect_format("% comment\n@Article{key,\n title={x}}\n") == "BibTeX"
    assert detect_format("PT\tAU\tTI\tSO\tUT\tX\tY\n") == "Web of Science tab-delimited"
    assert detect_format("hello world") is None


def test_garbage_collector_is_switched_back_on_after_an_import(tmp_path) -> None:
    assert gc.isenabled()
    import_file(_write(tmp_path, "a.ris", RIS))
    assert gc.isenabled()
    with pytest.raises(ImportFileError):
        import_file(_write(tmp_path, "b.ris", ""))
    assert gc.isenabled()
