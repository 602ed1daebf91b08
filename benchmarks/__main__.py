"""Run every benchmark in turn, each printing its own table; ``python -m benchmarks NAME ...`` runs only those."""

import importlib
import pkgutil
import sys
from pathlib import Path


def main() -> None:
    names = sorted(m.name for m in pkgutil.iter_modules([str(Path(__file__).parent)]) if not m.name.startswith("_"))
    unknown = [n for n in sys.argv[1:] if n not in names]
    if unknown:
        sys.exit(f"unknown benchmark(s) {', '.join(unknown)}; choose from {', '.join(names)}")
    for name in sys.argv[1:] or names:
        print(f"\n## {name}\n", flush=True)
        importlib.import_module(f"benchmarks.{name}").main()


if __name__ == "__main__":  # not when a process the benchmarks start imports this module again
    main()
