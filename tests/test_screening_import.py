"""Decisions from Rayyan and ASReview exports attach to the works of the review's record set."""

from __future__ import annotations

from pathlib import Path

import pytest

from review_tools.io.importer import import_file
from review_tools.protocol import load_protocol
from review_tools.screening import DecisionLog, ScreeningError
from review_tools.screening_import import import_asreview, import_rayyan

ROOT = Path(__file__).resolve().parents[1]
PROTOCOL = load_protocol(ROOT / "review" / "protocol.yaml")
RAYYAN = ROOT / "tests" / "data" / "rayyan_export.csv"
REASONS = {"wrong publication date": "I1", "wrong setting": "E2"}


def test_rayyan_decisions_attach_to_the_corpus(tmp_path) -> None:
    corpus = import_file(ROOT / "review" / "corpus" / "seed_references.ris").records
    decisions, missing = import_rayyan(RAYYAN, corpus, "title_abstract", REASONS)
    by = {(d.reviewer, d.record_id): d for d in decisions}
    yim = next(r.id for r in corpus if r.title.startswith("Customer relationship management: Its dimensions"))
    storbacka = next(r.id for r in corpus if r.title.startswith("Asiakkuuden ehdoilla"))
    assert by[("Anna_Virtanen", yim)].decision == "include" and by[("Ben", yim)].decision == "include"
    assert by[("Anna_Virtanen", storbacka)].reasons == ("I1", "E2") and by[("Ben", storbacka)].decision == "maybe"
    assert missing == ["A work that is not in the review"]
    assert len(decisions) == 4 and all(d.source == "import:rayyan" for d in decisions)
    log = DecisionLog(tmp_path, PROTOCOL, [r.id for r in corpus])
    log.record(decisions)
    assert set(log.latest("title_abstract")) == {"Anna_Virtanen", "Ben"}


def test_rayyan_reason_without_a_code_is_an_error() -> None:
    with pytest.raises(ScreeningError, match=r"rayyan_export\.csv:3: Rayyan exclusion reason\(s\) 'wrong setting'"):
        import_rayyan(RAYYAN, import_file(RAYYAN).records, "title_abstract", {"wrong publication date": "I1"})


def test_asreview_labels(real) -> None:
    path = real("asreview-demo-data/generic_partial_labels.csv")
    records = import_file(path).records
    decisions, missing = import_asreview(path, records, "title_abstract", "asreview", "E2")
    # labels 1, 0, blank, blank, 1, 0: four decisions, blank rows not screened
    assert [d.decision for d in decisions] == ["include", "exclude", "include", "exclude"]
    assert decisions[1].reasons == ("E2",) and missing == []
    with pytest.raises(ScreeningError, match="no label column"):
        import_asreview(RAYYAN, records, "title_abstract", "asreview", "E2")
