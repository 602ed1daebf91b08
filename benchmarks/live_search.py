"""Live search against a fake OpenAlex on 127.0.0.1: 50,000 records fetched, parsed and saved, against
importing the same records from the export file it wrote (the peer: the way records arrive without a
connector).  Each job runs in its own process so that its peak memory is its own; the fake server runs in
this one.  The polite pause between requests (0.1 s for OpenAlex) is switched off: it measures the tool,
not the pace an API asks for (500 pages at 0.1 s would add 50 s).

    python -m benchmarks live_search          (RECORDS=5000 for a quick run)
"""

from __future__ import annotations

import multiprocessing
import os
import resource
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from benchmarks._table import print_table

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "connectors"))

STRING = '(segment* OR "customer portfolio") AND (CRM OR "customer relationship management") AND pharma*'


def _rss() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _search(url: str, review: str) -> tuple[float, float, float, int, str]:
    from review_tools import live_search
    from review_tools.protocol import load_protocol

    before = _rss()
    start = time.perf_counter()
    protocol = load_protocol(Path(review) / "protocol.yaml")
    env = {"REVIEW_TOOLS_CONFIG": "/nonexistent.toml", "REVIEW_TOOLS_OPENALEX_URL": url}
    [plan], _ = live_search.make_plans(protocol, env=env, sleep=lambda s: None)
    outcome = live_search.run_search(plan, review, progress=False, say=lambda s: None)
    seconds = time.perf_counter() - start
    return seconds, before, _rss(), outcome.fetched, str(outcome.export)


def _import(path: str) -> tuple[float, float, float, int]:
    from review_tools.io.importer import import_file

    before = _rss()
    start = time.perf_counter()
    result = import_file(path, database="OpenAlex")
    return time.perf_counter() - start, before, _rss(), result.imported


def main() -> None:
    import yaml
    from fakeapi import FakeApi, FakeServer

    n = int(os.environ.get("RECORDS", "50000"))
    spawn = multiprocessing.get_context("spawn")
    with tempfile.TemporaryDirectory() as tmp, FakeServer(FakeApi(n)) as server:
        review = Path(tmp) / "review"
        review.mkdir()
        doc = yaml.safe_load((ROOT / "review" / "protocol.yaml").read_text(encoding="utf-8"))
        doc["databases"] = [{"name": "OpenAlex", "platform": "OpenAlex API", "date_searched": "2026-11-30",
                             "search_string": STRING, "syntax": "generic", "connector": "openalex",
                             "export_dir": "searches/openalex"}]
        (review / "protocol.yaml").write_text(yaml.safe_dump(doc), encoding="utf-8")
        with ProcessPoolExecutor(1, mp_context=spawn) as p:
            s_time, s_base, s_rss, fetched, export = p.submit(_search, server.url, str(review)).result()
        with ProcessPoolExecutor(1, mp_context=spawn) as p:
            i_time, i_base, i_rss, imported = p.submit(_import, export).result()
        size = Path(export).stat().st_size / 1e6
    print(f"{n:,} made-up OpenAlex works (60-word abstracts), {len(server.api.requests):,} requests of 100; "
          f"export {size:.1f} MB; the fake server spent {server.api.busy:.1f} s of the search's time making its "
          "replies (its own process: not in the search's memory)")
    print_table(
        ["job", "records", "seconds", "records/s", "peak MB", "peak MB above the loaded modules", "time vs import"],
        [["search (fetch, parse, save RIS)", f"{fetched:,}", f"{s_time:.1f}", f"{fetched / s_time:,.0f}",
          f"{s_rss:,.0f}", f"{s_rss - s_base:,.0f}", f"{s_time / i_time:.2f}x"],
         ["import the same RIS export", f"{imported:,}", f"{i_time:.1f}", f"{imported / i_time:,.0f}",
          f"{i_rss:,.0f}", f"{i_rss - i_base:,.0f}", "1.00x"]])


if __name__ == "__main__":
    main()
