"""The published-strategies benchmark (benchmarks/published_strategies.py) on topic files written here in the
CLEF TAR layout: strategies are found, read in the syntax their marks show, refused ones are named."""

import re

from benchmarks import published_strategies as bench

UNNUMBERED = """Topic: CD000001

Title: A made-up review

Query:
exp Aged/
elderly.ti,ab.
or/1-2
limit 3 to english language

Pids:
    1
"""
PUBMED = 'Topic: CD000002\n\nQuery:\n"Aged"[Mesh] OR elderly[tiab]\n\nPids:\n    2\n'
BROKEN = "Topic: CD000003\n\nQuery:\nexp Aged/\nor/2-5\n\nPids:\n    3\n"


def test_strategies_are_read_and_the_broken_one_is_named(tmp_path, monkeypatch, capsys) -> None:
    topics = tmp_path / "2019-TAR" / "Task2" / "topics"
    topics.mkdir(parents=True)
    for name, text in (("CD000001", UNNUMBERED), ("CD000002", PUBMED), ("CD000003", BROKEN), ("CD000004", UNNUMBERED)):
        (topics / name).write_text(text, encoding="utf-8")
    monkeypatch.setattr(bench, "CLEF_TAR", tmp_path)
    bench.main()
    out = capsys.readouterr().out
    assert "3 distinct strategies" in out  # the repeated topic counts once
    rows = {row[0]: row[1:] for row in (re.split(r"\s{2,}", line) for line in out.splitlines())
            if row[0] in ("ovid", "pubmed")}
    assert rows == {"ovid": ["1", "0", "1"], "pubmed": ["0", "1", "0"]}
    assert "failed to be written or read back (of 2 per syntax): none" in out
    assert "CD000003: or/2-5 refers to line(s) 2, 3, 4, 5 not above it (line 2, column 1)" in out


def test_without_the_topics_it_says_where_to_get_them(tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.setattr(bench, "CLEF_TAR", tmp_path / "absent")
    bench.main()
    assert "not run: no CLEF TAR topics" in capsys.readouterr().out
