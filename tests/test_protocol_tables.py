"""The protocol as report tables (PRISMA-S searches, other methods)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from review_tools import protocol_tables as pt
from review_tools.protocol import OtherMethod, load_protocol

ROOT = Path(__file__).resolve().parents[1]


def test_search_table_has_every_database_as_run() -> None:
    protocol = load_protocol(ROOT / "review" / "protocol.yaml")
    table = pt.search_table(protocol)
    assert list(table["database"]) == [d.name for d in protocol.databases]
    assert protocol.example  # the sample's strings are a reconstruction, and the column says so
    assert list(table["search string (reconstructed example)"]) == [d.search_string for d in protocol.databases]
    real = pt.search_table(protocol.model_copy(update={"example": False}))
    assert "search string (as run)" in real.columns


def test_other_methods_table() -> None:
    protocol = load_protocol(ROOT / "review" / "protocol.yaml")
    assert pt.other_methods_table(protocol).empty
    protocol = protocol.model_copy(update={"other_methods": [OtherMethod(
        kind="citations", description="Reference lists of included studies", date_searched=dt.date(2024, 10, 1),
        export_dir="other/citations")]})
    assert pt.other_methods_table(protocol).to_dict("records") == [{
        "method": "Citation searching", "what was searched": "Reference lists of included studies",
        "date searched": "2024-10-01", "exports in": "other/citations", "notes": ""}]
