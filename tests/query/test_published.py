"""Search strategies as published (appendices of reviews, the databases' help pages, strings Scopus and
Web of Science print): every valid one parses as published in its own syntax; the invalid ones are
rejected with the real cause at the right line and column."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from review_tools.query import QuerySyntaxError, analyse, translate
from review_tools.query.tree import terms

DATA = Path(__file__).resolve().parents[1] / "data" / "published_strategies.yaml"
STRATEGIES = YAML(typ="safe").load(DATA.read_text(encoding="utf-8"))["strategies"]
VALID = [s for s in STRATEGIES if s["valid"]]
INVALID = [s for s in STRATEGIES if not s["valid"]]


def test_the_set_covers_every_syntax_with_real_strings() -> None:
    per_syntax = Counter(s["syntax"] for s in VALID)
    assert len(VALID) >= 40, len(VALID)
    assert set(per_syntax) >= {"pubmed", "scopus", "wos", "ebsco", "proquest", "ovid", "cochrane", "embase"}
    assert all(s["source"] for s in STRATEGIES)


@pytest.mark.parametrize("strategy", VALID, ids=[s["id"] for s in VALID])
def test_published_strategy_parses_as_published(strategy) -> None:
    parsed = analyse(strategy["text"], strategy["syntax"])
    assert terms(parsed.tree) or parsed.tree is not None
    for target in ("pubmed", "scopus", "wos", "ebsco", "proquest", "ovid", "cochrane", "embase"):
        text, _ = translate(parsed.tree, target)  # every strategy can be written in every syntax
        analyse(text, target)


@pytest.mark.parametrize("strategy", INVALID, ids=[s["id"] for s in INVALID])
def test_invalid_strategy_is_rejected_at_its_cause(strategy) -> None:
    with pytest.raises(QuerySyntaxError) as info:
        analyse(strategy["text"], strategy["syntax"])
    err, want = info.value, strategy["error"]
    assert want["message"] in err.message, err.message
    assert (err.line, err.column) == (want["line"], want["column"]), str(err)
