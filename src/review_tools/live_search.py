"""Run the protocol's searches through the search APIs: translate, count, split, fetch, save, log.

For each protocol database with a ``connector``:

1. the protocol's string is translated into the API's query language, every change of meaning a
   warning, before anything is sent (:meth:`Connector.write_query`);
2. the API's count decides whether one query can be paged through; above the API's cap the publication
   dates are halved until every window fits (a window of one day -- one year for Scopus -- that still does
   not fit is fetched to the cap and the rest reported as not fetched);
3. pages are appended to a hidden part file and the position saved after every page, so a search
   stopped by a network failure, a quota or Ctrl-C resumes where it stopped when run again;
4. the records become one RIS export in the database's ``export_dir``, named by the time of the run and
   never overwriting an earlier one, and a row is added to the search log (:mod:`review_tools.search_log`).

The export is read by the same importer as a hand-made export, so deduplication, ``diff`` and the carry
over of screening decisions treat it like any other.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from tqdm import tqdm

from review_tools import __version__, search_log
from review_tools.atomic import atomic_write, locked
from review_tools.connectors import CONNECTORS, Connector, Query, Window
from review_tools.connectors import settings as connector_settings
from review_tools.errors import ReviewToolsError
from review_tools.io.writers import to_ris
from review_tools.protocol import Database, Protocol
from review_tools.query import parse
from review_tools.query.match import matches
from review_tools.records import RECORD_FIELDS, Record

CHUNK = 2000  # records written to the export at a time


class SearchInterrupted(ReviewToolsError):
    """A search stopped before its last page; what was fetched is kept and the message says how to resume.
    ``by_user``: it was Ctrl-C or SIGTERM, so no further database should be searched."""

    def __init__(self, message: str, by_user: bool = False):
        super().__init__(message)
        self.by_user = by_user


@dataclass
class Plan:
    """One database's search, ready to send: the connector and the query in the API's language."""

    database: Database
    connector: Connector
    query: str
    warnings: list[str]

    def close(self) -> None:
        self.connector.close()


@dataclass
class Outcome:
    """What one search did: the counts, the export written and the notes worth reading."""

    database: str
    reported: int | None
    fetched: int
    kept: int
    export: Path | None
    status: str
    notes: list[str] = field(default_factory=list)

    @property
    def mismatch(self) -> str:
        if self.reported is None or self.reported == self.fetched:
            return ""
        gap = self.reported - self.fetched
        return f"{gap:,} of {self.reported:,} reported records not fetched" if gap > 0 else \
            f"{-gap:,} more records fetched than the {self.reported:,} reported"


def make_plans(protocol: Protocol, names: Iterable[str] = (), *, env: Mapping[str, str] | None = None,
               transport: httpx.BaseTransport | None = None, sleep: Callable[[float], None] | None = None,
               backoff: float = 1.0) -> tuple[list[Plan], list[str]]:
    """A plan for every database with a connector (only those in ``names`` if given), and an error line for
    each that cannot run (unknown name, missing key)."""
    wanted = {n.lower() for n in names}
    known = {d.name.lower() for d in protocol.databases}
    errors = [f"no database called {n!r} in the protocol (it has {', '.join(d.name for d in protocol.databases)})"
              for n in names if n.lower() not in known]
    plans = []
    for db in protocol.databases:
        if wanted and db.name.lower() not in wanted:
            continue
        if not db.connector:
            if wanted:
                errors.append(f"{db.name}: no connector in the protocol (set connector: to one of "
                              f"{', '.join(CONNECTORS)})")
            continue
        kind = CONNECTORS[db.connector]
        try:
            connector = kind(connector_settings.load(kind.name, env), transport=transport, sleep=sleep,
                             backoff=backoff)
        except ReviewToolsError as exc:
            errors.append(f"{db.name}: {exc}")
            continue
        tree = parse(db.search_string, db.search_syntax)
        query, warnings = connector.write_query(tree)
        plans.append(Plan(db, connector, query, warnings))
    return plans, errors


def _today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


def windows(plan: Plan, since: dt.date | None, today: dt.date | None = None) -> tuple[list[tuple[Window, int]],
                                                                                    int, list[str]]:
    """The date windows to page through, each with its count; the API's count for the whole query; notes on
    windows that still exceed the cap and records no window holds."""
    connector, today = plan.connector, today or _today()
    total = connector.count(Query(plan.query, Window(), since))
    cap = connector.cap
    if cap is None or total <= cap:
        return [(Window(), total)], total, []
    notes = [f"{connector.label} pages through at most {cap:,} records of one query; {total:,} reported, so the "
             f"search was split by publication date"]
    out: list[tuple[Window, int]] = []
    todo = list(Window(None, today).halves(connector.unit, today) or [Window(None, today)])
    while todo:
        window = todo.pop(0)
        n = connector.count(Query(plan.query, window, since))
        if n <= cap:
            if n:
                out.append((window, n))
            continue
        halves = window.halves(connector.unit, today)
        if halves is None:
            notes.append(f"{window}: {n:,} records in one {connector.unit}, over the cap of {cap:,}; "
                         f"{n - cap:,} of them cannot be fetched")
            out.append((window, n))
            continue
        todo[:0] = list(halves)
    in_windows = sum(n for _, n in out)
    if in_windows < total:
        notes.append(f"the date windows hold {in_windows:,} of the {total:,} records: {total - in_windows:,} have no "
                     "publication date in them and are not fetched")
    return out, total, notes


def dry_run(plan: Plan, since: dt.date | None = None) -> int:
    """The API's count for the translated query; nothing is fetched or saved."""
    return plan.connector.count(Query(plan.query, Window(), since))


