"""Run every benchmark in turn, each printing its own table."""

import importlib
import pkgutil
from pathlib import Path

for info in sorted(pkgutil.iter_modules([str(Path(__file__).parent)]), key=lambda m: m.name):
    if not info.name.startswith("_"):
        print(f"\n## {info.name}\n", flush=True)
        importlib.import_module(f"benchmarks.{info.name}").main()
