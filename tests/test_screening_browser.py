"""The screening app in a real JupyterLab, driven by key presses in headless Chromium (Playwright with
Debian's chromium): the keys make decisions, the decision file holds them, undo appends a reversing row,
and the notebook around the app is left as it was (JupyterLab's own single-key commands, such as 'm' for
a Markdown cell, do not fire)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest
from tests.conftest import ROOT

from review_tools.screening import read_decision_file

TOKEN = "review-tools-browser-test"
REVIEWER = "browser_test"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def lab(tmp_path: Path):
    """A JupyterLab server on a copy of the example review, with screen.ipynb set to a fresh reviewer."""
    shutil.copytree(ROOT / "review", tmp_path / "review", ignore=shutil.ignore_patterns(".sessions"))
    (tmp_path / "notebooks").mkdir()
    nb = nbformat.read(ROOT / "notebooks" / "screen.ipynb", as_version=4)
    params = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    params.source = f'reviewer = "{REVIEWER}"\nstage = "title_abstract"\nprotocol_path = "../review/protocol.yaml"'
    nbformat.write(nb, tmp_path / "notebooks" / "screen.ipynb")
    port = _free_port()
    env = {**os.environ, "HOME": str(tmp_path), "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime")}
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root", f"--port={port}",
         "--ServerApp.ip=127.0.0.1", f"--IdentityProvider.token={TOKEN}", f"--ServerApp.root_dir={tmp_path}",
         "--LabApp.expose_app_in_browser=True"],
        cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                with urllib.request.urlopen(f"{url}/api/status?token={TOKEN}", timeout=2) as reply:
                    json.load(reply)
                break
            except OSError:
                if server.poll() is not None:
                    pytest.fail(f"jupyter lab did not start: {server.stderr.read().decode()[-1000:]}")
                time.sleep(0.5)
        else:
            pytest.fail("jupyter lab did not answer within 60 s")
        yield url, tmp_path
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def _rows(folder: Path) -> list[tuple[str, tuple[str, ...]]]:
    path = folder / "review" / "screening" / f"title_abstract__{REVIEWER}.csv"
    return [(d.decision, d.reasons) for d in read_decision_file(path)] if path.exists() else []


def _until(condition, what: str, seconds: float = 30.0):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def test_keys_in_a_real_jupyterlab_make_decisions_and_undo_appends(lab, chromium: str) -> None:
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is in the dev extra")
    url, folder = lab
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(f"{url}/lab/tree/notebooks/screen.ipynb?token={TOKEN}")
        page.wait_for_function(
            "() => { const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;"
            " const k = w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel;"
            " return k && k.status === 'idle'; }", timeout=120_000)
        page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
        page.get_by_role("button", name="Include (i)").wait_for(timeout=120_000)
        cells_before = page.evaluate("window.jupyterapp.shell.currentWidget.content.model.cells.length")
        types_before = page.evaluate(
            "Array.from(window.jupyterapp.shell.currentWidget.content.model.cells).map(c => c.type)")

        def press(key: str) -> None:
            page.locator(".widget-html-content h3").first.hover()
            page.keyboard.press(key)

        press("i")
        _until(lambda: _rows(folder) == [("include", ())], "the include in the decision file")
        press("6")  # tick the sixth criterion of the stage (E2)
        page.wait_for_timeout(300)
        press("e")
        _until(lambda: len(_rows(folder)) == 2, "the exclude in the decision file")
        press("u")
        _until(lambda: len(_rows(folder)) == 3, "the undo row in the decision file")
        press("m")
        _until(lambda: len(_rows(folder)) == 4, "the maybe in the decision file")
        types_after = page.evaluate(
            "Array.from(window.jupyterapp.shell.currentWidget.content.model.cells).map(c => c.type)")
        cells_after = page.evaluate("window.jupyterapp.shell.currentWidget.content.model.cells.length")
        browser.close()
    assert _rows(folder) == [("include", ()), ("exclude", ("E2",)), ("undecided", ()), ("maybe", ())]
    assert (cells_after, types_after) == (cells_before, types_before)  # 'm' did not make a cell Markdown
