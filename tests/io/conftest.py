"""Helpers shared by the readers' tests: an export written to a scratch file and imported, and the check
that a file read in pieces gives what the whole file gives."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from review_tools.io.importer import import_file
from review_tools.io.problems import ImportResult


@pytest.fixture
def imported(tmp_path: Path) -> Callable[[str, str], ImportResult]:
    """``imported(name, text)``: ``text`` written as the file ``name`` (UTF-8) and imported."""
    def write_and_import(name: str, text: str) -> ImportResult:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return import_file(path)
    return write_and_import


def read_in_pieces(path: Path, piece_bytes: int) -> ImportResult:
    """The whole file's import, after checking that reading it in pieces of ``piece_bytes`` gives the same
    records (ids, lines, positions) and problems."""
    whole, split = import_file(path), import_file(path, piece_bytes=piece_bytes)
    same_import(whole, split)
    return whole


def same_import(whole: ImportResult, split: ImportResult) -> None:
    """Two imports of one file gave the same records, problems, format, encoding and counts."""
    assert [r.to_dict() for r in split.records] == [r.to_dict() for r in whole.records]
    assert sorted(map(str, split.problems)) == sorted(map(str, whole.problems))
    assert (split.format, split.encoding, split.read, split.placeholders) == \
        (whole.format, whole.encoding, whole.read, whole.placeholders)
