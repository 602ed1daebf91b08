"""The papermill pipeline on small test notebooks: execution, caching, failure, atomic publishing."""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from review_tools import pipeline
from review_tools.pipeline import RunConfig, declared_parameters

COUNTING = """
from pathlib import Path
counter = Path(counter_path)
counter.write_text(str(int(counter.read_text() or 0) + 1) if counter.exists() else "1")
"""

PARAMS_A = 'input_path = "data/input.csv"\ncounter_path = "runs_a.txt"\nfigures_dir = ""\nseed = 1'
CELLS_A = [
    COUNTING,
    """import pandas as pd
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
from review_tools import display
df = pd.read_csv(input_path)
display.summary(f"{len(df)} rows <b>read</b>, seed {seed}")
display.table(df, caption="Input")
fig, ax = plt.subplots()
ax.bar(df["name"], df["value"])
display.figure(fig, "bars", figures_dir)""",
]
PARAMS_B = 'counter_path = "runs_b.txt"'
CELLS_B = [COUNTING, "from review_tools import display\ndisplay.summary('second report')"]


def _git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout.strip()


@pytest.fixture
def project(tmp_path: Path, notebook_writer) -> Path:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "input.csv").write_text(
        "name,value\nalpha,3\n<script>alert(1)</script>,5\n", encoding="utf-8")
    notebook_writer(tmp_path / "notebooks" / "01_a.ipynb", CELLS_A, PARAMS_A, title="Report A")
    notebook_writer(tmp_path / "notebooks" / "02_b.ipynb", CELLS_B, PARAMS_B, title="Report B")
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "add", "-A")
    _git(tmp_path, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "init")
    return tmp_path


def _config(project: Path, **kw) -> RunConfig:
    params = {"input_path": "data/input.csv", "seed": 7, "unused": "x"}
    params.update(kw.pop("parameters", {}))
    return RunConfig(project_dir=project, parameters=params, **kw)


