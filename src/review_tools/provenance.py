"""Provenance facts for the manifest: file hashes, package versions, the git state.

Kept free of heavy imports so a no-change rerun stays as fast as starting Python.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import subprocess
from collections.abc import Iterable, Mapping
from importlib import metadata
from pathlib import Path
from typing import Any

PACKAGES = (
    "review-tools", "papermill", "nbconvert", "nbformat", "ipykernel", "pydantic", "ruamel.yaml",
    "numpy", "pandas", "scipy", "scikit-learn", "matplotlib", "rapidfuzz", "rispy", "bibtexparser",
)


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def files_under(path: Path) -> list[Path]:
    """``path`` itself if it is a file, else every non-hidden file below it, sorted."""
    if path.is_file():
        return [path]
    if not path.is_dir():
        return []
    return sorted(
        p for p in path.rglob("*")
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(path).parts)
    )


def hash_inputs(paths: Iterable[Path], root: Path) -> dict[str, str]:
    """sha256 of every file in or below ``paths``, keyed by its path relative to ``root`` when inside it."""
    out: dict[str, str] = {}
    for base in paths:
        for f in files_under(base):
            try:
                key = f.resolve().relative_to(root.resolve()).as_posix()
            except ValueError:
                key = str(f.resolve())
            out[key] = sha256_file(f)
    return dict(sorted(out.items()))


def package_versions(names: Iterable[str] = PACKAGES) -> dict[str, str]:
    out = {"python": platform.python_version()}
    for name in names:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def source_digest() -> str:
    """One hash over review_tools' own source files, so a code change re-executes the notebooks."""
    root = Path(__file__).parent
    h = hashlib.sha256()
    for f in files_under(root):
        if f.suffix in (".py", ".yaml", ".j2", ".json", ".css"):
            h.update(f.relative_to(root).as_posix().encode())
            h.update(f.read_bytes())
    return h.hexdigest()


# A received review's repository configuration is not trusted: ``git status`` would otherwise run its
# fsmonitor command, hooks and the clean filters its attributes name.
_GIT_SAFE = ("-c", "core.fsmonitor=false", "-c", "core.hooksPath=/dev/null", "-c", "core.untrackedCache=false")


def _git(directory: Path, *args: str) -> str | None:
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "GIT_OPTIONAL_LOCKS": "0"}
    try:
        done = subprocess.run(["git", *_GIT_SAFE, *args], cwd=directory, capture_output=True, text=True,
                              timeout=10, env=env, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout if done.returncode == 0 else None


def git_state(directory: Path) -> dict[str, Any]:
    """Commit and dirty flag of the git checkout at ``directory`` (None where it is not one), found without
    running anything the repository configures: fsmonitor and hooks are switched off and every filter driver
    (``filter.<name>.clean``/``process``) is emptied, which git treats as no filter."""
    commit = _git(directory, "rev-parse", "--verify", "HEAD")
    drivers = _git(directory, "config", "--name-only", "--get-regexp", r"^filter\..*\.(clean|process)$") or ""
    no_filters = [arg for key in drivers.split() for arg in ("-c", f"{key}=")]
    status = _git(directory, *no_filters, "status", "--porcelain", "--untracked-files=no",
                  "--ignore-submodules=all")
    return {
        "commit": commit.strip() if commit else None,
        "dirty": bool(status.strip()) if status is not None else None,
    }


def digest(obj: Mapping[str, Any]) -> str:
    """A stable hash of a JSON-serialisable mapping."""
    return hashlib.sha256(json.dumps(obj, sort_keys=True, default=str).encode()).hexdigest()
