"""Run the report notebooks with papermill and publish them as one consistent HTML report set.

* Each notebook in ``notebooks/NN_name.ipynb`` gets the parameters its ``parameters`` cell declares.
* A notebook whose inputs did not change (its own bytes, its parameters, the sha256 of every input file
  its path parameters name, review-tools' version and source) is not executed again.
* Notebooks run ``jobs`` at a time (each in its own kernel process); results are taken in run order.
* The new report set is built in a staging folder next to ``reports/`` and swapped in at the end
  (:mod:`review_tools.publish`), so an interrupted run never leaves half a report set or none; a failing
  notebook still gets its HTML (showing the failing cell), the others are kept, and the run reports failure.
* ``timeout`` bounds each notebook's run time; a stopped run (Ctrl-C, SIGTERM) kills the running kernels
  (:mod:`review_tools.kernels`) and removes its staging folder at once.
"""

from __future__ import annotations

import ast
import datetime as dt
import errno
import json
import shutil
import sys
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from review_tools import provenance, publish
from review_tools.atomic import atomic_write
from review_tools.errors import ReviewToolsError

MANIFEST = "manifest.json"
OUTPUT_PARAMETERS = ("figures_dir",)
KERNEL = "python3"


@dataclass(frozen=True)
class RunConfig:
    """What to run and where.  Paths are relative to ``project_dir`` unless absolute."""

    project_dir: Path
    parameters: Mapping[str, Any]
    notebooks_dir: Path = Path("notebooks")
    reports_dir: Path = Path("reports")
    show_code: bool = False
    force: bool = False
    jobs: int = 2
    timeout: float | None = None  # seconds per notebook
    title: str = "Review reports"
    notes: tuple[str, ...] = ()
    skip: tuple[str, ...] = ()  # notebooks not to run (by name without .ipynb)

    def resolve(self, p: Path) -> Path:
        return p if p.is_absolute() else self.project_dir / p

    @property
    def language(self) -> str:
        """The reports' language (the ``language`` parameter; English when none is given)."""
        return str(self.parameters.get("language") or "en")


@dataclass
class NotebookResult:
    name: str
    status: str  # ok | cached | failed
    title: str
    summary: str | None = None
    error: str | None = None
    started: str | None = None
    finished: str | None = None
    duration_s: float | None = None
    cache_key: str = ""
    parameters: dict[str, Any] = field(default_factory=dict)
    inputs: list[str] = field(default_factory=list)

    @property
    def html(self) -> str:
        return f"{self.name}.html"


@dataclass
class RunResult:
    notebooks: list[NotebookResult]
    reports_dir: Path
    written: bool

    @property
    def failed(self) -> list[NotebookResult]:
        return [n for n in self.notebooks if n.status == "failed"]


def discover_notebooks(directory: Path) -> list[Path]:
    """The report notebooks, in run order (their names start with a number: ``01_protocol.ipynb``)."""
    found = sorted(p for p in directory.glob("*.ipynb") if p.name[:1].isdigit())
    if not found:
        raise ReviewToolsError(f"{directory}: no notebooks named like 01_name.ipynb")
    return found


def declared_parameters(notebook: Path) -> dict[str, Any]:
    """Names and default values assigned in the cell tagged ``parameters``.

    Read with :mod:`ast` instead of papermill's inspector so that deciding whether anything needs to run
    does not import papermill and Jupyter (a no-change rerun must start fast).
    """
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    for cell in nb.get("cells", []):
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            out: dict[str, Any] = {}
            for node in ast.parse(source).body:
                if isinstance(node, ast.Assign | ast.AnnAssign):
                    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                    for t in targets:
                        if isinstance(t, ast.Name):
                            try:
                                out[t.id] = ast.literal_eval(node.value) if node.value else None
                            except ValueError:
                                out[t.id] = None
            return out
    return {}


