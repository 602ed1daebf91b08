"""``review-tools init``: lay out a new review with a commented protocol template.

The notebooks, the service-level configuration and the example customer data are copied from an
existing review-tools project (by default the checkout the command runs in), so the new review runs
end to end at once and then becomes the researcher's own.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from review_tools.errors import ReviewToolsError

TEMPLATE = Path(__file__).parent / "templates" / "protocol.yaml"
FOLDERS = ("review/searches", "review/screening", "review/appraisal", "review/extraction", "data", "notebooks")
COPIED_DATA = ("data/service_levels.yaml", "data/customers/customers.csv", "data/customers/transactions.csv",
               "data/README.md")
SEGMENTATION = ("10_", "11_")  # the segmentation lab's notebooks, copied only when asked for


def scaffold(directory: Path, *, source: Path, segmentation: bool = False) -> list[Path]:
    """Create ``directory`` with the review layout; refuse to touch an existing protocol.  The segmentation
    lab (its notebooks and example customer data) comes only with ``segmentation``."""
    protocol = directory / "review" / "protocol.yaml"
    if protocol.exists():
        raise ReviewToolsError(f"{protocol} exists already; init never overwrites a protocol")
    notebooks = [nb for nb in sorted((source / "notebooks").glob("*.ipynb"))
                 if segmentation or not nb.name.startswith(SEGMENTATION)]
    if not notebooks:
        raise ReviewToolsError(f"{source / 'notebooks'}: no report notebooks to copy (run init from the "
                               "review-tools checkout or pass --from)")
    created: list[Path] = []
    for folder in FOLDERS:
        (directory / folder).mkdir(parents=True, exist_ok=True)
    for folder in FOLDERS[:4]:
        keep = directory / folder / ".gitkeep"
        keep.touch()
        created.append(keep)
    shutil.copyfile(TEMPLATE, protocol)
    created.append(protocol)
    for src in [*notebooks, *(source / rel for rel in (COPIED_DATA if segmentation else ()))]:
        if src.exists():
            target = directory / src.relative_to(source)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, target)
            created.append(target)
    return created
