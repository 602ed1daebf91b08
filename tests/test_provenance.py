"""Provenance: the git state of a review read without running what its repository configures."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from review_tools.provenance import git_state

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def _git(repo, *args: str) -> str:
    return subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args], cwd=repo,
                          check=True, capture_output=True, text=True).stdout


def test_git_state_runs_no_fsmonitor_hook_or_filter_of_the_review(tmp_path) -> None:
    repo, marker = tmp_path / "review", tmp_path / "ran"
    repo.mkdir()
    _git(repo, "init", "-q")
    (repo / "protocol.yaml").write_text("title: x\n")
    _git(repo, "add", "protocol.yaml")
    _git(repo, "commit", "-qm", "first")
    head = _git(repo, "rev-parse", "HEAD").strip()
    script = tmp_path / "evil.sh"
    script.write_text(f"#!/bin/sh\necho \"$0 $*\" >> {marker}\ncat\n")
    script.chmod(0o755)
    (repo / ".git" / "hooks" / "post-index-change").write_text(script.read_text())
    (repo / ".git" / "hooks" / "post-index-change").chmod(0o755)
    (repo / ".gitattributes").write_text("* filter=evil\n")
    _git(repo, "config", "core.fsmonitor", str(script))
    _git(repo, "config", "filter.evil.clean", str(script))
    _git(repo, "config", "filter.evil.process", str(script))
    (repo / "protocol.yaml").write_text("title: changed\n")

    state = git_state(repo)
    assert state == {"commit": head, "dirty": True}
    assert not marker.exists()


def test_outside_a_checkout_there_is_no_commit(tmp_path) -> None:
    assert git_state(tmp_path) == {"commit": None, "dirty": None}
