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


def scaffold(directory: Path, *, source: Path) -> list[Path]:
    """Create ``directory`` with the review layout; refuse to touch an existing protocol."""
    protocol = directory / "review" / "protocol.yaml"
    if protocol.exists():
        raise ReviewToolsError(f"{protocol} exists already; init never overwrites a protocol")
    notebooks = sorted((source / "notebooks").glob("*.ipynb"))
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
    for src in [*notebooks, *(source / rel for rel in COPIED_DATA)]:
        if src.exists():
            target = directory / src.relative_to(source)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, target)
            created.append(target)
    return created