def _text(page: str) -> str:
    """What a reader sees of an HTML page: tags removed, entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", "", page))


def _runs(project: Path, name: str) -> int:
    f = project / name
    return int(f.read_text()) if f.exists() else 0


def test_declared_parameters_reads_the_tagged_cell(project: Path) -> None:
    assert declared_parameters(project / "notebooks" / "01_a.ipynb") == {
        "input_path": "data/input.csv", "counter_path": "runs_a.txt", "figures_dir": "", "seed": 1}


def test_run_executes_and_publishes_reports(project: Path, capsys) -> None:
    result = pipeline.run(_config(project))
    assert [n.status for n in result.notebooks] == ["ok", "ok"]
    reports = project / "reports"
    index = (reports / "index.html").read_text(encoding="utf-8")
    assert 'href="01_a.html">Report A</a>' in index and 'href="02_b.html">Report B</a>' in index
    assert "2 rows &lt;b&gt;read&lt;/b&gt;, seed 7" in index  # summary escaped on the index page
    page = (reports / "01_a.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert(1)" not in page
    assert "2 rows <b>read</b>, seed 7" in _text(page)
    assert "pd.read_csv" not in _text(page)  # code hidden by default
    assert '<img alt="bars" src="data:image/png;base64,' in page
    assert (reports / "figures" / "01_a" / "bars.svg").stat().st_size > 0
    assert (reports / "figures" / "01_a" / "bars.png").stat().st_size > 0
    assert (reports / "notebooks" / "01_a.ipynb").exists()
    with_code = (reports / "notebooks" / "01_a.html").read_text(encoding="utf-8")
    assert "pd.read_csv" in _text(with_code) and "<script>alert(1)" not in with_code
    assert 'href="notebooks/01_a.html">with code</a>' in index
    err = capsys.readouterr().err
    assert "[1/2] 01_a ... ok" in err and "[2/2] 02_b ... ok" in err


def test_manifest_records_provenance(project: Path) -> None:
    pipeline.run(_config(project))
    m = json.loads((project / "reports" / "manifest.json").read_text())
    data = project / "data" / "input.csv"
    assert m["inputs"] == {"data/input.csv": hashlib.sha256(data.read_bytes()).hexdigest()}
    assert m["git"] == {"commit": _git(project, "rev-parse", "HEAD"), "dirty": False}
    assert m["packages"]["papermill"] and m["packages"]["review-tools"] and m["packages"]["python"]
    a, b = m["notebooks"]
    assert a["parameters"] == {"input_path": "data/input.csv", "seed": 7}
    assert b["parameters"] == {}  # only the parameters a notebook declares are passed to it
    assert a["inputs"] == ["data/input.csv"]
    for nb in (a, b):
        assert nb["started"] <= nb["finished"] and nb["duration_s"] > 0 and len(nb["cache_key"]) == 64
    data.write_text("name,value\nx,1\n", encoding="utf-8")
    pipeline.run(_config(project))
    assert json.loads((project / "reports" / "manifest.json").read_text())["git"]["dirty"] is True


def test_no_change_rerun_executes_nothing(project: Path, capsys) -> None:
    pipeline.run(_config(project))
    before = (project / "reports" / "index.html").stat().st_mtime_ns
    result = pipeline.run(_config(project))
    assert not result.written and {n.status for n in result.notebooks} == {"cached"}
    assert _runs(project, "runs_a.txt") == 1 and _runs(project, "runs_b.txt") == 1
    assert (project / "reports" / "index.html").stat().st_mtime_ns == before
    assert "up to date" in capsys.readouterr().err


def test_changed_input_reruns_only_the_notebook_that_reads_it(project: Path) -> None:
    pipeline.run(_config(project))
    (project / "data" / "input.csv").write_text("name,value\nbeta,9\n", encoding="utf-8")
    result = pipeline.run(_config(project))
    assert [n.status for n in result.notebooks] == ["ok", "cached"]
    assert (_runs(project, "runs_a.txt"), _runs(project, "runs_b.txt")) == (2, 1)
    assert (project / "reports" / "02_b.html").exists()  # carried over into the new set
    assert (project / "reports" / "figures" / "01_a" / "bars.png").exists()


def test_changed_parameter_or_force_reruns(project: Path) -> None:
    pipeline.run(_config(project))
    pipeline.run(_config(project, parameters={"seed": 8}))
    assert (_runs(project, "runs_a.txt"), _runs(project, "runs_b.txt")) == (2, 1)
    pipeline.run(_config(project, parameters={"seed": 8}, force=True))
    assert (_runs(project, "runs_a.txt"), _runs(project, "runs_b.txt")) == (3, 2)


def test_failing_notebook_is_reported_and_others_kept(project: Path, notebook_writer) -> None:
    pipeline.run(_config(project))
    notebook_writer(project / "notebooks" / "02_b.ipynb",
                    [COUNTING, "raise ValueError('bad <value> in cell')"], PARAMS_B, title="Report B")
    result = pipeline.run(_config(project))
    assert [n.status for n in result.notebooks] == ["cached", "failed"]
    assert result.failed[0].error == "ValueError: bad <value> in cell"
    reports = project / "reports"
    page = (reports / "02_b.html").read_text(encoding="utf-8")
    assert "This report failed to run" in page
    assert "raise ValueError('bad <value> in cell')" in _text(page)  # the failing cell's code is shown
    assert "bad &lt;value&gt; in cell" in page
    index = (reports / "index.html").read_text(encoding="utf-8")
    assert "FAILED" in index and "1 report failed; open it" in index
    assert (reports / "01_a.html").exists()
    # a failed notebook is never taken from the cache
    pipeline.run(_config(project))
    assert _runs(project, "runs_b.txt") == 3


def test_interrupted_run_leaves_the_previous_report_set(project: Path) -> None:
    pipeline.run(_config(project))
    reports = project / "reports"
    before = {p.relative_to(reports): p.read_bytes() for p in reports.rglob("*") if p.is_file()}

    def interrupt(_result):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        pipeline.run(_config(project, force=True), on_result=interrupt)
    after = {p.relative_to(reports): p.read_bytes() for p in reports.rglob("*") if p.is_file()}
    assert after == before
    assert [p.name for p in project.glob(".reports.*")] == [".reports.lock"]


def test_show_code_keeps_the_code(project: Path) -> None:
    pipeline.run(_config(project, show_code=True))
    assert "df = pd.read_csv(input_path)" in _text((project / "reports" / "01_a.html").read_text(encoding="utf-8"))


def test_no_notebooks_is_a_clear_error(tmp_path: Path) -> None:
    from review_tools.errors import ReviewToolsError

    (tmp_path / "notebooks").mkdir()
    with pytest.raises(ReviewToolsError, match=r"no notebooks named like 01_name\.ipynb"):
        pipeline.run(RunConfig(project_dir=tmp_path, parameters={}))


def test_parallel_notebooks_all_run_in_the_project_folder(tmp_path, notebook_writer) -> None:
    """Regression: papermill's cwd= changes the process's directory, so with notebooks running in
    parallel threads one kernel could start in another folder and miss its relative inputs."""
    for i in range(4):
        notebook_writer(tmp_path / "notebooks" / f"0{i}_cwd.ipynb",
                        ["import os, time\ntime.sleep(0.3)\nprint('CWD=' + os.getcwd())"])
    before = Path.cwd()
    result = pipeline.run(RunConfig(project_dir=tmp_path, parameters={}, jobs=2))
    assert [n.status for n in result.notebooks] == ["ok"] * 4
    for i in range(4):
        nb = json.loads((tmp_path / "reports" / "notebooks" / f"0{i}_cwd.ipynb").read_text(encoding="utf-8"))
        printed = ["".join(o["text"]) for c in nb["cells"] for o in c.get("outputs", []) if o.get("name") == "stdout"]
        assert printed == ["CWD=.\n"]  # the project folder, written relative to the project in the report
    assert Path.cwd() == before


def test_timeout_stops_a_hanging_notebook_and_keeps_the_others(tmp_path, notebook_writer) -> None:
    notebook_writer(tmp_path / "notebooks" / "01_quick.ipynb", ["print('done')"])
    notebook_writer(tmp_path / "notebooks" / "02_hangs.ipynb", ["print('started')", "import time\ntime.sleep(600)"])
    t0 = time.monotonic()
    result = pipeline.run(RunConfig(project_dir=tmp_path, parameters={}, timeout=3))
    assert time.monotonic() - t0 < 120  # instead of 600 s
    quick, hangs = result.notebooks
    assert quick.status == "ok" and hangs.status == "failed"
    assert hangs.error == "stopped after 3 s, the run's --timeout for each notebook"
    assert "started" in (tmp_path / "reports" / "02_hangs.html").read_text(encoding="utf-8")


def test_a_kernel_that_dies_at_start_is_started_once_more(tmp_path, notebook_writer, monkeypatch) -> None:
    """A kernel whose port another process took ("Address already in use", papermill issue 511) died before
    its first reply and failed the report; it is now started again with fresh ports, once."""
    import papermill

    notebook_writer(tmp_path / "notebooks" / "01_quick.ipynb", ["print('done')"])
    real, calls = papermill.execute_notebook, []

    def dies_first(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("Kernel died before replying to kernel_info")
        return real(*args, **kwargs)

    monkeypatch.setattr(papermill, "execute_notebook", dies_first)
    assert pipeline.run(RunConfig(project_dir=tmp_path, parameters={})).notebooks[0].status == "ok"
    assert len(calls) == 2

    def always_dies(*args, **kwargs):
        calls.append(1)
        raise RuntimeError("Kernel died before replying to kernel_info")

    monkeypatch.setattr(papermill, "execute_notebook", always_dies)
    calls.clear()
    res = pipeline.run(RunConfig(project_dir=tmp_path, parameters={}, force=True)).notebooks[0]
    assert res.status == "failed" and "Kernel died before replying" in res.error and len(calls) == 2


def test_full_disk_is_one_clear_error_and_keeps_the_previous_set(project: Path, monkeypatch) -> None:
    """Before: papermill left a cut-off notebook and the run ended in nbformat's NotJSONError."""
    import errno

    import papermill

    pipeline.run(_config(project))
    reports = project / "reports"
    before = {p.relative_to(reports): p.read_bytes() for p in reports.rglob("*") if p.is_file()}
    real_write_text = Path.write_text

    def disk_full(_input, output, **_kw):
        Path(output).write_text('{"cells": [', encoding="utf-8")
        raise OSError(errno.ENOSPC, "No space left on device", output)

    def html_full(self, text, *a, **kw):
        if self.suffix == ".html":
            raise OSError(errno.ENOSPC, "No space left on device", str(self))
        return real_write_text(self, text, *a, **kw)

    monkeypatch.setattr(papermill, "execute_notebook", disk_full)
    monkeypatch.setattr(Path, "write_text", html_full)
    with pytest.raises(pipeline.ReviewToolsError, match=r"no space left on the disk holding .*previous reports are "
                                                        r"kept"):
        pipeline.run(_config(project, force=True))
    monkeypatch.undo()
    after = {p.relative_to(reports): p.read_bytes() for p in reports.rglob("*") if p.is_file()}
    assert after == before
    assert [p.name for p in project.glob(".reports.*")] == [".reports.lock"]


