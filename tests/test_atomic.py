"""Atomic writes: the new content replaces the file only when writing finished."""

from __future__ import annotations

import pytest

from review_tools.atomic import atomic_write


def test_new_content_replaces_the_file(tmp_path) -> None:
    path = tmp_path / "sub" / "log.csv"
    with atomic_write(path, sync=True) as fh:
        fh.write("a,b\r\n1,2\n")
    assert path.read_bytes() == b"a,b\r\n1,2\n"  # newline='' writes line endings as given


def test_an_error_while_writing_leaves_the_old_file(tmp_path) -> None:
    path = tmp_path / "log.csv"
    path.write_text("old\n", encoding="utf-8")
    with pytest.raises(RuntimeError), atomic_write(path) as fh:
        fh.write("half")
        raise RuntimeError("crash")
    assert path.read_text(encoding="utf-8") == "old\n"