def _is_input(name: str) -> bool:
    return name.endswith(("_path", "_dir")) and name not in OUTPUT_PARAMETERS


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _read_manifest(reports: Path) -> dict[str, Any]:
    try:
        return json.loads((reports / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _write_text_atomic(path: Path, text: str) -> None:
    with atomic_write(path, newline=None) as fh:
        fh.write(text)


def _report_progress(stream: Any, i: int, total: int, res: NotebookResult) -> None:
    """One line per notebook as its result is taken, in run order."""
    if res.status == "cached":
        what = "up to date"
    else:
        what = ("ok" if res.status == "ok" else f"FAILED ({res.error})") + f" {res.duration_s:.1f} s"
    print(f"[{i}/{total}] {res.name} ... {what}", file=stream, flush=True)


def _plan(config: RunConfig, notebook: Path, code_digest: str) -> tuple[dict[str, Any], dict[str, str], str]:
    """Parameters for one notebook, the hashes of its input files, and its cache key."""
    declared = declared_parameters(notebook)
    params = {k: v for k, v in config.parameters.items() if k in declared}
    inputs = [config.resolve(Path(v)) for k, v in params.items() if _is_input(k) and isinstance(v, str)]
    hashes = provenance.hash_inputs(inputs, config.project_dir)
    key = provenance.digest({
        "notebook": provenance.sha256_file(notebook),
        "parameters": params,
        "inputs": hashes,
        "code": code_digest,
        "show_code": config.show_code,
    })
    return params, hashes, key


def _carry(src: Path, dst: Path) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    if src.is_dir():
        shutil.copytree(src, dst, dirs_exist_ok=True)
    elif src.exists():
        shutil.copy2(src, dst)


def _execute(config: RunConfig, notebook: Path, params: dict[str, Any], stage: Path) -> NotebookResult:
    import nbformat
    import papermill
    from nbclient.exceptions import CellTimeoutError
    from papermill.exceptions import PapermillExecutionError

    from review_tools import htmlexport, i18n, kernels

    name = notebook.stem
    out_nb = stage / "notebooks" / f"{name}.ipynb"
    figures = stage / "figures" / name
    declared = declared_parameters(notebook)
    run_params = dict(params)
    if "figures_dir" in declared:
        figures.mkdir(parents=True, exist_ok=True)
        run_params["figures_dir"] = str(figures)
    started, t0 = _now(), time.perf_counter()
    deadline = None if config.timeout is None else time.monotonic() + config.timeout
    error = None
    for attempt in (1, 2):
        try:
            # The kernel starts in the project folder through nbclient's resources, not papermill's cwd=,
            # which changes the whole process's directory and races when notebooks run in parallel threads.
            papermill.execute_notebook(
                str(notebook), str(out_nb), parameters=run_params, kernel_name=KERNEL,
                progress_bar=False, log_output=False, extra_arguments=["--log-level=ERROR"],
                resources={"metadata": {"path": str(config.project_dir)}},
                kernel_manager_class=kernels.TrackedKernelManager, shutdown_kernel="immediate",
                timeout_func=None if deadline is None else lambda _cell: max(1, int(deadline - time.monotonic())),
            )
        except PapermillExecutionError as exc:
            error = f"{exc.ename}: {exc.evalue}"
        except CellTimeoutError:
            error = f"stopped after {config.timeout:g} s, the run's --timeout for each notebook"
        except Exception as exc:  # a kernel that died or could not start, a full disk: still report it
            if attempt == 1 and _kernel_did_not_start(exc) and not kernels.stopping():
                continue
            error = f"{type(exc).__name__}: {exc}"
        break
    if kernels.stopping():
        return NotebookResult(name=name, status="failed", title=name, error="run stopped")
    duration = time.perf_counter() - t0
    language = config.language
    nb = i18n.translate_notebook(_without_machine_paths(_read_executed(out_nb, notebook), config, stage), language)
    if out_nb.exists():
        nbformat.write(nb, out_nb)
    failed = error is not None
    title = htmlexport.notebook_title(nb, name)
    with i18n.using(language):
        page = htmlexport.to_html(nb, show_code=config.show_code, failed=failed, subtitle=title)
        # the executed notebook also as a page with its code, for a reader without Jupyter
        code_page = htmlexport.to_html(nb, show_code=True, failed=failed, home="../index.html",
                                       subtitle=i18n.tr("{title} (notebook with code)", title=title))
    (stage / f"{name}.html").write_text(page, encoding="utf-8")
    (stage / "notebooks" / f"{name}.html").write_text(code_page, encoding="utf-8")
    return NotebookResult(
        name=name, status="failed" if failed else "ok", title=title,
        summary=htmlexport.notebook_summary(nb), error=error or (htmlexport.notebook_error(nb) if failed else None),
        started=started, finished=_now(), duration_s=round(duration, 3),
    )


def _kernel_did_not_start(exc: Exception) -> bool:
    """True when the kernel died before its first reply, before any cell ran: most often because another
    process took one of the ports jupyter_client chose between choosing and binding them (papermill issue
    511: "Address already in use"), which a second start with fresh ports gets past."""
    return isinstance(exc, RuntimeError) and "before replying to kernel_info" in str(exc)


def _read_executed(out_nb: Path, notebook: Path) -> Any:
    """The executed notebook, or the source notebook when the executed one was not written whole (a
    kernel that never started, a full disk)."""
    import nbformat

    try:
        return nbformat.read(out_nb, as_version=4)
    except (OSError, ValueError):
        return nbformat.read(notebook, as_version=4)


def _without_machine_paths(nb: Any, config: RunConfig, stage: Path) -> Any:
    """The notebook with this machine's folders written relative to the project (papermill's input and
    output paths, the figures folder given as a parameter): the reports travel to examiners, and the staging
    folder's name is wrong once the set is swapped in."""
    import nbformat

    reports = config.resolve(config.reports_dir)
    try:
        published = reports.relative_to(config.project_dir).as_posix()
    except ValueError:
        published = reports.name
    text = nbformat.writes(nb)
    for folder, shown in ((stage, published), (config.project_dir, ".")):
        text = text.replace(json.dumps(str(folder))[1:-1], json.dumps(shown)[1:-1])
    return nbformat.reads(text, as_version=4)


def run(config: RunConfig, *, stream: Any = None,
        on_result: Callable[[NotebookResult], None] | None = None) -> RunResult:
    """Run every notebook that needs it and publish the report set; see the module docstring."""
    reports = config.resolve(config.reports_dir)
    notebooks = [nb for nb in discover_notebooks(config.resolve(config.notebooks_dir)) if nb.stem not in config.skip]
    if not notebooks:
        raise ReviewToolsError(f"every notebook is skipped ({', '.join(config.skip)}); nothing to run")
    with publish.publishing(reports):
        try:
            return _run(config, notebooks, reports, stream or sys.stderr, on_result)
        except OSError as exc:
            if exc.errno != errno.ENOSPC:
                raise
            raise ReviewToolsError(f"no space left on the disk holding {reports.parent} "
                                   f"({exc.filename or 'while writing the reports'}); the previous reports "
                                   "are kept: free some space and run again") from None


def _run(config: RunConfig, notebooks: list[Path], reports: Path, stream: Any,
         on_result: Callable[[NotebookResult], None] | None) -> RunResult:
    old = _read_manifest(reports)
    old_by_name = {n["name"]: n for n in old.get("notebooks", [])}
    code = provenance.source_digest() + provenance.package_versions(["review-tools"])["review-tools"]

    plans = []
    for nb in notebooks:
        params, hashes, key = _plan(config, nb, code)
        prev = old_by_name.get(nb.stem)
        fresh = (
            not config.force and prev is not None and prev.get("cache_key") == key
            and prev.get("status") in ("ok", "cached") and (reports / f"{nb.stem}.html").exists()
        )
        plans.append((nb, params, hashes, key, prev if fresh else None))

    names = {nb.stem for nb in notebooks}
    if all(p[4] is not None for p in plans) and set(old_by_name) == names:
        results = [NotebookResult(**{**_result_fields(p[4]), "status": "cached"}) for p in plans]
        print(f"Reports in {reports} are up to date ({len(results)} notebooks); nothing to run.", file=stream)
        return RunResult(results, reports, written=False)

    from review_tools import kernels

    kernels.reset()
    results: list[NotebookResult] = []
    all_inputs: dict[str, str] = {}
    started, t0 = _now(), time.perf_counter()
    with publish.staging(reports) as stage:
        (stage / "notebooks").mkdir()
        pool = ThreadPoolExecutor(max_workers=max(1, config.jobs))
        try:
            # Longest first (by the last run's duration): with two workers the long notebook no longer
            # starts last and holds up the end of the run.  Results are still taken, and reported, in
            # run order.
            to_run = [(nb, params) for nb, params, _, _, prev in plans if prev is None]
            to_run.sort(key=lambda item: -(old_by_name.get(item[0].stem, {}).get("duration_s") or 0.0))
            futures = {nb.stem: pool.submit(_execute, config, nb, params, stage) for nb, params in to_run}
            for i, (nb, params, hashes, key, prev) in enumerate(plans, 1):
                if prev is not None:
                    res = NotebookResult(**{**_result_fields(prev), "status": "cached"})
                    for rel in (f"{nb.stem}.html", f"notebooks/{nb.stem}.ipynb", f"notebooks/{nb.stem}.html",
                                f"figures/{nb.stem}"):
                        _carry(reports / rel, stage / rel)
                else:
                    res = futures[nb.stem].result()
                _report_progress(stream, i, len(plans), res)
                res.cache_key, res.parameters, res.inputs = key, params, sorted(hashes)
                all_inputs.update(hashes)
                results.append(res)
                if on_result:
                    on_result(res)
            _write_index_and_manifest(config, stage, results, all_inputs, started, time.perf_counter() - t0)
            publish.swap_in(stage, reports)
        except BaseException:
            kernels.kill_all()
            pool.shutdown(wait=True, cancel_futures=True)
            raise
        pool.shutdown()
    return RunResult(results, reports, written=True)


def _result_fields(prev: Mapping[str, Any]) -> dict[str, Any]:
    keep = NotebookResult.__dataclass_fields__
    return {k: v for k, v in prev.items() if k in keep}


def _write_index_and_manifest(config: RunConfig, stage: Path, results: list[NotebookResult],
                              inputs: dict[str, str], started: str, seconds: float) -> None:
    from review_tools import htmlexport, i18n

    git = provenance.git_state(config.project_dir)
    manifest = {
        "title": config.title,
        "started": started,
        "finished": _now(),
        "duration_s": round(seconds, 3),
        "git": git,
        "packages": provenance.package_versions(),
        "parameters": dict(config.parameters),
        "show_code": config.show_code,
        "inputs": dict(sorted(inputs.items())),
        "notebooks": [{**r.__dict__, "html": r.html, "notebook": f"notebooks/{r.name}.ipynb"} for r in results],
    }
    _write_text_atomic(stage / MANIFEST, json.dumps(manifest, indent=2, default=str) + "\n")
    entries = [
        htmlexport.IndexEntry(r.name, r.title, r.html, r.status, r.summary, r.error, r.duration_s)
        for r in results
    ]
    with i18n.using(config.language):
        commit = git["commit"][:12] if git["commit"] else i18n.tr("not a git checkout")
        facts = [
            (i18n.tr("Generated"), manifest["finished"]),
            (i18n.tr("Git commit"), commit + (i18n.tr(" (with uncommitted changes)") if git["dirty"] else "")),
            ("review-tools", manifest["packages"]["review-tools"]),
            ("Python", manifest["packages"]["python"]),
            *((k, str(v)) for k, v in config.parameters.items()),
        ]
        page = htmlexport.index_page(entries, title=config.title, notes=config.notes, facts=facts)
    _write_text_atomic(stage / "index.html", page)
