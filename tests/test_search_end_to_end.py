"""A new review searches two APIs (a fake server on 127.0.0.1) and its reports show the log, the counts and
the PRISMA boxes, read in Chromium."""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

sys.path[:0] = [str(Path(__file__).parent), str(Path(__file__).parent / "connectors")]
from fakeapi import FakeApi, FakeServer  # noqa: E402

from browser import open_in_chromium  # noqa: E402
from review_tools.cli import main  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
STRING = '(segment* OR "customer portfolio") AND (CRM OR "customer relationship management") AND pharma*'


def test_init_search_and_run_show_the_live_searches_in_reports(tmp_path, monkeypatch, capsys, chromium) -> None:
    project = tmp_path / "new-review"
    assert main(["init", str(project), "--from", str(ROOT)]) == 0
    protocol_path = project / "review" / "protocol.yaml"
    doc = yaml.safe_load(protocol_path.read_text(encoding="utf-8"))
    doc["databases"] = [
        {"name": "OpenAlex", "platform": "OpenAlex API", "date_searched": "2026-11-30", "search_string": STRING,
         "syntax": "generic", "connector": "openalex", "export_dir": "searches/openalex"},
        {"name": "Europe PMC", "platform": "Europe PMC REST", "date_searched": "2026-11-30", "search_string": STRING,
         "syntax": "generic", "connector": "europepmc", "export_dir": "searches/europepmc"},
    ]
    protocol_path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    with FakeServer(FakeApi(120)) as server:
        monkeypatch.setenv("REVIEW_TOOLS_CONFIG", str(tmp_path / "no-config.toml"))
        monkeypatch.setenv("REVIEW_TOOLS_OPENALEX_URL", server.url)
        monkeypatch.setenv("REVIEW_TOOLS_EUROPEPMC_URL", server.url)
        monkeypatch.setenv("OPENALEX_API_KEY", "E2E-SECRET-KEY")
        assert main(["search", "--project", str(project), "--dry-run"]) == 0
        dry = capsys.readouterr().out
        assert "OpenAlex (OpenAlex" in dry and "(segment OR" in dry and "warning: OpenAlex has no truncation" in dry
        assert "TITLE:" in dry and dry.count("120 records reported") == 2
        assert not (project / "review" / "searches" / "openalex").exists()
        assert main(["search", "--project", str(project)]) == 0
        out = capsys.readouterr().out
        assert out.count("120 reported, 120 fetched, 120 saved") == 2
    assert main(["run", "--project", str(project)]) == 0
    reports = project / "reports"
    for page in ("01_protocol.html", "02_searches.html", "04_prisma.html"):
        text = (reports / page).read_text(encoding="utf-8")
        assert "E2E-SECRET-KEY" not in text
        dom, console, _, broken = open_in_chromium(chromium, reports / page, tmp_path)
        assert not console and not broken, (page, console)
        if page == "01_protocol.html":
            assert "live search (review-tools search)" in dom and "via openalex" in dom and "via europepmc" in dom
            assert "120 reported, 120 fetched, 120 saved (complete)" in dom
        if page == "02_searches.html":
            assert "Live searches (search log)" in dom and "2 logged search runs, oldest first" in dom
            assert "title_and_abstract.search:(segment OR" in dom and "FIRST_PDATE" not in dom
            assert "Combinations of databases" in dom and "Records per database after deduplication" in dom
        if page == "04_prisma.html":
            assert "OpenAlex" in dom and "Europe PMC" in dom and "240" in dom
