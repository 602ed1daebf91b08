"""Synthesis tables of the included studies: evidence table, study x theme matrix, theme frequencies and
distributions by year, source and method, from the records and the extraction form.

Which columns a table has follows the protocol's extraction form, so a review with other fields gets its
own tables without code changes: every multi-choice field can be a theme matrix, every choice field a
distribution.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence

import pandas as pd

from review_tools.extraction import Value
from review_tools.protocol import Protocol
from review_tools.records import Record

MARK = "\u25cf"


def study_labels(records: Sequence[Record]) -> dict[str, str]:
    """'Surname (year)', 'Surname & Surname (year)' or 'Surname et al. (year)' per record id, in order of
    first author and year; two studies with the same label get 2004a, 2004b."""
    def surname(author: str) -> str:
        return author.split(",")[0].strip() if "," in author else (author.split() or ["Anon."])[-1]

    def base(r: Record) -> tuple[str, str]:
        names = [surname(a) for a in r.authors] or ["Anon."]
        who = names[0] if len(names) == 1 else f"{names[0]} & {names[1]}" if len(names) == 2 else f"{names[0]} et al."
        return who, str(r.year) if r.year else "n.d."

    bases = {r.id: base(r) for r in records}
    ordered = sorted(records, key=lambda r: (bases[r.id][0].casefold(), r.year or 0, r.title.casefold()))
    counts = Counter(bases.values())
    seen: Counter[tuple[str, str]] = Counter()
    out: dict[str, str] = {}
    for r in ordered:
        key = bases[r.id]
        suffix = chr(ord("a") + seen[key]) if counts[key] > 1 else ""
        seen[key] += 1
        out[r.id] = f"{key[0]} ({key[1]}{suffix})"
    return out


def _cell(value: Value | None) -> object:
    if value is None:
        return ""
    if isinstance(value, tuple):
        return "; ".join(value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return value


def evidence_table(records: Mapping[str, Record], extraction: Mapping[str, Mapping[str, Value]],
                   protocol: Protocol, labels: Mapping[str, str],
                   quality: Mapping[str, str] | None = None) -> pd.DataFrame:
    """One row per included study (order of ``labels``): study, year, title, source, the appraisal result
    when ``quality`` is given, then every field of the extraction form under its label; a study not yet
    extracted has empty fields."""
    rows = []
    for record_id, label in labels.items():
        r = records[record_id]
        values = extraction.get(record_id, {})
        row: dict[str, object] = {"Study": label, "Year": r.year or "", "Title": r.title,
                                  "Source": r.journal or r.document_type}
        if quality is not None:
            row["Quality appraisal"] = quality.get(record_id, "not appraised")
        for f in protocol.extraction.fields:
            row[f.label] = _cell(values.get(f.name))
        rows.append(row)
    return pd.DataFrame(rows)


def _choices(protocol: Protocol, field: str) -> list[str]:
    spec = next((f for f in protocol.extraction.fields if f.name == field), None)
    if spec is None or spec.type not in ("choice", "multichoice"):
        choice_fields = [f.name for f in protocol.extraction.fields if f.type in ("choice", "multichoice")]
        raise KeyError(f"{field!r} is not a choice field of the extraction form ({', '.join(choice_fields)})")
    return list(spec.choices)


def theme_matrix(extraction: Mapping[str, Mapping[str, Value]], protocol: Protocol, field: str,
                 labels: Mapping[str, str]) -> pd.DataFrame:
    """Study x theme: a mark where the study addresses the theme; the last row counts studies per theme."""
    choices = _choices(protocol, field)
    rows = []
    for record_id, label in labels.items():
        value = extraction.get(record_id, {}).get(field, ())
        chosen = set(value) if isinstance(value, tuple) else {value}
        rows.append({"Study": label, **{c: MARK if c in chosen else "" for c in choices}})
    total = {"Study": "Studies (n)", **{c: sum(row[c] == MARK for row in rows) for c in choices}}
    return pd.DataFrame([*rows, total])


def frequencies(extraction: Mapping[str, Mapping[str, Value]], protocol: Protocol, field: str) -> pd.DataFrame:
    """Per choice of a (multi-)choice field: how many studies chose it and their share of the extracted
    studies, most frequent first (ties in the form's order)."""
    choices = _choices(protocol, field)
    n = len(extraction)
    counts = Counter()
    for values in extraction.values():
        value = values.get(field)
        counts.update(value if isinstance(value, tuple) else [value] if value else [])
    rows = [{"choice": c, "studies": counts[c], "percent": round(100.0 * counts[c] / n, 1) if n else 0.0}
            for c in choices]
    not_given = sum(field not in values for values in extraction.values())
    df = pd.DataFrame(rows).sort_values("studies", ascending=False, kind="stable").reset_index(drop=True)
    if not_given:
        df.loc[len(df)] = {"choice": "(not recorded)", "studies": not_given, "percent": round(100 * not_given / n, 1)}
    return df


def distribution(values: Sequence[object], name: str) -> pd.DataFrame:
    """Counts of each value (e.g. year, source or method of the included studies), sorted by value for
    numbers and by count otherwise; empty values count as '(not recorded)'."""
    missing = "(not recorded)"
    counts = Counter(v for v in values if v not in (None, ""))
    if all(isinstance(v, int | float) for v in counts):
        keys = sorted(counts)
    else:
        keys = sorted(counts, key=lambda v: (-counts[v], str(v)))
    n_missing = sum(v in (None, "") for v in values)
    rows = [{name: k, "studies": counts[k]} for k in keys] + ([{name: missing, "studies": n_missing}]
                                                              if n_missing else [])
    return pd.DataFrame(rows, columns=[name, "studies"])
