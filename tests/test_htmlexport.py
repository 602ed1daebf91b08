"""HTML reports as a reader sees them: opened in headless Chromium, no console messages, figures loaded,
text from the protocol or records escaped."""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from browser import open_in_chromium, print_to_pdf, wider_than_a_printed_page
from review_tools import htmlexport, i18n
from review_tools.cli import main

ROOT = Path(__file__).resolve().parents[1]


def test_browser_check_detects_console_output_and_broken_images(chromium, tmp_path) -> None:
    """The checker itself can fail: a page that logs and has a broken image is caught."""
    bad = tmp_path / "bad.html"
    bad.write_text('<html><body><img src="missing.png"><script>console.error("oops")</script></body></html>')
    _, console, images, broken = open_in_chromium(chromium, bad, tmp_path)
    assert any("oops" in c for c in console)
    assert (images, broken) == (1, 1)


@pytest.fixture(scope="module")
def hostile_review(tmp_path_factory) -> Path:
    """A scaffolded review whose protocol carries HTML in its text, run through the real notebooks."""
    project = tmp_path_factory.mktemp("hostile")
    assert main(["init", str(project), "--from", str(ROOT), "--with-segmentation"]) == 0
    protocol = project / "review" / "protocol.yaml"
    text = protocol.read_text(encoding="utf-8")
    text = text.replace("title: My review title",
                        "title: \"Segments <script>console.error('xss')</script> & CRM\"")
    text = text.replace("text: What is my review question?",
                        "text: \"Is <img src=x onerror=console.error('img')> escaped?\"")
    protocol.write_text(text, encoding="utf-8")
    assert main(["run", "--project", str(project)]) == 0
    return project / "reports"


def test_reports_open_without_console_messages_and_escape_text(chromium, hostile_review, tmp_path) -> None:
    pages = sorted(hostile_review.glob("*.html"))
    assert {p.name for p in pages} >= {"index.html", "01_protocol.html", "10_segmentation.html"}
    images = {}
    for page in pages:
        dom, console, images[page.name], broken = open_in_chromium(chromium, page, tmp_path)
        assert console == [], f"{page.name}: {console}"
        assert broken == 0, page.name
    # RFM heatmap, Pareto curve, portfolio, silhouette by k, migration; CLV per care model
    assert images["10_segmentation.html"] == 5 and images["11_customer_value.html"] == 3  # hold-out, tracking, CLV
    dom, *_ = open_in_chromium(chromium, hostile_review / "index.html", tmp_path)
    assert "Segments &lt;script&gt;console.error('xss')&lt;/script&gt; &amp; CRM" in dom
    dom, *_ = open_in_chromium(chromium, hostile_review / "01_protocol.html", tmp_path)
    assert "Is &lt;img src=x onerror=console.error('img')&gt; escaped?" in dom


def test_report_figures_load_in_the_browser(chromium, tmp_path, notebook_writer) -> None:
    from review_tools import pipeline

    notebook_writer(tmp_path / "notebooks" / "01_fig.ipynb", [
        "import matplotlib\nmatplotlib.use('Agg')\nimport matplotlib.pyplot as plt\nfrom review_tools import display",
        "fig, ax = plt.subplots()\nax.plot([1, 2, 3])\ndisplay.figure(fig, 'line', figures_dir)",
    ], 'figures_dir = ""')
    pipeline.run(pipeline.RunConfig(project_dir=tmp_path, parameters={}))
    _, console, images, broken = open_in_chromium(chromium, tmp_path / "reports" / "01_fig.html", tmp_path)
    assert console == [] and images == 1 and broken == 0


def test_index_page_escapes_everything() -> None:
    entry = htmlexport.IndexEntry("01_x", "<b>T</b>", "01_x.html", "failed", "s<i>", "E: <bad>", 1.0)
    page = htmlexport.index_page([entry], title="<script>x</script>", notes=["n<1>"], facts=[("k<", "v>")])
    for raw in ("<b>T</b>", "s<i>", "<bad>", "<script>x", "n<1>", "k<", "v>"):
        assert raw not in page
    assert "&lt;script&gt;x&lt;/script&gt;" in page and "1 report failed; open it" in page


