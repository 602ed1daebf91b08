"""Atomic writes: the new content replaces the file only when writing finished."""

from __future__ import annotations

import shutil

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


def test_append_lines_cuts_a_line_a_killed_writer_left_half_written(tmp_path) -> None:
    from review_tools.atomic import append_lines

    path = tmp_path / "log.csv"
    append_lines(path, ["r1,include\n"], header="id,decision\n")
    with path.open("ab") as fh:
        fh.write(b"r2,incl")  # what a writer killed mid-write leaves
    append_lines(path, ["r3,exclude\n"])
    assert path.read_text(encoding="utf-8") == "id,decision\nr1,include\nr3,exclude\n"


def test_a_failed_write_removes_its_temporary_file_and_leftovers_go_under_the_lock(tmp_path) -> None:
    from review_tools.atomic import locked

    path = tmp_path / "form.csv"
    with pytest.raises(OSError), atomic_write(path) as fh:
        fh.write("x")
        raise OSError(28, "No space left on device")
    assert not list(tmp_path.glob(".form.csv.tmp-*"))
    (tmp_path / ".form.csv.tmp-99999").write_text("left by a killed writer", encoding="utf-8")
    with locked(path):
        pass
    assert not list(tmp_path.glob(".form.csv.tmp-*"))


def test_a_lock_held_too_long_is_a_clear_error(tmp_path) -> None:
    from review_tools.atomic import LockTimeout, locked

    path = tmp_path / "log.csv"
    with locked(path), pytest.raises(LockTimeout, match="another process"), locked(path, timeout=0.2):
        pass


def test_a_failed_write_names_the_target_not_the_temporary_file(tmp_path) -> None:
    target = tmp_path / "gone" / "records.csv"
    with pytest.raises(OSError) as info, atomic_write(target) as fh:
        fh.write("x")
        shutil.rmtree(target.parent)  # the folder vanishes before the rename
    assert info.value.filename == str(target)
