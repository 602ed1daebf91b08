"""The review as the later reports see it: the deduplicated records, the final decision per record at
each stage, and the included studies, gathered once from the review folder.

The records are the search exports under ``review/searches/`` once there are any; until then the example
corpus (``review/corpus/seed_references.ris``) stands in, and ``from_corpus`` says so, so every report can
state which it shows.  Records found by other methods (websites, organisations, citation searching) that
the databases did not already give are kept apart in ``other``: PRISMA 2020 sends them straight to
full-text retrieval.  Automatic exclusions are recomputed from the protocol's rules each time (they are
derived, not recorded) and go through the same precedence as logged ones: a resolver's decision
(``consensus``) overrides them.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from review_tools import dedup, prisma, screening, searches
from review_tools.io.importer import import_file
from review_tools.protocol import Protocol
from review_tools.records import Record
from review_tools.screening import INCLUDE, Decision, DecisionLog

CORPUS = Path("corpus") / "seed_references.ris"
CORPUS_SOURCE = "Example corpus (seed reference lists)"
TA, FT = "title_abstract", "full_text"


@dataclass
class ReviewState:
    records: list[Record]
    identified: dict[str, int]
    deduplicated: dedup.DedupResult
    from_corpus: bool
    log: DecisionLog
    automatic: list[Decision]
    title_abstract: dict[str, Decision]
    full_text: dict[str, Decision]
    other: dict[str, list[Record]] = field(default_factory=dict)
    other_already_found: int = 0
    other_repeated: int = 0

    @property
    def by_id(self) -> dict[str, Record]:
        return {r.id: r for r in self.all_records}

    @property
    def other_records(self) -> list[Record]:
        """The records found only by other methods, method by method."""
        return [r for found in self.other.values() for r in found]

    @property
    def all_records(self) -> list[Record]:
        """The database records, then those found only by other methods."""
        return [*self.records, *self.other_records]

    @property
    def included(self) -> list[Record]:
        """Records included at full text, in record order (database records first)."""
        return [r for r in self.all_records if r.id in self.full_text and self.full_text[r.id].decision == INCLUDE]

    def to_screen(self, stage: str) -> list[Record]:
        """The records a reviewer decides at ``stage``: at title/abstract the database records not excluded
        by a protocol rule; at full text the reports sought (included at title/abstract) and every record
        found only by other methods."""
        if stage == TA:
            automatic = {d.record_id for d in self.automatic}
            return [r for r in self.records if r.id not in automatic]
        sought = [r for r in self.records if r.id in self.title_abstract
                  and self.title_abstract[r.id].decision == INCLUDE]
        return [*sought, *self.other_records]

    def prisma_counts(self, previous_studies: int | None = None,
                      previous_reports: int | None = None) -> prisma.PrismaCounts:
        return prisma.compute(self.identified, self.deduplicated, self.title_abstract, self.full_text,
                              not_retrieved_codes=self.log.protocol.not_retrieved_codes,
                              previous_studies=previous_studies, previous_reports=previous_reports,
                              other=self._other_ids())

    def prisma_flow(self) -> prisma.Flow:
        """The record ids behind each box of :meth:`prisma_counts`."""
        return prisma.flow(self.deduplicated, self.title_abstract, self.full_text,
                           not_retrieved_codes=self.log.protocol.not_retrieved_codes, other=self._other_ids())

    def _other_ids(self) -> dict[str, list[str]]:
        return {kind: [r.id for r in found] for kind, found in self.other.items()}


def load(protocol: Protocol, review_dir: str | Path) -> ReviewState:
    """Import and deduplicate the searches (or take the example corpus), read the decision log, and
    reduce it to one final decision per record and stage."""
    review_dir = Path(review_dir)
    imported = searches.import_searches(protocol, review_dir)
    if imported.records:
        result = searches.deduplicate_searches(imported, review_dir)
        identified = dict(Counter(r.database for r in imported.records))
        from_corpus = False
    else:
        corpus = review_dir / CORPUS
        found = import_file(corpus).records if corpus.exists() else []
        for r in found:
            r.database = CORPUS_SOURCE
        result = dedup.deduplicate(found)
        identified = {CORPUS_SOURCE: len(found)} if found else {}
        from_corpus = True
    other, (already, repeated) = _found_only_by_other_methods(protocol, review_dir, result)
    ids = {r.id for r in result.records}
    log = DecisionLog(review_dir / "screening", protocol)
    auto = screening.automatic_exclusions(result.records, protocol, TA)
    ta = {i: d for i, d in screening.final_decisions(log, TA, automatic=auto).items() if i in ids}
    ids |= {r.id for found in other.values() for r in found}
    ft = {i: d for i, d in screening.final_decisions(log, FT).items() if i in ids}
    return ReviewState(result.records, identified, result, from_corpus, log, auto, ta, ft, other, already, repeated)


def _found_only_by_other_methods(protocol: Protocol, review_dir: Path, databases: dedup.DedupResult
                                 ) -> tuple[dict[str, list[Record]], tuple[int, int]]:
    """Per other method (its ``kind``), the records it found that the database searches did not (joined
    with them by the same deduplication, a person's decisions on uncertain pairs included); and how many
    of its records the databases had already found, and how many repeated another new one."""
    imported = searches.import_other_methods(protocol, review_dir)
    if not imported.records:
        return {}, (0, 0)
    known = {i for r in databases.records for i in (r.id, *r.duplicate_ids)}
    fresh = [r for r in imported.records if r.id not in known]
    joined = dedup.deduplicate([*databases.records, *fresh], dedup.read_decisions(review_dir / searches.UNCERTAIN_FILE))
    kinds = {m.source: m.kind for m in protocol.other_methods}
    fresh_by_id = {r.id: r for r in fresh}
    other: dict[str, list[Record]] = {m.kind: [] for m in protocol.other_methods}
    new = 0
    for r in joined.records:
        members = {r.id, *r.duplicate_ids}
        if members & known:
            continue
        first = fresh_by_id[min(members & fresh_by_id.keys())]
        other[kinds[first.database]].append(r)
        new += len(members)
    clusters = sum(map(len, other.values()))
    return other, (len(imported.records) - new, new - clusters)


def add_form_rows(protocol: Protocol, review_dir: str | Path) -> dict[Path, int]:
    """Add an empty row for every included study not yet in each appraisal reviewer's file and in the
    extraction file (rows already there are never changed); returns rows added per file."""
    from review_tools import appraisal, extraction, instruments
    from review_tools.synthesis import study_labels

    review_dir = Path(review_dir)
    labels = study_labels(load(protocol, review_dir).included)
    instrument = instruments.for_protocol(protocol)
    added = {}
    for reviewer in protocol.appraisal.reviewers or ["reviewer_1"]:
        path = review_dir / "appraisal" / f"{reviewer}.csv"
        added[path] = appraisal.write_template(path, instrument, labels)
    path = review_dir / "extraction" / "extraction.csv"
    added[path] = extraction.write_template(path, protocol, labels)
    return added
