"""The reliability suite's quick set: damaged exports, protocol attacks, formula cells and HTML payloads
(benchmarks/reliability.py; concurrency and SIGKILL cases are in tests/test_screening.py, stopping a run
in tests/test_pipeline.py)."""

from __future__ import annotations

import pytest
from benchmarks import reliability

CASES = reliability.quick_cases()


def test_every_format_gets_at_least_30_mutations() -> None:
    per_format: dict[str, int] = {}
    for case in CASES:
        if case.category.startswith("import: "):
            per_format[case.category] = per_format.get(case.category, 0) + 1
    assert len(per_format) == 11 and min(per_format.values()) >= 30


@pytest.mark.parametrize("category", sorted({c.category for c in CASES}))
def test_category_is_handled_cleanly(category: str) -> None:
    failed = [f"{case.name}: {problem}" for case in CASES if case.category == category
              for problem in [reliability.run_case(case)] if problem is not None]
    assert failed == []
