"""Screening decisions: the log, automatic criteria, agreement, conflicts, carry-over to a new search."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from benchmarks.reliability import start_writers

from review_tools import dedup
from review_tools.io.importer import import_file
from review_tools.protocol import load_protocol
from review_tools.records import Record, assign_ids, fold
from review_tools.screening import (
    Decision,
    DecisionLog,
    ScreeningError,
    agreement,
    automatic_exclusions,
    carry_over,
    conflicts,
    final_decisions,
    kappa_band,
    read_decision_file,
    screened_in_order,
)

ROOT = Path(__file__).resolve().parents[1]
PROTOCOL = load_protocol(ROOT / "review" / "protocol.yaml")
TA = "title_abstract"


def _log(tmp_path, ids=("r1", "r2", "r3")) -> DecisionLog:
    return DecisionLog(tmp_path / "screening", PROTOCOL, ids)


def test_append_and_latest_wins(tmp_path) -> None:
    log = _log(tmp_path)
    log.record([Decision("r1", TA, "anna", "include"), Decision("r2", TA, "anna", "exclude", ("E2",))])
    log.record([Decision("r1", TA, "anna", "exclude", ("I3",), note="not about segmentation after all")])
    history = log.read(TA, "anna")
    assert [(d.record_id, d.decision) for d in history] == [("r1", "include"), ("r2", "exclude"), ("r1", "exclude")]
    latest = log.latest(TA)["anna"]
    assert latest["r1"].decision == "exclude" and latest["r1"].note.startswith("not about")
    assert all(d.timestamp for d in history)
    assert log.path(TA, "anna").name == "title_abstract__anna.csv"


@pytest.mark.parametrize(("decision", "message"), [
    (Decision("r1", TA, "anna", "exclude", ("E9",)), r"reason code\(s\) E9 not valid at title_abstract"),
    (Decision("r1", TA, "anna", "exclude", ("E4",)), "E4 not valid at title_abstract"),  # full-text only
    (Decision("r1", TA, "anna", "exclude"), "needs a reason code"),
    (Decision("nope", TA, "anna", "include"), "unknown record 'nope'"),
    (Decision("r1", TA, "anna", "perhaps"), "decision 'perhaps' is not one of include, exclude, maybe"),
    (Decision("r1", "fulltext2", "anna", "include"), "stage 'fulltext2' is not one of"),
    (Decision("r1", TA, "an na", "include"), "reviewer name 'an na'"),
])
def test_bad_decisions_are_refused_and_nothing_is_written(tmp_path, decision, message) -> None:
    log = _log(tmp_path)
    with pytest.raises(ScreeningError, match=message):
        log.record([Decision("r2", TA, "anna", "include"), decision])
    assert log.read() == []


def test_malformed_file_names_the_line(tmp_path) -> None:
    path = tmp_path / "title_abstract__anna.csv"
    path.write_text("record_id,stage,reviewer,decision,reasons,note,timestamp,source\n"
                    "r1,title_abstract,anna,include,,,t,manual\nr2,title_abstract,anna,yes,,,t,manual\n")
    with pytest.raises(ScreeningError, match=r"title_abstract__anna\.csv:3: decision 'yes'"):
        read_decision_file(path)


WRITER = """
import sys
from pathlib import Path
from review_tools.protocol import load_protocol
from review_tools.screening import Decision, DecisionLog
log = DecisionLog(Path(sys.argv[1]), load_protocol(sys.argv[2]))
i = 0
print("ready", flush=True)
while True:
    log.record([Decision(f"r{i}", "title_abstract", "anna", "exclude", ("E2",), note="x" * 2000)])
    i += 1
