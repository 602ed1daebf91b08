"""review-tools init: a new review's layout, and never overwriting a protocol."""

from __future__ import annotations

from pathlib import Path

import pytest

from review_tools.errors import ReviewToolsError
from review_tools.protocol import load_protocol
from review_tools.scaffold import scaffold

ROOT = Path(__file__).resolve().parents[1]


def test_scaffold_lays_out_a_valid_review_without_the_segmentation_lab(tmp_path) -> None:
    target = tmp_path / "my-review"
    created = scaffold(target, source=ROOT)
    for folder in ("searches", "screening", "appraisal", "extraction"):
        assert (target / "review" / folder).is_dir()
    assert load_protocol(target / "review" / "protocol.yaml").title == "My review title"
    copied = sorted(p.name for p in (target / "notebooks").glob("*.ipynb"))
    assert copied == sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb") if not p.name.startswith(("10_",
                                                                                                         "11_")))
    assert target / "review" / "protocol.yaml" in created
    assert not (target / "data" / "customers").exists()


def test_scaffold_with_the_segmentation_lab(tmp_path) -> None:
    target = tmp_path / "my-review"
    scaffold(target, source=ROOT, segmentation=True)
    copied = sorted(p.name for p in (target / "notebooks").glob("*.ipynb"))
    assert copied == sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))
    assert (target / "data" / "customers" / "transactions.csv").read_bytes() == (
        ROOT / "data" / "customers" / "transactions.csv").read_bytes()
    assert (target / "data" / "service_levels.yaml").exists()


def test_scaffold_never_overwrites_a_protocol(tmp_path) -> None:
    scaffold(tmp_path, source=ROOT)
    protocol = tmp_path / "review" / "protocol.yaml"
    protocol.write_text("edited", encoding="utf-8")
    with pytest.raises(ReviewToolsError, match="exists already"):
        scaffold(tmp_path, source=ROOT)
    assert protocol.read_text(encoding="utf-8") == "edited"


def test_scaffold_needs_notebooks(tmp_path) -> None:
    with pytest.raises(ReviewToolsError, match="no report notebooks to copy"):
        scaffold(tmp_path / "x", source=tmp_path / "nowhere")