def test_index_page_says_how_many_reports_failed_in_the_right_number() -> None:
    def page(failed: int) -> str:
        entries = [htmlexport.IndexEntry(f"0{i}_x", "T", f"0{i}_x.html", "failed", "", "", 1.0)
                   for i in range(failed)]
        return htmlexport.index_page(entries, title="t", notes=[], facts=[])

    assert "2 reports failed; open them" in page(2) and "1 report failed; open it" in page(1)
    with i18n.using("fi"):
        assert "1 raportti epäonnistui; avaa se" in page(1) and "3 raporttia epäonnistui" in page(3)


def test_sample_review_sections_show_their_figures_and_escape_record_text(chromium, tmp_path) -> None:
    """Reports 04-06 on the sample review (with a hostile finding in its extraction file) in the browser."""
    shutil.copytree(ROOT / "review", tmp_path / "review")
    (tmp_path / "notebooks").mkdir()
    for name in ("04_prisma", "05_appraisal", "06_synthesis"):
        shutil.copy(ROOT / "notebooks" / f"{name}.ipynb", tmp_path / "notebooks")
    form = tmp_path / "review" / "extraction" / "extraction.csv"
    form.write_text(form.read_text(encoding="utf-8").replace(
        "Example extraction (illustrative): customers", "<script>console.error('finding')</script> customers"),
        encoding="utf-8")
    assert main(["run", "--project", str(tmp_path)]) == 0
    reports = tmp_path / "reports"
    expected = {"04_prisma.html": 0, "05_appraisal.html": 2, "06_synthesis.html": 3}  # flow inline SVG; traffic
    for page, n in expected.items():                                                  # light + bar; 2 themes + years
        dom, console, images, broken = open_in_chromium(chromium, reports / page, tmp_path)
        assert (console, images, broken) == ([], n, 0), page
    dom, *_ = open_in_chromium(chromium, reports / "04_prisma.html", tmp_path)
    targets = set(re.findall(r'<a (?:xlink:)?href="#(box-[a-z_]+)"', dom))
    assert {"box-database_results", "box-dbr_excluded", "box-new_studies"} <= targets
    for target in targets:  # every box's link lands on its list, whose caption counts its rows
        m = re.search(rf'id="{target}"><strong>[^<]*\(n = (\d+)\)</strong></p>\s*<table[^>]*>(.*?)</table>', dom,
                      re.DOTALL)
        assert m, target
        assert int(m.group(1)) == m.group(2).count("<tr") - 1, target
    assert "E4: Full text not available to the reviewer." in dom  # a reason by its name, not only its code
    for page in expected:  # printed on A4, no table, figure or code block is cut at the right edge
        assert wider_than_a_printed_page(chromium, reports / page, tmp_path) == [], page
        pdf = print_to_pdf(chromium, reports / page, tmp_path)
        assert pdf.startswith(b"%PDF") and len(re.findall(rb"/Type\s*/Page\b", pdf)) >= 1, page
    dom, *_ = open_in_chromium(chromium, reports / "06_synthesis.html", tmp_path)
    assert "&lt;script&gt;console.error('finding')&lt;/script&gt; customers" in dom
    dom, *_ = open_in_chromium(chromium, reports / "05_appraisal.html", tmp_path)
    assert "meets threshold" in dom and "Conflicts to resolve" in dom
    assert {p.name for p in (reports / "figures" / "04_prisma").iterdir()} == {"prisma_flow.png", "prisma_flow.svg"}


def test_long_tables_can_be_filtered_and_sorted_offline(chromium, tmp_path, notebook_writer) -> None:
    from review_tools import pipeline

    notebook_writer(tmp_path / "notebooks" / "01_long.ipynb", [
        "import pandas as pd\nfrom review_tools import display",
        "display.table(pd.DataFrame({'title': [f'record {i}' for i in range(30)], 'year': range(1990, 2020)}))",
        "display.table(pd.DataFrame({'short': [1, 2]}))",
    ])
    pipeline.run(pipeline.RunConfig(project_dir=tmp_path, parameters={}))
    dom, console, _, _ = open_in_chromium(chromium, tmp_path / "reports" / "01_long.html", tmp_path)
    assert console == []
    assert dom.count('class="rt-filter"') == 1 and 'placeholder="Filter 30 rows"' in dom  # the short one stays plain
    assert len(re.findall(r'<th[^>]*class="rt-sortable"', dom)) == 2  # the long table's two columns