"""


def test_a_killed_writer_never_leaves_a_half_written_file(tmp_path) -> None:
    folder = tmp_path / "screening"
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(folder), str(ROOT / "review" / "protocol.yaml")],
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "ready"
    time.sleep(1.5)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    decisions = read_decision_file(folder / "title_abstract__anna.csv")
    assert len(decisions) > 5
    assert [d.record_id for d in decisions] == [f"r{i}" for i in range(len(decisions))]
    assert all(d.note == "x" * 2000 for d in decisions)


def test_automatic_exclusions_by_protocol_rules(tmp_path) -> None:
    text = (ROOT / "review" / "protocol.yaml").read_text(encoding="utf-8")
    path = tmp_path / "protocol.yaml"
    rule = "    rule: {type: has_abstract}\n    stage: title_abstract "
    path.write_text(text.replace("    stage: title_abstract ", rule, 1), encoding="utf-8")
    protocol = load_protocol(path)
    assert next(c for c in protocol.criteria if c.code == "E1").rule is not None
    records = [
        Record(title="Old", year=1999, abstract="a", language="en", document_type="article"),
        Record(title="Swedish", year=2010, abstract="a", language="sv", document_type="article"),
        Record(title="Editorial", year=2010, abstract="a", language="en", document_type="editorial"),
        Record(title="No abstract", year=2010, language="fi", document_type="article"),
        Record(title="Fine", year=2010, abstract="a", language="en", document_type="article"),
        Record(title="Unknown year and language", abstract="a"),
    ]
    assign_ids(records)
    auto = {d.record_id: d.reasons for d in automatic_exclusions(records, protocol, TA)}
    assert auto == {records[0].id: ("I1",), records[1].id: ("I2",), records[2].id: ("E3",), records[3].id: ("E1",)}
    full = {d.record_id: d.reasons for d in automatic_exclusions(records, protocol, "full_text")}
    assert records[3].id not in full  # the abstract rule applies at title/abstract only


def test_kappa_against_a_hand_computed_value(tmp_path) -> None:
    ids = [f"r{i}" for i in range(10)]
    log = _log(tmp_path, ids)
    a = ["include"] * 4 + ["exclude"] * 6
    b = ["include"] * 3 + ["exclude"] * 6 + ["include"]
    log.record([Decision(i, TA, "anna", d, () if d == "include" else ("E2",)) for i, d in zip(ids, a, strict=True)])
    log.record([Decision(i, TA, "ben", d, () if d == "include" else ("E2",)) for i, d in zip(ids, b, strict=True)])
    latest = log.latest(TA)
    result = agreement(latest["anna"], latest["ben"], TA)
    # observed 0.8; expected 0.4*0.4 + 0.6*0.6 = 0.52; kappa = (0.8 - 0.52) / (1 - 0.52)
    assert result.percent == pytest.approx(0.8)
    assert result.kappa == pytest.approx(0.28 / 0.48)
    assert result.band == "moderate" and result.n == 10
    assert [(x.record_id, x.decision, y.decision) for x, y in conflicts(latest["anna"], latest["ben"])] == [
        ("r3", "include", "exclude"), ("r9", "exclude", "include")]
    assert (kappa_band(-0.1), kappa_band(0.1), kappa_band(0.9)) == ("poor", "slight", "almost perfect")


def test_final_decisions_with_consensus_and_automation(tmp_path) -> None:
    log = _log(tmp_path, ["r1", "r2", "r3", "r4"])
    log.record([Decision("r1", TA, "anna", "include"), Decision("r2", TA, "anna", "include"),
                Decision("r3", TA, "anna", "include")])
    log.record([Decision("r1", TA, "ben", "include"), Decision("r2", TA, "ben", "exclude", ("E2",)),
                Decision("r3", TA, "ben", "maybe")])
    log.record([Decision("r4", TA, "automatic", "exclude", ("I1",), source="automatic")])
    final = final_decisions(log, TA)
    assert set(final) == {"r1", "r4"}  # r2 and r3 are in conflict
    log.record([Decision("r2", TA, "consensus", "exclude", ("E2",), note="agreed in meeting")])
    final = final_decisions(log, TA)
    assert final["r2"].reviewer == "consensus" and final["r4"].source == "automatic"
    # exclusions derived from the protocol's rules (not logged) take the same place as logged ones:
    # they override agreeing reviewers, and a resolver overrides them
    derived = [Decision("r1", TA, "automatic", "exclude", ("I2",), source="automatic"),
               Decision("r2", TA, "automatic", "exclude", ("I2",), source="automatic")]
    final = final_decisions(log, TA, automatic=derived)
    assert final["r1"].reasons == ("I2",) and final["r2"].reviewer == "consensus"


def test_carry_over_across_two_real_exports(external, tmp_path) -> None:
    """Decisions made on the screened set (screened_128) follow the same works when the search is rerun
    from the five source exports and deduplicated."""
    base = external / "citesource-exports"
    first = import_file(base / "screened_128.ris").records
    final_ids = {r.id for r in import_file(base / "final_24.ris").records}
    log = DecisionLog(tmp_path / "screening", PROTOCOL, [r.id for r in first])
    log.record([Decision(r.id, TA, "anna", "include" if r.id in final_ids else "exclude",
                         () if r.id in final_ids else ("E2",)) for r in first])
    rerun = []
    for name in ("Dimensions_246.ris", "econlit_3.ris", "envindex_100.ris", "medline_84.ris", "wos_278.ris"):
        rerun.extend(import_file(base / name, database=name.split("_")[0]).records)
    assign_ids(rerun)
    merged = dedup.deduplicate(rerun).records
    carried, to_screen = carry_over(log.read(TA), merged, previous=first)
    carried_ids = {d.record_id for d in carried}
    assert len(to_screen) == len(merged) - len(carried_ids) > 0
    # every screened work that the rerun found again (same DOI, or same folded title and year) keeps its
    # decision; a version that differs in year as well is a pair for a person, so it is screened again
    again = {r.doi for r in rerun if r.doi} | {(fold(r.title), r.year) for r in rerun}
    found = [r for r in first if (r.doi and r.doi in again) or (fold(r.title), r.year) in again]
    assert len(found) >= 90
    by_new = {r.id: r for r in merged}
    merged_ids = {m: r.id for r in merged for m in (r.id, *r.duplicate_ids)}
    decision_of = {d.record_id: d.decision for d in log.read(TA)}
    carried_by_id: dict[str, set[str]] = {}
    for d in carried:  # two versions of one work screened earlier both carry their decision
        carried_by_id.setdefault(d.record_id, set()).add(d.decision)
    for r in found:
        target = merged_ids.get(r.id) or next(
            n.id for n in merged if (r.doi and n.doi == r.doi) or (fold(n.title), n.year) == (fold(r.title), r.year))
        assert decision_of[r.id] in carried_by_id.get(target, set()), r.title
    assert all(d.record_id in by_new for d in carried)


def test_calibration_sample_is_seeded() -> None:
    from review_tools.screening import calibration_sample

    records = [Record(title=f"t{i}") for i in range(50)]
    assign_ids(records)
    a = calibration_sample(records, 10, seed=3)
    assert a == calibration_sample(records, 10, seed=3) != calibration_sample(records, 10, seed=4)
    assert len({r.id for r in a}) == 10
    with pytest.raises(ScreeningError, match="needs 1 to 50 records"):
        calibration_sample(records, 51, seed=3)


def test_concurrent_writers_to_one_log_lose_nothing(tmp_path) -> None:
    """Two processes appending to one reviewer's file once lost up to 45 % of the decisions they reported
    saved (each rewrote the file from its own stale copy)."""
    folder = tmp_path / "screening"
    procs = start_writers(folder, ["a", "b", "c", "d"], 150)
    saved = [line.strip() for p in procs for line in p.stdout]
    assert all(p.wait() == 0 for p in procs)
    decisions = read_decision_file(folder / "title_abstract__anna.csv")
    assert len(saved) == 600
    assert sorted(d.record_id for d in decisions) == sorted(saved)  # nothing lost, nothing doubled
    assert all(d.note == f"{d.record_id.split('-')[0]} row {d.record_id.split('-')[1]}" for d in decisions)


def test_writers_killed_at_random_keep_every_decision_they_reported(tmp_path) -> None:
    """SIGKILL at random moments: every decision a writer reported saved is in the log, the log reads
    cleanly, and no temporary file stays behind after the next write."""
    import random

    folder = tmp_path / "screening"
    rng = random.Random(7)
    reported: list[str] = []
    for round_ in range(4):
        procs = start_writers(folder, [f"k{round_}x", f"k{round_}y"], 100_000)
        time.sleep(rng.uniform(0.2, 0.8))
        for p in procs:
            os.kill(p.pid, signal.SIGKILL)
        for p in procs:
            p.wait()
            reported += [line.strip() for line in p.stdout if line.endswith("\n")]
    log = DecisionLog(folder, PROTOCOL)
    log.record([Decision("final", "title_abstract", "anna", "include")])
    decisions = read_decision_file(folder / "title_abstract__anna.csv")
    ids = {d.record_id for d in decisions}
    assert reported and set(reported) <= ids
    assert not list(folder.glob(".*.tmp-*"))


def test_a_log_saved_by_excel_reads_and_takes_new_rows(tmp_path) -> None:
    """Excel's 'CSV UTF-8' adds a BOM and CRLF line ends; the file once failed with 'missing column(s)
    record_id'."""
    folder = tmp_path / "screening"
    folder.mkdir()
    path = folder / "title_abstract__anna.csv"
    path.write_bytes("\ufeff".encode() + b"record_id,stage,reviewer,decision,reasons,note,timestamp,source\r\n"
                     b"r1,title_abstract,anna,include,,,2024-01-01T00:00:00,manual\r\n")
    log = _log(tmp_path)
    log.record([Decision("r2", "title_abstract", "anna", "exclude", ("E2",))])
    assert [d.record_id for d in read_decision_file(path)] == ["r1", "r2"]


