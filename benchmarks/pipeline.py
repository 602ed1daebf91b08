"""Pipeline benchmark: the sample review's full cold run against the floor measured in the same run
(an empty notebook through papermill + nbconvert, times the number of notebooks), and the no-change rerun.

Targets (issue 2): full run <= 1.3 x floor; no-change rerun <= 2 s.  The floor counts no imports and no
work, so the time the notebooks' own cells take (summed from papermill's cell timings) is printed too:
the part of the run that is neither kernel start-up nor the notebooks' own work is the pipeline's cost.
"""

from __future__ import annotations

import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import papermill
from nbformat.v4 import new_code_cell, new_notebook

from benchmarks._table import print_table
from review_tools import htmlexport, pipeline

ROOT = Path(__file__).resolve().parents[1]


def floor_one(tmp: Path) -> float:
    """Seconds to push one empty notebook through papermill and nbconvert."""
    src = tmp / "empty.ipynb"
    nb = new_notebook(cells=[new_code_cell("")])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, src)
    t0 = time.perf_counter()
    papermill.execute_notebook(str(src), str(tmp / "out.ipynb"), kernel_name="python3", progress_bar=False,
                               extra_arguments=["--log-level=ERROR"])
    htmlexport.to_html(nbformat.read(tmp / "out.ipynb", as_version=4), show_code=False, failed=False,
                       subtitle="empty")
    return time.perf_counter() - t0


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="rt-bench-"))
    try:
        n = len(pipeline.discover_notebooks(ROOT / "notebooks"))
        floor_one(tmp)  # warm the file cache once, as a user's second run would be
        floor = statistics.median(floor_one(tmp) for _ in range(3)) * n
        reports = tmp / "reports"
        cmd = [sys.executable, "-m", "review_tools.cli", "run", "--project", str(ROOT),
               "--reports-dir", str(reports)]
        t0 = time.perf_counter()
        subprocess.run([*cmd, "--force"], check=True, capture_output=True)
        full = time.perf_counter() - t0
        cell_time = sum(
            c.get("metadata", {}).get("papermill", {}).get("duration") or 0.0
            for nb in (reports / "notebooks").glob("*.ipynb")
            for c in json.loads(nb.read_text(encoding="utf-8"))["cells"]
        )
        reruns = []
        for _ in range(3):
            t0 = time.perf_counter()
            subprocess.run(cmd, check=True, capture_output=True)
            reruns.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        python = time.perf_counter() - t0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    rerun = statistics.median(reruns)
    print_table(
        ["measure", "seconds", "ratio", "target", "met"],
        [
            [f"floor: empty notebook x {n}", f"{floor:.2f}", "1.00", "", ""],
            [f"full cold run ({n} notebooks)", f"{full:.2f}", f"{full / floor:.2f}", "<= 1.30 x floor",
             "yes" if full <= 1.3 * floor else "NO"],
            ["  of which the notebooks' own cells (CPU work, summed)", f"{cell_time:.2f}", "", "", ""],
            ["no-change rerun (median of 3)", f"{rerun:.2f}", "", "<= 2 s", "yes" if rerun <= 2 else "NO"],
            ["python -c pass", f"{python:.2f}", "", "", ""],
        ],
    )


if __name__ == "__main__":
    main()
