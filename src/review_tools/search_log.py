"""The log of live searches (PRISMA-S items 8, 13 and 16): one row per search run by ``review-tools search``.

``review/search_log.csv``, appended under a lock and never rewritten: database, connector, endpoint, the
query exactly as sent, filters and date window, when it started and ended, the records the API reported,
fetched and kept, the export file, the status (complete, interrupted, capped) and every warning, with
the version of review-tools that ran it.  No key and no e-mail address is ever written to it.
"""

from __future__ import annotations

import csv
import io
from dataclasses import asdict, dataclass, fields
from pathlib import Path

import pandas as pd

from review_tools.atomic import append_lines
from review_tools.csv_cells import from_cell, to_cell
from review_tools.i18n import tr

LOG_FILE = "search_log.csv"


@dataclass
class LogRow:
    database: str
    connector: str
    endpoint: str
    query_sent: str
    translated_from: str
    date_window: str
    since: str
    started: str
    finished: str
    reported: int | None
    fetched: int
    kept: int
    file: str
    status: str
    warnings: str
    tool_version: str


COLUMNS = tuple(f.name for f in fields(LogRow))


def log_path(review_dir: str | Path) -> Path:
    return Path(review_dir) / LOG_FILE


def append(review_dir: str | Path, row: LogRow) -> Path:
    """Add ``row`` to the review's search log (created with its header on first use)."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow([to_cell("" if v is None else v) for v in asdict(row).values()])
    header = io.StringIO()
    csv.writer(header, lineterminator="\n").writerow(COLUMNS)
    path = log_path(review_dir)
    append_lines(path, [buffer.getvalue()], header=header.getvalue())
    return path


def read(review_dir: str | Path) -> pd.DataFrame:
    """Every logged search, oldest first (an empty table with the columns when nothing was run)."""
    path = log_path(review_dir)
    if not path.is_file():
        return pd.DataFrame(columns=COLUMNS)
    with path.open(encoding="utf-8", newline="") as f:
        rows = [{k: from_cell(v or "") for k, v in row.items() if k in COLUMNS} for row in csv.DictReader(f)]
    table = pd.DataFrame(rows, columns=COLUMNS)
    for column in ("reported", "fetched", "kept"):
        table[column] = pd.to_numeric(table[column], errors="coerce").astype("Int64")
    return table


def latest(review_dir: str | Path) -> dict[str, dict[str, object]]:
    """The newest logged search of each database, by database name."""
    table = read(review_dir)
    return {row["database"]: row for row in table.to_dict("records")}


def report_table(review_dir: str | Path) -> pd.DataFrame:
    """The log as a report shows it: one row per search, counts side by side, a mismatch spelled out."""
    table = read(review_dir)
    if table.empty:
        return table
    out = table[["database", "connector", "started", "query_sent", "date_window", "since", "reported", "fetched",
                 "kept", "status", "file", "warnings", "tool_version"]].copy()
    out["reported vs fetched"] = [
        "" if pd.isna(r) or r == f else f"{int(r) - int(f):+,} not fetched" if r > f else f"{int(f) - int(r):,} more "
        "than reported" for r, f in zip(table["reported"], table["fetched"], strict=True)]
    return out


def stale(review_dir: str | Path, databases) -> list[str]:
    """A warning for each database whose search string (or syntax) in the protocol differs from the one
    its newest logged search ran: its records come from the old string."""
    runs = latest(review_dir)
    out = []
    for db in databases:
        run = runs.get(db.name)
        if run is None:
            continue
        now = f"{db.search_syntax}: {' '.join(db.search_string.split())}"
        if run["translated_from"] != now:
            out.append(tr("{database}: the protocol's search string changed after the newest search run "
                          "({started}); its records still come from the old string. Run review-tools search "
                          "--database \"{database}\" again, or note the change in the protocol.",
                          database=db.name, started=run["started"]))
    return out
