"""What a rerun with new search criteria adds, removes and keeps, and which earlier decisions carry over.

Two kinds of comparison:

* two protocol versions over the records already collected: each database's old and new search string is
  run over that database's records (offline, with :mod:`review_tools.query`, each read in its database's
  syntax), so a researcher sees what a changed string would add or drop before running it online;
* two record sets (an earlier import and a new one): records added, removed and kept, matched through the
  stable ids and the ids merged by deduplication, with the screening decisions that carry over.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import pandas as pd

from review_tools import query
from review_tools.protocol import Protocol
from review_tools.records import Record
from review_tools.screening import Decision, carry_over, link_records


def _of_database(records: Iterable[Record], name: str) -> list[Record]:
    return [r for r in records if r.database == name or name in r.databases]


def protocol_diff(old: Protocol, new: Protocol, records: Sequence[Record]) -> pd.DataFrame:
    """Per database (by name, in either version): the string in each version, and how many of that
    database's collected records each matches, with those only the old or only the new one matches."""
    old_db = {d.name: d for d in old.databases}
    new_db = {d.name: d for d in new.databases}
    rows = []
    for name in [*old_db, *(n for n in new_db if n not in old_db)]:
        mine = _of_database(records, name)
        o = set(query.run(old_db[name].search_string, mine, old_db[name].search_syntax)) if name in old_db else set()
        n = set(query.run(new_db[name].search_string, mine, new_db[name].search_syntax)) if name in new_db else set()
        rows.append({
            "database": name,
            "change": "added" if name not in old_db else "removed" if name not in new_db else (
                "string changed" if old_db[name].search_string != new_db[name].search_string else "unchanged"),
            "records collected": len(mine),
            "matched before": len(o), "matched now": len(n),
            "added": len(n - o), "removed": len(o - n), "kept": len(o & n),
        })
    return pd.DataFrame(rows)


def _criterion_facts(c) -> dict[str, str]:
    rule = c.rule.model_dump_json() if c.rule is not None else ""
    return {"kind": c.kind, "text": c.text, "stage": ", ".join(c.stages), "rule": rule, "outcome": c.outcome}


def criteria_diff(old: Protocol, new: Protocol, decisions: Iterable[Decision] = ()) -> pd.DataFrame:
    """Every change to the criteria (added, removed, or what changed: text, stage, kind, rule, outcome), to
    the appraisal instrument and to the extraction form, with how many earlier decisions cite each changed
    criterion: those decisions were made against the old wording and may need a second look."""
    cited: dict[str, int] = {}
    for d in decisions:
        for code in d.reasons:
            cited[code] = cited.get(code, 0) + 1
    old_c = {c.code: c for c in old.criteria}
    new_c = {c.code: c for c in new.criteria}
    rows = []
    for code in [*old_c, *(c for c in new_c if c not in old_c)]:
        if code not in new_c:
            change = "removed"
        elif code not in old_c:
            change = "added"
        else:
            before, after = _criterion_facts(old_c[code]), _criterion_facts(new_c[code])
            changed = [k for k in before if before[k] != after[k]]
            if not changed:
                continue
            change = "changed: " + ", ".join(f"{k} {before[k]!r} -> {after[k]!r}" for k in changed)
        rows.append({"what": f"criterion {code}", "change": change, "earlier decisions citing it": cited.get(code, 0)})
    if old.appraisal.instrument != new.appraisal.instrument or old.appraisal.threshold != new.appraisal.threshold \
            or old.appraisal.scoring != new.appraisal.scoring:
        rows.append({"what": "appraisal", "change": f"{old.appraisal.instrument} ({old.appraisal.scoring}, "
                     f"{old.appraisal.threshold:g}) -> {new.appraisal.instrument} ({new.appraisal.scoring}, "
                     f"{new.appraisal.threshold:g})", "earlier decisions citing it": 0})
    old_f = {f.name: f.model_dump() for f in old.extraction.fields}
    new_f = {f.name: f.model_dump() for f in new.extraction.fields}
    for name in [*old_f, *(n for n in new_f if n not in old_f)]:
        if old_f.get(name) != new_f.get(name):
            change = "removed" if name not in new_f else "added" if name not in old_f else "changed"
            rows.append({"what": f"extraction field {name}", "change": change, "earlier decisions citing it": 0})
    return pd.DataFrame(rows, columns=["what", "change", "earlier decisions citing it"])


@dataclass
class RecordDiff:
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    carried: list[Decision] = field(default_factory=list)
    to_screen: list[str] = field(default_factory=list)

    def table(self, old: Sequence[Record], new: Sequence[Record]) -> pd.DataFrame:
        """Added, removed and kept per database."""
        by_id = {r.id: r for r in (*old, *new)}
        rows = []
        for status, ids in (("added", self.added), ("removed", self.removed), ("kept", self.kept)):
            for i in ids:
                r = by_id[i]
                for db in (r.databases or [r.database or "(unknown)"]):
                    rows.append({"database": db, "status": status})
        if not rows:
            return pd.DataFrame(columns=["database", "added", "removed", "kept"])
        out = pd.crosstab(pd.DataFrame(rows)["database"], pd.DataFrame(rows)["status"])
        return out.reindex(columns=["added", "removed", "kept"], fill_value=0).reset_index()


def record_diff(old: Sequence[Record], new: Sequence[Record], decisions: Iterable[Decision] = ()) -> RecordDiff:
    """Records added, removed and kept between two record sets (matched as in
    :func:`review_tools.screening.link_records`), and the earlier decisions that carry over."""
    alias = link_records(new, previous=old)
    kept = {alias[r.id] for r in old if r.id in alias}
    carried, to_screen = carry_over(list(decisions), new, previous=old)
    return RecordDiff(
        added=[r.id for r in new if r.id not in kept],
        removed=[r.id for r in old if r.id not in alias],
        kept=[r.id for r in new if r.id in kept],
        carried=carried,
        to_screen=to_screen,
    )
