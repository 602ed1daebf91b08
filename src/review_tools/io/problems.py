"""Per-record import problems and the import result whose counts add up."""

from __future__ import annotations

from dataclasses import dataclass, field

from review_tools.errors import ReviewToolsError
from review_tools.records import Record


class ImportFileError(ReviewToolsError):
    """A whole file cannot be read (empty, binary, unknown format); names the file and why."""


@dataclass(frozen=True)
class ImportProblem:
    """Something wrong with one record (or a stretch of the file): where, which record, what.

    ``skipped`` is True when the record could not be imported at all; otherwise it was imported and the
    problem is a warning (e.g. a record without title, an invalid DOI that was dropped).
    """

    file: str
    line: int | None
    record: int | None
    reason: str
    skipped: bool = False

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        rec = f" record {self.record}" if self.record else ""
        kind = "skipped" if self.skipped else "warning"
        return f"{where}{rec}: {kind}: {self.reason}"


@dataclass
class ImportResult:
    """What one file gave: records, problems, and the counts (read = imported + skipped)."""

    file: str
    format: str
    encoding: str
    records: list[Record] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)
    placeholders: int = 0  # values such as 'NA' or '[No abstract available]' read as empty
    streamed: int = 0  # records handed to a sink as they were read, not kept in ``records``

    @property
    def skipped(self) -> int:
        return sum(p.skipped for p in self.problems)

    @property
    def imported(self) -> int:
        return len(self.records) + self.streamed

    @property
    def read(self) -> int:
        return self.imported + self.skipped

    @property
    def warnings(self) -> int:
        return sum(not p.skipped for p in self.problems)

    def summary(self) -> str:
        empty = f", {self.placeholders} placeholder values (NA, [No abstract available] ...) read as empty" \
            if self.placeholders else ""
        return (f"{self.file}: {self.format}, {self.encoding}: {self.read} records read, {self.imported} "
                f"imported, {self.skipped} skipped, {self.warnings} warnings{empty}")
