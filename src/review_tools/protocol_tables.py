"""The protocol as report tables: questions, the PRISMA-S search table, criteria, appraisal, extraction."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from review_tools.protocol import Criterion, Protocol


def questions_table(protocol: Protocol) -> pd.DataFrame:
    rows = []
    for q in protocol.questions:
        parts = "; ".join(f"{k}: {v}" for k, v in q.components.items())
        rows.append({"id": q.id, "question": q.text, "framework": q.framework if q.framework != "none" else "",
                     "components": parts})
    return pd.DataFrame(rows)


def search_table(protocol: Protocol, review_dir: str | Path | None = None) -> pd.DataFrame:
    """PRISMA-S items per database: name, platform, date, fields, exact string as run and the syntax it
    is read in, the limits written in the string (read from it) and those applied outside it, hits.  With
    ``review_dir``, a database searched by ``review-tools search`` also shows its newest logged run: when,
    through which API, the query as sent and the records reported, fetched and saved."""
    from review_tools import search_log
    from review_tools.query import QuerySyntaxError, parse
    from review_tools.query.limits import describe_all

    runs = search_log.latest(review_dir) if review_dir is not None else {}
    rows = []
    for d in protocol.databases:
        run = runs.get(d.name)
        try:
            in_string = "; ".join(describe_all(parse(d.search_string, d.search_syntax)))
        except QuerySyntaxError as exc:
            in_string = f"(the string does not parse: {exc.message})"
        rows.append({
            "database": d.name,
            "platform": d.platform,
            "date searched": d.date_searched.isoformat(),
            "fields": d.fields,
            "search string (reconstructed example)" if protocol.example else "search string (as run)": d.search_string,
            "syntax": d.search_syntax,
            "limits in the string": in_string,
            "limits": "; ".join(d.limits),
            "hits reported": "" if d.hits is None else d.hits,
        })
        if runs:
            rows[-1]["live search (review-tools search)"] = "" if run is None else (
                f"{run['started']} via {run['connector']} ({run['endpoint']}): {run['query_sent']} -- "
                f"{_count(run['reported'])} reported, {_count(run['fetched'])} fetched, {_count(run['kept'])} saved "
                f"({run['status']})")
    return pd.DataFrame(rows)


def _count(value: object) -> str:
    return "?" if value is None or pd.isna(value) else f"{int(value):,}"


def other_methods_table(protocol: Protocol) -> pd.DataFrame:
    """PRISMA-S items for searches outside the databases (websites, organisations, citation searching)."""
    return pd.DataFrame([{"method": m.source, "what was searched": m.description,
                          "date searched": m.date_searched.isoformat() if m.date_searched else "",
                          "exports in": m.export_dir or "", "notes": m.notes} for m in protocol.other_methods],
                        columns=["method", "what was searched", "date searched", "exports in", "notes"])


def describe_rule(criterion: Criterion) -> str:
    """The machine rule in words ('' where the criterion needs a person)."""
    rule = criterion.rule
    if rule is None:
        return ""
    if rule.type == "year_range":
        lo, hi = rule.min, rule.max
        return f"year {lo}-{hi}" if lo and hi else (f"year >= {lo}" if lo else f"year <= {hi}")
    if rule.type == "has_abstract":
        return "record has an abstract"
    return f"{rule.type.replace('_', ' ')} in {', '.join(rule.allowed)}"


def criteria_table(protocol: Protocol) -> pd.DataFrame:
    return pd.DataFrame([
        {
            "code": c.code,
            "kind": c.kind,
            "criterion": c.text,
            "title/abstract": "yes" if "title_abstract" in c.stages else "",
            "full text": "yes" if "full_text" in c.stages else "",
            "automatic rule": describe_rule(c),
        }
        for c in protocol.criteria
    ])


def extraction_form_table(protocol: Protocol) -> pd.DataFrame:
    return pd.DataFrame([
        {"field": f.name, "label": f.label, "type": f.type, "choices": "; ".join(f.choices),
         "required": "yes" if f.required else ""}
        for f in protocol.extraction.fields
    ])


def searches_inventory(protocol: Protocol, review_dir: str | Path) -> pd.DataFrame:
    """Which export files lie in each database's ``export_dir`` (relative to the review folder)."""
    rows = []
    for d in protocol.databases:
        folder = Path(review_dir) / d.export_dir if d.export_dir else None
        files = sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")) \
            if folder and folder.is_dir() else []
        rows.append({
            "database": d.name,
            "export folder": d.export_dir or "(none declared)",
            "files": ", ".join(p.name for p in files),
            "size (kB)": round(sum(p.stat().st_size for p in files) / 1024, 1),
        })
    return pd.DataFrame(rows)