# --- resumable state -----------------------------------------------------------------------------------------

def _state_path(folder: Path, name: str) -> Path:
    return folder / f".search-{name}.json"


def _part_path(folder: Path, name: str) -> Path:
    return folder / f".search-{name}.part.jsonl"


def _save_state(path: Path, state: dict[str, Any]) -> None:
    with atomic_write(path, newline="\n") as fh:
        json.dump(state, fh, indent=1)


def _export_path(folder: Path, name: str, started: dt.datetime) -> Path:
    stem = f"{started.strftime('%Y-%m-%dT%H%M%SZ')}-{name}"
    path, n = folder / f"{stem}.ris", 1
    while path.exists():
        n += 1
        path = folder / f"{stem}-{n}.ris"
    return path


def _as_json_line(record: Record) -> bytes:
    """One record as a line of the part file (a plain dict of its fields: ``asdict`` copies every list and
    took a quarter of the search's time)."""
    return json.dumps({name: getattr(record, name) for name in RECORD_FIELDS}, ensure_ascii=False).encode() + b"\n"


def _read_part(path: Path, size: int) -> Iterator[Record]:
    with path.open("rb") as fh:
        for line in fh.read(size).splitlines():
            if line.strip():
                yield Record(**json.loads(line))


def run_search(plan: Plan, review_dir: str | Path, *, since: dt.date | None = None, today: dt.date | None = None,
               progress: bool = True, say: Callable[[str], None] = print) -> Outcome:
    """Run ``plan``'s search to the end (or resume it), save the export and log it.  SearchInterrupted
    when it stops early: the pages fetched are kept and running it again resumes."""
    db, connector = plan.database, plan.connector
    folder = (Path(review_dir) / (db.export_dir or "")).resolve()
    folder.mkdir(parents=True, exist_ok=True)
    state_file, part_file = _state_path(folder, connector.name), _part_path(folder, connector.name)
    with locked(state_file, timeout=5):
        state = _load_or_start(plan, state_file, part_file, since, today, say)
        return _fetch(plan, review_dir, folder, state, state_file, part_file, progress, say)


def _load_or_start(plan: Plan, state_file: Path, part_file: Path, since: dt.date | None, today: dt.date | None,
                   say: Callable[[str], None]) -> dict[str, Any]:
    since_text = since.isoformat() if since else ""
    if state_file.exists():
        state = json.loads(state_file.read_text(encoding="utf-8"))
        if state.get("query") != plan.query or state.get("since") != since_text:
            raise SearchInterrupted(
                f"{plan.database.name}: an unfinished search with another query or --since is kept in {state_file} "
                f"({state.get('fetched', 0):,} records fetched for {state.get('query')!r}, since "
                f"{state.get('since') or 'any date'}); run that search again to finish it, or delete {state_file} "
                f"and {part_file} to start over")
        say(f"{plan.database.name}: resuming the search started {state['started']} "
            f"({state['fetched']:,} records already fetched)")
        return state
    found, total, notes = windows(plan, since, today)
    state = {"database": plan.database.name, "connector": plan.connector.name, "query": plan.query,
             "since": since_text, "started": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
             "reported": total, "fetched": 0, "bytes": 0, "notes": notes,
             "windows": [{"window": w.to_json(), "count": n, "state": None, "done": False} for w, n in found]}
    part_file.write_bytes(b"")
    _save_state(state_file, state)
    return state


