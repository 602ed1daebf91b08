"""Import every search export of a review, per database, and deduplicate them together.

Each database in the protocol names its ``export_dir`` under the review folder; every file there is
imported with the database's name.  The result keeps the per-file results (for the PRISMA counts of
records identified per database) and the combined records (for deduplication).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from review_tools import dedup
from review_tools.io.importer import import_file
from review_tools.io.problems import ImportFileError, ImportProblem, ImportResult
from review_tools.records import IdAssigner, Record

if TYPE_CHECKING:
    import pandas as pd

    from review_tools.protocol import Protocol

UNCERTAIN_FILE = Path("dedup") / "uncertain_pairs.csv"


@dataclass
class SearchImport:
    results: dict[str, list[ImportResult]] = field(default_factory=dict)
    file_errors: list[str] = field(default_factory=list)
    ids: IdAssigner = field(default_factory=IdAssigner)  # record ids unique across all files, for deduplication

    def read(self, source: str, paths: Iterable[str | Path], *, database: str = "",
             mapping: Mapping[str, str] | None = None, sink: Callable[[list[Record]], None] | None = None) -> None:
        """Import ``paths`` as ``source``'s files; a file that cannot be read at all is listed in
        ``file_errors`` and the others are still imported."""
        results = self.results.setdefault(source, [])
        for path in paths:
            try:
                results.append(import_file(path, database=database, mapping=mapping, sink=sink, ids=self.ids))
            except ImportFileError as exc:
                self.file_errors.append(str(exc))

    @property
    def records(self) -> list[Record]:
        return [r for results in self.results.values() for res in results for r in res.records]

    @property
    def problems(self) -> list[ImportProblem]:
        return [p for results in self.results.values() for res in results for p in res.problems]


def export_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith((".", "README")))


def import_searches(protocol: Protocol, review_dir: str | Path, *, allow_outside: bool = False,
                    sink: Callable[[list[Record]], None] | None = None) -> SearchImport:
    """Import every export file of every database; a file that cannot be read at all is listed in
    ``file_errors`` and the others are still imported.  Export folders outside the review folder are
    refused unless ``allow_outside``.  With a ``sink`` the records go to it as they are read (see
    :func:`~review_tools.io.importer.import_file`) and only the counts are kept."""
    return _import([(db.name, db.export_dir, db.columns) for db in protocol.databases], review_dir, allow_outside,
                   sink)


def import_other_methods(protocol: Protocol, review_dir: str | Path, *, allow_outside: bool = False) -> SearchImport:
    """Import the exports of the protocol's other methods (websites, organisations, citation searching),
    each record carrying its method's name ('Citation searching') as its database."""
    return _import([(m.source, m.export_dir, m.columns) for m in protocol.other_methods], review_dir, allow_outside)


def _import(sources: list[tuple[str, str | None, dict[str, str]]], review_dir: str | Path,
            allow_outside: bool, sink: Callable[[list[Record]], None] | None = None) -> SearchImport:
    out = SearchImport()
    root = Path(review_dir).resolve()
    for name, export_dir, columns in sources:
        out.results[name] = []
        if not export_dir:
            continue
        folder = (root / export_dir).resolve()
        if not allow_outside and not folder.is_relative_to(root):
            out.file_errors.append(f"{export_dir}: the export folder of {name} is outside the review folder "
                                   f"{root}; not read (use --allow-outside to read it)")
            continue
        out.read(name, export_files(folder), database=name, mapping=columns or None, sink=sink)
    return out


def summary_table(imported: SearchImport) -> pd.DataFrame:
    """Per database: files, records read, imported, skipped, warnings (counts add up: read = imported +
    skipped)."""
    import pandas as pd

    rows = []
    for name, results in imported.results.items():
        rows.append({
            "database": name,
            "files": len(results),
            "read": sum(r.read for r in results),
            "imported": sum(r.imported for r in results),
            "skipped": sum(r.skipped for r in results),
            "warnings": sum(r.warnings for r in results),
            "formats": ", ".join(sorted({f"{r.format} ({r.encoding})" for r in results})),
        })
    return pd.DataFrame(rows)


def problems_table(problems: list[ImportProblem]) -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame([{"file": p.file, "line": p.line or "", "record": p.record or "",
                          "skipped": "yes" if p.skipped else "", "problem": p.reason} for p in problems],
                        columns=["file", "line", "record", "skipped", "problem"])


def deduplicate_searches(imported: SearchImport, review_dir: str | Path) -> dedup.DedupResult:
    """Deduplicate all imported records, reading a person's decisions on earlier uncertain pairs."""
    decisions = dedup.read_decisions(Path(review_dir) / UNCERTAIN_FILE)
    return dedup.deduplicate(imported.records, decisions)


def removed_per_database(result: dedup.DedupResult) -> pd.DataFrame:
    """Duplicates removed, counted by the database of the removed record."""
    import pandas as pd

    log = pd.DataFrame(result.log, columns=["removed_id", "kept_id", "database", "source_file", "position",
                                            "title", "reason"])
    return log.groupby("database").size().rename("duplicates removed").reset_index()
