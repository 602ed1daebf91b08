"""Shared fixtures: paths to the repository and the external real data, notebook writing, Chromium."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

ROOT = Path(__file__).resolve().parents[1]
EXTERNAL = ROOT.parent / "shared" / "data" / "external"


EXCERPTS = ROOT / "tests" / "data" / "external"
MISSING = ("real test data not found at ../shared/data/external (only beside the developers' checkout); "
           "tests/data/external has excerpts of the permissively licensed files only")


@pytest.fixture(scope="session")
def external() -> Path:
    """The real-data folder beside the repository; tests that need it skip where it is absent."""
    if not EXTERNAL.is_dir():
        pytest.skip(MISSING)
    return EXTERNAL


def real_path(relative: str) -> Path:
    """A real test file: in ../shared/data/external, else its excerpt in tests/data/external (MIT, BSD,
    Apache, CC licences only), else the test is skipped with the one reason above."""
    for base in (EXTERNAL, EXCERPTS):
        if (base / relative).is_file():
            return base / relative
    pytest.skip(MISSING)
    raise AssertionError


@pytest.fixture(scope="session")
def real() -> Callable[[str], Path]:
    return real_path


def write_notebook(path: Path, cells: list[str], parameters: str | None = None, title: str = "Test report") -> Path:
    """Write a notebook: a Markdown title, an optional cell tagged ``parameters``, then code cells."""
    nb = new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells.append(new_markdown_cell(f"# {title}"))
    if parameters is not None:
        cell = new_code_cell(parameters)
        cell.metadata["tags"] = ["parameters"]
        nb.cells.append(cell)
    nb.cells.extend(new_code_cell(src) for src in cells)
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


@pytest.fixture
def notebook_writer() -> Callable[..., Path]:
    return write_notebook


def _find_chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def chromium() -> str:
    """Debian's Chromium, installed with apt-get when missing (as root); skip only where that is impossible."""
    found = _find_chromium()
    if found:
        return found
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        pytest.skip("chromium is not installed and cannot be installed here (needs root and apt-get)")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for cmd in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", "chromium"]):
        done = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=900)
        if done.returncode != 0:
            pytest.skip(f"could not install chromium ({' '.join(cmd)}): {done.stderr.strip()[-300:]}")
    found = _find_chromium()
    if not found:
        pytest.skip("apt-get installed chromium but no chromium binary is on PATH")
    return found


def pytest_terminal_summary(terminalreporter) -> None:
    """Each reason for skipping printed once, with how many tests it skipped (not a line per test)."""
    from collections import Counter

    reasons = Counter(str(r.longrepr[2]).removeprefix("Skipped: ") for r in terminalreporter.stats.get("skipped", [])
                      if isinstance(r.longrepr, tuple))
    for reason, n in reasons.most_common():
        terminalreporter.write_line(f"{n} skipped: {reason}")