def _fetch(plan: Plan, review_dir: str | Path, folder: Path, state: dict[str, Any], state_file: Path,
           part_file: Path, progress: bool, say: Callable[[str], None]) -> Outcome:
    db, connector = plan.database, plan.connector
    since = dt.date.fromisoformat(state["since"]) if state["since"] else None
    limit = db.max_records or connector.default_max
    bar = tqdm(total=min(state["reported"], limit or state["reported"]), initial=state["fetched"], unit=" records",
               desc=db.name, disable=not progress, file=sys.stderr, leave=True)
    try:
        with part_file.open("r+b") as part:
            part.truncate(state["bytes"])  # a page written after the last saved position is fetched again
            part.seek(state["bytes"])
            for item in state["windows"]:
                window = Window.from_json(item["window"])
                while not item["done"]:
                    if limit is not None and state["fetched"] >= limit:
                        break
                    page = connector.page(Query(plan.query, window, since), item["state"])
                    if page.total is not None and page.total != item["count"]:
                        note = (f"{window}: the API's total changed from {item['count']:,} to {page.total:,} "
                                "between pages")
                        state["notes"].append(note)
                        state["reported"] += page.total - item["count"]
                        item["count"] = page.total
                        bar.total = state["reported"]
                    state["notes"] += [n for n in page.notes if n not in state["notes"]]
                    records = page.records[: limit - state["fetched"]] if limit is not None else page.records
                    part.write(b"".join(_as_json_line(r) for r in records))
                    part.flush()
                    os.fsync(part.fileno())
                    state["bytes"] = part.tell()
                    state["fetched"] += len(records)
                    item["state"], item["done"] = page.next, page.next is None
                    state.setdefault("first_url", page.url)
                    _save_state(state_file, state)
                    bar.update(len(records))
    except (ReviewToolsError, httpx.HTTPError, KeyboardInterrupt, ValueError) as exc:
        bar.close()
        cause = "stopped by the user" if isinstance(exc, KeyboardInterrupt) else str(exc)
        _log(plan, review_dir, state, "", "interrupted", 0)
        raise SearchInterrupted(
            f"{db.name}: stopped after {state['fetched']:,} of {state['reported']:,} records: {cause}. The records "
            f"fetched are kept in {part_file}; run `review-tools search --database \"{db.name}\"` again to resume "
            "from there", by_user=isinstance(exc, KeyboardInterrupt)) from (
                None if isinstance(exc, KeyboardInterrupt) else exc)
    bar.close()
    if limit is not None and state["fetched"] >= limit and not all(w["done"] for w in state["windows"]):
        state["notes"].append(f"stopped at max_records: {limit:,} of {state['reported']:,} records read")
    return _finish(plan, review_dir, folder, state, state_file, part_file)


def _finish(plan: Plan, review_dir: str | Path, folder: Path, state: dict[str, Any], state_file: Path,
            part_file: Path) -> Outcome:
    db, connector = plan.database, plan.connector
    started = dt.datetime.strptime(state["started"], "%Y-%m-%dT%H:%M:%SZ")
    export = _export_path(folder, connector.name, started)
    query = parse(db.search_string, db.search_syntax) if connector.local_filter else None
    kept = 0
    with atomic_write(export, newline="\n") as fh:
        chunk: list[Record] = []
        for record in _read_part(part_file, state["bytes"]):
            record.database = db.name
            if query is not None and not matches(query, record)[0]:
                continue
            kept += 1
            chunk.append(record)
            if len(chunk) >= CHUNK:
                fh.write(to_ris(chunk))
                chunk = []
        if chunk:
            fh.write(to_ris(chunk))
    if query is not None:
        state["notes"].append(f"the protocol's string kept {kept:,} of the {state['fetched']:,} records fetched")
    capped = any("cannot be fetched" in n or "max_records" in n for n in state["notes"])
    status = "capped" if capped else "complete"
    _log(plan, review_dir, state, export.relative_to(Path(review_dir).resolve()).as_posix(), status, kept)
    part_file.unlink(missing_ok=True)
    state_file.unlink(missing_ok=True)
    return Outcome(db.name, state["reported"], state["fetched"], kept, export, status,
                   [*plan.warnings, *state["notes"]])


def _log(plan: Plan, review_dir: str | Path, state: dict[str, Any], export: str, status: str, kept: int) -> None:
    db, connector = plan.database, plan.connector
    since = dt.date.fromisoformat(state["since"]) if state["since"] else None
    windows_used = [Window.from_json(w["window"]) for w in state["windows"]]
    sent = connector.sent(Query(plan.query, Window(), since))
    search_log.append(review_dir, search_log.LogRow(
        database=db.name, connector=connector.name, endpoint=connector.base, query_sent=sent,
        translated_from=f"{db.search_syntax}: {' '.join(db.search_string.split())}",
        date_window="; ".join(str(w) for w in windows_used) or "all dates",
        since=state["since"], started=state["started"],
        finished=dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        reported=state["reported"], fetched=state["fetched"], kept=kept, file=export, status=status,
        warnings=" | ".join([*plan.warnings, *state["notes"]]), tool_version=__version__))
