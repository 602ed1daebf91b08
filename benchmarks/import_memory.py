"""Import memory and time at 100,000 and 1,000,000 records: ``review-tools import FILE --out records.csv``.

The export is made from a real Web of Science RIS export (278 records with abstracts, from
``../shared/data/external/citesource-exports``; the Embase excerpt in ``tests/data`` where that is absent),
repeated with a copy number in every title, so that every record is a different work with its own id.
Each import runs in its own process, which reports its peak resident memory (``ru_maxrss``); the
reference is the same process holding the whole set, as ``import_file`` without a sink does (as the import
before records were streamed), at 100,000 records.  Target: at most 3 kB per record at 1,000,000.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks._table import print_table

ROOT = Path(__file__).resolve().parents[1]
EXTERNAL = ROOT.parent / "shared" / "data" / "external"
SOURCES = (EXTERNAL / "citesource-exports" / "wos_278.ris", ROOT / "tests" / "data" / "kwok_2020_embase_excerpt.ris")
_RUN = """
import resource, sys, time
from pathlib import Path
start = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
t0 = time.perf_counter()
if sys.argv[1] == "stream":
    from review_tools.cli import main
    assert main(["import", sys.argv[2], "--out", sys.argv[3]]) == 0
else:
    from review_tools.io.importer import import_file
    from review_tools.io.writers import write_records
    write_records(import_file(sys.argv[2]).records, Path(sys.argv[3]))
print(time.perf_counter() - t0, start, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def make_export(path: Path, n: int) -> int:
    """Write an n-record RIS export from the real one; its size in bytes."""
    source = next(p for p in SOURCES if p.is_file())
    records = [r for r in re.split(r"(?m)^(?=TY  - )", source.read_text(encoding="utf-8-sig")) if r.startswith("TY")]
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            fh.write(records[i % len(records)].replace("\nTI  - ", f"\nTI  - [{i}] ", 1))
    return path.stat().st_size


def measure(mode: str, export: Path, out: Path) -> tuple[float, int, int]:
    """Seconds, resident memory at start and at peak (bytes) of one import in a fresh process."""
    done = subprocess.run([sys.executable, "-c", _RUN, mode, str(export), str(out)], capture_output=True, text=True,
                          check=True, cwd=ROOT)
    seconds, start, peak = done.stdout.split()[-3:]
    return float(seconds), int(start) * 1024, int(peak) * 1024


def main() -> None:
    rows = []
    with tempfile.TemporaryDirectory(dir=ROOT / "build" if (ROOT / "build").is_dir() else None) as tmp:
        for n, modes in ((100_000, ("stream", "whole")), (1_000_000, ("stream",))):
            export = Path(tmp) / f"export_{n}.ris"
            size = make_export(export, n)
            for mode in modes:
                t0 = time.perf_counter()
                seconds, start, peak = measure(mode, export, Path(tmp) / "records.csv")
                wall = time.perf_counter() - t0
                per_record = peak / n
                rows.append([f"{n:,}", f"{size / 1e6:,.0f} MB",
                             "review-tools import (streamed)" if mode == "stream" else "import_file, all records held",
                             f"{seconds:.1f}", f"{wall:.1f}", f"{peak / 1e6:,.0f} MB",
                             f"{(peak - start) / 1e6:,.0f} MB",
                             f"{per_record / 1000:.2f} kB", "yes" if n < 1_000_000 or per_record <= 3000 else "NO"])
            export.unlink()
    print_table(["records", "export", "how", "import s", "process s", "peak memory", "above start",
                 "peak per record", "<= 3 kB at 1 M"], rows)


if __name__ == "__main__":
    main()
