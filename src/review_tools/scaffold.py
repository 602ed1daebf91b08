"""``review-tools init``: lay out a new review with a commented protocol template."""

from __future__ import annotations

import shutil
from pathlib import Path

from review_tools.errors import ReviewToolsError

TEMPLATE = Path(__file__).parent / "templates" / "protocol.yaml"
FOLDERS = ("review/searches", "review/screening", "review/appraisal", "review/extraction", "data", "notebooks")


def scaffold(directory: Path, *, notebooks_from: Path) -> list[Path]:
    """Create ``directory`` with the review layout; refuse to touch an existing protocol."""
    protocol = directory / "review" / "protocol.yaml"
    if protocol.exists():
        raise ReviewToolsError(f"{protocol} exists already; init never overwrites a protocol")
    sources = sorted(notebooks_from.glob("[0-9]*.ipynb")) if notebooks_from.is_dir() else []
    if not sources:
        raise ReviewToolsError(f"{notebooks_from}: no report notebooks to copy (run init from the review-tools "
                               "checkout or pass --notebooks-from)")
    created: list[Path] = []
    for folder in FOLDERS:
        (directory / folder).mkdir(parents=True, exist_ok=True)
    for folder in FOLDERS[:4]:
        keep = directory / folder / ".gitkeep"
        keep.touch()
        created.append(keep)
    shutil.copyfile(TEMPLATE, protocol)
    created.append(protocol)
    for nb in sources:
        target = directory / "notebooks" / nb.name
        shutil.copyfile(nb, target)
        created.append(target)
    return created
