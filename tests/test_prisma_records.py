"""The records behind every PRISMA box: as many as the box says, with the decision and the reason's name;
a provisional flow while screening goes on; the diagram's boxes link to their lists."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from review_tools import prisma, prisma_records, review_state
from review_tools.protocol import load_protocol

ROOT = Path(__file__).resolve().parents[1]


def _count(counts: prisma.PrismaCounts, key: str) -> int:
    value = getattr(counts, key)
    return sum(value.values()) if isinstance(value, dict) else value


def test_every_list_is_as_long_as_its_box_and_names_the_reason() -> None:
    state = review_state.load(load_protocol(ROOT / "review" / "protocol.yaml"), ROOT / "review")
    counts = state.prisma_counts()
    lists = prisma_records.box_lists(state, counts)
    assert [b.key for b in lists][:3] == ["database_results", "duplicates", "excluded_automatic"]
    for box in lists:
        assert len(box.rows) == _count(counts, box.key), box.key
    excluded = next(b for b in lists if b.key == "dbr_excluded").rows
    assert excluded and all(re.match(r"[IE]\d+: \S", r["reasons"]) for r in excluded)
    assert all(r["by"] and r["when"] for r in excluded)  # who decided, and when
    not_retrieved = next(b for b in lists if b.key == "dbr_notretrieved_reports").rows
    assert [r["reasons"] for r in not_retrieved] == ["E4: Full text not available to the reviewer."]


@pytest.fixture
def half_screened(tmp_path) -> Path:
    """The sample review with the last title/abstract and the last full-text decisions taken back."""
    review = tmp_path / "review"
    shutil.copytree(ROOT / "review", review)
    for stage in ("title_abstract", "full_text"):
        for path in (review / "screening").glob(f"{stage}__consensus.csv"):
            lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
            path.write_text("".join(lines[:-1]), encoding="utf-8")
    return review


def test_a_review_in_the_middle_of_screening_gets_a_provisional_flow(half_screened) -> None:
    state = review_state.load(load_protocol(half_screened / "protocol.yaml"), half_screened)
    counts = state.prisma_counts()
    assert counts.provisional
    with pytest.raises(prisma.PrismaError, match="no final"):
        counts.check()
    counts.check(provisional=True)
    lists = {b.key: b for b in prisma_records.box_lists(state, counts)}
    assert len(lists["awaiting"].rows) == counts.awaiting and len(lists["awaiting_full_text"].rows) == \
        counts.awaiting_full_text
    assert counts.awaiting + counts.awaiting_full_text >= 1
    fig = prisma.diagram(counts, links={key: f"#box-{key}" for key in lists})
    texts = " ".join(t.get_text() for t in fig.axes[0].texts)
    assert "PROVISIONAL" in texts and "Awaiting decision" in texts
    urls = {a.get_url() for a in fig.axes[0].patches if a.get_url()}
    assert urls >= {"#box-database_results", "#box-records_screened", "#box-dbr_excluded", "#box-new_studies"}
