"""The cold-start benchmark (benchmarks/cold_start.py): each opening runs from no prior records, and the query
opening screens the records matching its terms first."""

import re
from pathlib import Path

from benchmarks import cold_start as bench
from benchmarks import screening

EXCERPT = Path(__file__).parent / "data" / "nagtegaal_2019_excerpt.csv"


def test_every_opening_runs_and_the_query_finds_a_relevant_record_first(monkeypatch, capsys) -> None:
    monkeypatch.setattr(screening, "SETS", (("excerpt", EXCERPT.name, "label_included"),))
    monkeypatch.setattr(screening, "dataset_path", lambda file: EXCERPT)
    monkeypatch.setattr(bench, "SEEDS", (1, 2))
    monkeypatch.setitem(bench.QUERIES, "excerpt", ["computerized reminder*", "reminder*"])
    bench.main()
    rows = [re.split(r"\s{2,}", line) for line in capsys.readouterr().out.splitlines() if line.startswith("excerpt")]
    assert [row[1] for row in rows] == ["export order", "random (2 seeds)", "query computerized reminder* | reminder*"]
    first = [float(row[2]) for row in rows]
    assert first[2] == 1.0 and first[0] > 1  # the excerpt's file order opens with excluded records
    assert all(-0.05 <= float(row[4]) <= 1 for row in rows)
    assert rows[2][5].endswith("%") and all(len(row) == 5 for row in rows[:2])  # the match share, query row only