def test_a_stage_is_complete_when_every_reviewer_decided_every_record(tmp_path) -> None:
    """Until then report 03 keeps the reviewers blind to each other (agreement and conflicts hidden)."""
    from review_tools.screening import stage_complete

    log = DecisionLog(tmp_path, PROTOCOL)
    ids = ["r1", "r2"]
    assert stage_complete(log, "title_abstract", ids)  # nobody has started: nothing to hide
    log.record([Decision("r1", "title_abstract", "anna", "include"), Decision("r2", "title_abstract", "anna", "maybe"),
                Decision("r1", "title_abstract", "ben", "exclude", ("E2",))])
    assert not stage_complete(log, "title_abstract", ids)  # ben has not decided r2
    log.record([Decision("r2", "title_abstract", "consensus", "include")])
    assert not stage_complete(log, "title_abstract", ids)  # a resolver does not count as a reviewer
    log.record([Decision("r2", "title_abstract", "ben", "include")])
    assert stage_complete(log, "title_abstract", ids)


def test_report_03_hides_conflicts_until_the_stage_is_complete(tmp_path) -> None:
    import shutil

    from review_tools.cli import main

    shutil.copytree(ROOT / "review", tmp_path / "review")
    (tmp_path / "notebooks").mkdir()
    shutil.copy(ROOT / "notebooks" / "03_screening.ipynb", tmp_path / "notebooks")
    second = tmp_path / "review" / "screening" / "title_abstract__reviewer_2.csv"
    lines = second.read_text(encoding="utf-8").splitlines()
    second.write_text("\n".join(lines[:-1]) + "\n", encoding="utf-8")  # reviewer_2 has one record to go
    assert main(["run", "--project", str(tmp_path)]) == 0
    page = (tmp_path / "reports" / "03_screening.html").read_text(encoding="utf-8")
    assert "agreement and conflicts are shown once every reviewer has decided every record" in page
    assert "Conflicts (title/abstract)" not in page and "Conflicts (full text)" in page
    text = (tmp_path / "review" / "protocol.yaml").read_text(encoding="utf-8")
    (tmp_path / "review" / "protocol.yaml").write_text(text + "\nreports:\n  unblinded: true\n", encoding="utf-8")
    assert main(["run", "--project", str(tmp_path)]) == 0
    assert "Conflicts (title/abstract)" in (tmp_path / "reports" / "03_screening.html").read_text(encoding="utf-8")


def test_screened_in_order_is_includes_and_excludes_in_the_order_made() -> None:
    assert screened_in_order(["exclude", "maybe", "include", "exclude"]) == [0, 1, 0]