def test_ctrl_c_stops_a_run_at_once_with_one_line(tmp_path, notebook_writer) -> None:
    """Before: the kernels (in sessions of their own) never got the signal, so the run waited 7-28 s for
    the notebooks to finish and then printed a traceback."""
    import shutil
    import signal

    root = Path(__file__).resolve().parents[1]
    shutil.copytree(root / "review", tmp_path / "review")
    started = tmp_path / "kernel.pid"
    for i in (1, 2):
        notebook_writer(tmp_path / "notebooks" / f"0{i}_slow.ipynb",
                        [f"import os, pathlib, time\npathlib.Path({str(started)!r} + '{i}')"
                         ".write_text(str(os.getpid()))\ntime.sleep(300)"])
    (tmp_path / "reports").mkdir()
    (tmp_path / "reports" / "index.html").write_text("previous set")
    proc = subprocess.Popen([sys.executable, "-m", "review_tools.cli", "run", "--project", str(tmp_path)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while not all(Path(f"{started}{i}").exists() for i in (1, 2)) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert proc.poll() is None, proc.communicate()
    kernels = [int(Path(f"{started}{i}").read_text()) for i in (1, 2)]
    t0 = time.monotonic()
    proc.send_signal(signal.SIGINT)
    _out, err = proc.communicate(timeout=60)
    stopped_in = time.monotonic() - t0
    assert proc.returncode == 130
    assert stopped_in < 10, stopped_in  # the target is 2 s; measured in benchmarks/reliability.py
    assert err.strip().splitlines() == [f"Stopped: the running notebooks were ended and {tmp_path / 'reports'} "
                                        "keeps the previous report set."]
    assert (tmp_path / "reports" / "index.html").read_text() == "previous set"
    assert not list(tmp_path.glob(".reports.staging-*"))
    time.sleep(0.5)
    for pid in kernels:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)


def test_published_notebooks_hold_no_path_of_this_machine(project: Path) -> None:
    """papermill's input/output paths and the figures folder parameter held the absolute staging path."""
    pipeline.run(_config(project))
    for path in (project / "reports" / "notebooks").glob("*.ipynb"):
        text = path.read_text(encoding="utf-8")
        assert str(project) not in text and ".reports.staging" not in text, path.name
    text = (project / "reports" / "notebooks" / "01_a.ipynb").read_text(encoding="utf-8")
    assert "reports/figures/01_a" in text
