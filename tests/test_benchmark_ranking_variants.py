"""The ranking-variants benchmark (benchmarks/ranking_variants.py): every variant runs and is compared with the
default on the same set and seeds."""

import re
from pathlib import Path

import pytest
from benchmarks import ranking_variants as bench
from benchmarks import screening

EXCERPT = Path(__file__).parent / "data" / "nagtegaal_2019_excerpt.csv"


def test_every_variant_runs_beside_the_default(monkeypatch, capsys) -> None:
    monkeypatch.setattr(screening, "SETS", (("excerpt", EXCERPT.name, "label_included"),))
    monkeypatch.setattr(screening, "dataset_path", lambda file: EXCERPT)
    monkeypatch.setattr(bench, "SEEDS", (1, 2))
    bench.main()
    rows = [re.split(r"\s{2,}", line) for line in capsys.readouterr().out.splitlines() if line.startswith("excerpt")]
    assert [row[1] for row in rows] == list(bench.VARIANTS)
    assert rows[0][3] == "+0.000" and {row[3] for row in rows[1:]} != {"+0.000"}  # the variants change the ranking


def test_unknown_variant_is_refused_with_the_list(monkeypatch) -> None:
    monkeypatch.setenv("BENCH_VARIANTS", "binary weights;no such thing")
    with pytest.raises(SystemExit, match=r"no such thing.*the variants: default"):
        bench.main()
