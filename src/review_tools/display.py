"""Helpers a report notebook calls to show results: tables, figures, notes and its one-line summary.

Everything that reaches the HTML goes through here or through pandas' escaping ``to_html``, so text from
records or the protocol (a title containing ``<script>``) is shown as text, never run.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from review_tools import i18n
from review_tools.htmlexport import SUMMARY_KEY
from review_tools.i18n import tr


def _show(markup: str, metadata: dict[str, Any] | None = None) -> None:
    from IPython.display import HTML, display

    display(HTML(markup), metadata=metadata or {})


def summary(text: str) -> None:
    """Show a one-line summary; the pipeline also puts it on the index page next to the report."""
    _show(f'<p class="rt-summary"><strong>{html.escape(tr("Summary."))}</strong> {html.escape(text)}</p>',
          {SUMMARY_KEY: text})


def note(text: str, *, kind: str = "info") -> None:
    """A highlighted note (``kind`` 'warning' for example data or caveats)."""
    colour = {"info": "#0b57d0", "warning": "#d4a72c", "error": "#cf222e"}.get(kind, "#0b57d0")
    _show(f'<div style="border-left:4px solid {colour};padding:0.4em 0.8em;margin:0.6em 0">'
          f"{html.escape(text)}</div>")


_EXAMPLE = {"on": False}  # set by example_banner: every figure shown after it carries an 'example' mark


def example_banner(is_example: bool, what: str | None = None) -> None:
    """Say plainly when the protocol or decisions shown are examples, not a real review's record; the
    figures of the report then carry a small 'example' mark too, also in their saved SVG and PNG files."""
    _EXAMPLE["on"] = is_example
    if is_example:
        note(what or tr("This review is an EXAMPLE: the protocol is a reconstruction made to exercise review-tools, "
                        "and any decisions or appraisals shown are examples, not the thesis's own record."),
             kind="warning")


def table(df: Any, *, caption: str | None = None, index: bool = False, max_rows: int = 200,
          anchor: str | None = None) -> None:
    """Show a pandas DataFrame as an escaped HTML table (long tables are cut with a visible note);
    ``anchor`` gives the caption an id that links (``#anchor``) can point to."""
    shown = in_language(readable_numbers(df.head(max_rows)))
    where = f' id="{html.escape(anchor, quote=True)}"' if anchor else ""
    cap = f"<p{where}><strong>{html.escape(caption or '')}</strong></p>" if caption or anchor else ""
    more = (f"<p><em>{html.escape(tr('{n} more rows not shown (see the CSV output).', n=len(df) - max_rows))}"
            "</em></p>" if len(df) > max_rows else "")
    _show(cap + shown.to_html(index=index, escape=True, border=0, na_rep="") + more)


def in_language(df: Any) -> Any:
    """``df`` with its column labels, and the values of columns holding only the tool's own words, in the
    report's language (:mod:`review_tools.i18n`)."""
    if i18n.current() == "en":
        return df
    out = df.copy()
    for i in range(len(out.columns)):
        translated = i18n.values(out.iloc[:, i])
        if translated is not None:
            out.iloc[:, i] = translated
    out.columns = [i18n.label(c) if isinstance(c, str) else c for c in out.columns]
    return out


def readable_numbers(df: Any) -> Any:
    """``df`` with its numbers as a reader of the report's language reads them: thousands grouped
    (78,371,813.28 / 78 371 813,28), at most two decimals from 100 up and four significant digits below;
    years and other numbers under 10,000 in integer columns unchanged."""
    import pandas as pd

    out = df.copy()
    for i, column in enumerate(out.columns):
        values = out.iloc[:, i]
        if pd.api.types.is_bool_dtype(values):
            continue
        if pd.api.types.is_float_dtype(values):
            out[column] = ["" if pd.isna(v) else i18n.number(float(v)) for v in values]
        elif pd.api.types.is_integer_dtype(values) and len(values) and values.abs().max() >= 10_000:
            out[column] = ["" if pd.isna(v) else i18n.number(int(v)) for v in values]
    return out


def definition_list(pairs: list[tuple[str, str]]) -> None:
    """Show label/value pairs (escaped; the caller gives the labels in the report's language)."""
    rows = "".join(f'<tr><th style="text-align:left;padding-right:1.5em">{html.escape(k)}</th>'
                   f'<td style="text-align:left">{html.escape(v)}</td></tr>' for k, v in pairs)
    _show(f'<table class="rt-facts">{rows}</table>')


def _mark(fig: Any) -> None:
    if _EXAMPLE["on"]:
        fig.text(0.995, 0.005, tr("example, not a real review's data"), ha="right", va="bottom", fontsize=7,
                 color="#b35900", alpha=0.9)


def _render(fig: Any, name: str, figures_dir: str | Path | None, *, svg_shown: bool) -> tuple[bytes, bytes]:
    """The figure (marked when the review is an example) as SVG and PNG bytes, also saved as
    ``figures_dir/name.svg`` and ``.png``; the figure is closed.  The SVG is drawn only when it is saved or
    ``svg_shown`` (b'' otherwise)."""
    import io

    import matplotlib.pyplot as plt

    _mark(fig)
    svg, png = io.BytesIO(), io.BytesIO()
    if figures_dir or svg_shown:
        fig.savefig(svg, format="svg", bbox_inches="tight")
    fig.savefig(png, format="png", dpi=110, bbox_inches="tight")
    if figures_dir:
        out = Path(figures_dir)
        out.mkdir(parents=True, exist_ok=True)
        (out / f"{name}.svg").write_bytes(svg.getvalue())
        (out / f"{name}.png").write_bytes(png.getvalue())
    plt.close(fig)
    return svg.getvalue(), png.getvalue()


def linked_figure(fig: Any, name: str, figures_dir: str | Path | None, *, alt: str | None = None) -> None:
    """Show a matplotlib figure as inline SVG markup (an SVG shown as an image cannot follow links), so the
    links its artists carry (``set_url``) work in the report; save it as SVG and PNG under ``figures_dir``
    like :func:`figure`."""
    markup = _render(fig, name, figures_dir, svg_shown=True)[0].decode("utf-8")
    markup = markup[markup.index("<svg"):]  # inline: no XML declaration or doctype inside HTML
    markup = markup.replace(' target="_blank"', "")  # links within the page open in it
    label = html.escape(alt or name.replace("_", " "), quote=True)
    _show(markup.replace("<svg", f'<svg role="img" aria-label="{label}" style="max-width:100%;height:auto"', 1))


def figure(fig: Any, name: str, figures_dir: str | Path | None, *, alt: str | None = None) -> None:
    """Show a matplotlib figure as an embedded PNG and save it as SVG and PNG under ``figures_dir``.

    The PNG is rendered here rather than left to the inline backend, so the report gets the image
    whatever matplotlib backend the kernel runs.
    """
    from IPython.display import Image, display

    png = _render(fig, name, figures_dir, svg_shown=False)[1]
    display(Image(data=png, format="png"), metadata={"alt": alt or name.replace("_", " ")})
