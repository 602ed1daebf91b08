"""Executed notebooks to self-contained HTML, and the index page that links them.

nbconvert does the conversion; our template (``templates/report``) only drops the scripts JupyterLab's
template loads from a CDN, so reports open offline, and adds a navigation bar.  The index page is plain
HTML written here with every piece of text escaped.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import nbformat

from review_tools import i18n
from review_tools.i18n import message, tr, trn

TEMPLATES = Path(__file__).parent / "templates"
SUMMARY_KEY = "review_tools_summary"


def notebook_title(nb: nbformat.NotebookNode, fallback: str) -> str:
    """The first Markdown heading of the notebook, or ``fallback``."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("#"):
                    return line.lstrip("#").strip()
    return fallback


def notebook_summary(nb: nbformat.NotebookNode) -> str | None:
    """The last one-line summary a notebook published with :func:`review_tools.display.summary`."""
    found = None
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            text = out.get("metadata", {}).get(SUMMARY_KEY)
            if text:
                found = str(text)
    return found


def notebook_error(nb: nbformat.NotebookNode) -> str | None:
    """``ename: evalue`` of the first error output, if the notebook failed."""
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                return f"{out.get('ename')}: {out.get('evalue')}"
    return None


# The page's own texts (navigation, the table filter), in the report's language
PAGE_TEXT = {
    "home": message("All reports"),
    "failed": message("This report failed to run: the failing cell and its error are shown below."),
    "filter": message("Filter {n} rows"),
    "filter_label": message("Filter the rows of the table below"),
    "sort": message("Sort by this column"),
    "figure": message("Figure"),
}


def to_html(nb: nbformat.NotebookNode, *, show_code: bool, failed: bool, subtitle: str,
            home: str = "index.html") -> str:
    """Render one executed notebook as a self-contained HTML page in the current report language
    (:mod:`review_tools.i18n`); ``home`` is the index page's address from where the page is published."""
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(
        language_code=i18n.current(),
        template_name="report",
        extra_template_basedirs=[str(TEMPLATES)],
        exclude_input=not (show_code or failed),
        exclude_input_prompt=not (show_code or failed),
        exclude_output_prompt=True,
        embed_images=True,
    )
    body, _ = exporter.from_notebook_node(
        nb, resources={"rt_subtitle": subtitle, "rt_failed": failed, "rt_home": home, "metadata": {"name": subtitle},
                       "rt_text": {key: tr(text) for key, text in PAGE_TEXT.items()}}
    )
    return body


@dataclass(frozen=True)
class IndexEntry:
    name: str
    title: str
    html: str
    status: str
    summary: str | None
    error: str | None
    duration_s: float | None


_STATUS_LABEL = {"ok": message("ran"), "cached": message("up to date"), "failed": message("FAILED")}


def index_page(
    entries: Sequence[IndexEntry], *, title: str, notes: Sequence[str], facts: Sequence[tuple[str, str]]
) -> str:
    """The ``reports/index.html`` page, in the current report language: one row per report with its status
    and summary."""
    e = html.escape
    rows = []
    for i, ent in enumerate(entries, 1):
        line = ent.summary or ""
        if ent.error:
            line = f"{line} {tr('Error:')} {ent.error}".strip()
        dur = f"{i18n.number(ent.duration_s, 1)} s" if ent.duration_s is not None else ""
        rows.append(
            f'<tr class="{e(ent.status)}"><td>{i}</td><td><a href="{e(ent.html)}">{e(ent.title)}</a>'
            f' <small>(<a href="notebooks/{e(ent.html)}">{e(tr("with code"))}</a>)</small></td>'
            f"<td>{e(tr(_STATUS_LABEL[ent.status]) if ent.status in _STATUS_LABEL else ent.status)}</td>"
            f"<td>{e(line)}</td><td>{e(dur)}</td></tr>"
        )
    note_html = "".join(f'<p class="note">{e(n)}</p>' for n in notes)
    fact_html = "".join(f"<dt>{e(k)}</dt><dd>{e(v)}</dd>" for k, v in facts)
    failed = sum(ent.status == "failed" for ent in entries)
    failed_text = trn("{n} report failed; open it to see the failing cell.",
                      "{n} reports failed; open them to see the failing cell.", failed)
    status = (
        f'<p class="bad">{e(failed_text)}</p>'
        if failed else f'<p class="good">{e(tr("Every report ran without error."))}</p>'
    )
    provenance = e(tr("Every input file's sha256, the parameters and package versions are in {manifest}; the executed "
                      "notebooks are in {folder}, each also as a page with its code.")).format(
        manifest='<a href="manifest.json">manifest.json</a>', folder='<a href="notebooks/">notebooks/</a>')
    return f"""<!DOCTYPE html>
<html lang="{i18n.current()}"><head>
<meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(title)}</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 1100px; margin: 2em auto; padding: 0 1em; color: #1f2328; }}
table {{ border-collapse: collapse; width: 100%; }}
th, td {{ text-align: left; padding: 0.45em 0.6em; border-bottom: 1px solid #d0d7de; vertical-align: top; }}
th {{ background: #f3f5f8; }}
tr.failed td {{ background: #ffebe9; }}
.note {{ border-left: 4px solid #d4a72c; background: #fff8e1; padding: 0.5em 0.8em; }}
.bad {{ color: #cf222e; font-weight: 600; }} .good {{ color: #1a7f37; }}
dl {{ display: grid; grid-template-columns: max-content 1fr; gap: 0.2em 1em; font-size: 14px; }}
dt {{ font-weight: 600; }} dd {{ margin: 0; font-family: ui-monospace, monospace; }}
</style></head>
<body>
<h1>{e(title)}</h1>
{note_html}
{status}
<table>
<thead><tr><th>#</th><th>{e(tr("Report"))}</th><th>{e(tr("Status"))}</th><th>{e(tr("Summary"))}</th>
<th>{e(tr("Run time"))}</th></tr></thead>
<tbody>
{"".join(rows)}
</tbody></table>
<h2>{e(tr("Provenance"))}</h2>
<dl>{fact_html}</dl>
<p>{provenance}</p>
</body></html>
"""
