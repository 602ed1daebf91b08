"""Publishing a report set: the swap, what a killed run leaves, one run at a time."""

from __future__ import annotations

import os
import threading

import pytest

from review_tools import publish


def _set(folder, text: str):
    folder.mkdir(parents=True)
    (folder / "index.html").write_text(text)
    return folder


def test_swap_in_replaces_the_set_and_leaves_nothing_beside_it(tmp_path) -> None:
    reports = _set(tmp_path / "reports", "old")
    stage = _set(publish.staging_dir(reports), "new")
    publish.swap_in(stage, reports)
    assert (reports / "index.html").read_text() == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["reports"]


def test_exchange_is_one_call_on_linux(tmp_path) -> None:
    a, b = _set(tmp_path / "a", "A"), _set(tmp_path / "b", "B")
    if not publish.exchange(a, b):
        pytest.skip("this system or file system has no renameat2(RENAME_EXCHANGE)")
    assert (a / "index.html").read_text() == "B" and (b / "index.html").read_text() == "A"


def test_a_kill_between_the_two_renames_loses_no_set(tmp_path, monkeypatch) -> None:
    """The two-rename fallback killed after its first rename: the next run puts the previous set back
    (before, it deleted it together with the staging folder)."""
    reports = _set(tmp_path / "reports", "old")
    stage = _set(publish.staging_dir(reports), "new")
    monkeypatch.setattr(publish, "exchange", lambda a, b: False)
    real_replace, calls = os.replace, []

    def killed_after_first(src, dst):
        calls.append(src)
        if len(calls) == 2:
            raise SystemExit("killed")
        real_replace(src, dst)

    monkeypatch.setattr(publish.os, "replace", killed_after_first)
    with pytest.raises(SystemExit):
        publish.swap_in(stage, reports)
    monkeypatch.setattr(publish.os, "replace", real_replace)
    assert not reports.exists()
    with publish.publishing(reports):
        assert (reports / "index.html").read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == [".reports.lock", "reports"]


def test_leftovers_of_killed_runs_are_removed(tmp_path) -> None:
    reports = _set(tmp_path / "reports", "current")
    _set(tmp_path / ".reports.staging-99999", "half")
    _set(tmp_path / ".reports.old-99998", "older")
    with publish.publishing(reports):
        pass
    assert sorted(p.name for p in tmp_path.iterdir()) == [".reports.lock", "reports"]
    assert (reports / "index.html").read_text() == "current"


def test_a_failed_build_removes_its_staging_folder(tmp_path) -> None:
    reports = tmp_path / "reports"
    with publish.publishing(reports), pytest.raises(OSError), publish.staging(reports) as stage:
        (stage / "x").write_text("partial")
        raise OSError(28, "No space left on device")
    assert not publish.staging_dir(reports).exists()


def test_a_second_run_on_the_same_reports_is_refused(tmp_path) -> None:
    reports = tmp_path / "reports"
    inside, release = threading.Event(), threading.Event()

    def first() -> None:
        with publish.publishing(reports):
            inside.set()
            release.wait(10)

    t = threading.Thread(target=first)
    t.start()
    inside.wait(10)
    try:
        with pytest.raises(publish.ReportsBusy, match="another review-tools run"), publish.publishing(reports):
            pass
    finally:
        release.set()
        t.join()
