"""The shipped notebooks are valid nbformat 4.5 (a cell without an id once slipped in) and each report
notebook declares its parameters in a cell tagged ``parameters`` for papermill."""

from __future__ import annotations

import warnings
from pathlib import Path

import nbformat
import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_is_valid_with_unique_cell_ids(path: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nbformat only warns about a missing cell id, for now
        nb = nbformat.read(path, as_version=4)
        nbformat.validate(nb)
    ids = [cell.id for cell in nb.cells]
    assert len(set(ids)) == len(ids)
    if path.name[:2].isdigit():
        assert [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])], "no cell tagged parameters"
