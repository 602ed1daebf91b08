"""Find and merge duplicate records across database exports, without losing anything.

1. Blocking: only records that share a DOI, a title key (whole, first or last 30 characters), or
   (year, first author, first page) are compared, so 100 000 records do not mean 5 billion pairs.
2. Comparison (rapidfuzz): title similarity plus the evidence and conflicts of authors, year, volume,
   pages, journal and abstract give each pair one of three verdicts: duplicate, uncertain, distinct.
   Uncertain pairs go to a CSV a person decides; their decisions are read back on the next run.
   An erratum notice ('Erratum: X', 'X (vol 360, pg 542, 2009)') joins the work it corrects only when
   year, volume and authors agree (errata are records of that publication, not studies of their own);
   it never becomes the record kept.
3. Clusters: duplicate pairs are joined into clusters, never joining two different DOIs.  Each cluster
   becomes one record: the most complete member, with its empty fields filled from the others, every
   source database kept, and the ids of the removed members kept in ``duplicate_ids``.
4. A log row for every removed record says which record it was merged into and why.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from itertools import combinations
from pathlib import Path

from rapidfuzz import fuzz

from review_tools.atomic import atomic_write, locked
from review_tools.csv_cells import from_cell, safe_row
from review_tools.errors import ReviewToolsError
from review_tools.io.cleaning import is_placeholder
from review_tools.records import Record, first_author_key, fold

DUPLICATE, UNCERTAIN, DISTINCT = "duplicate", "uncertain", "distinct"
MAX_BLOCK = 200
# Blocks up to this size compare every pair.  In a larger block, a pair already linked through duplicate
# verdicts is not compared again: 90 copies of one work cost about 90 comparisons instead of 4,005
# (the reliability run's 100,000 records with ~90 copies per title took 273 s).
FULL_BLOCK = 32
_NESTED_BRACKETS = r"\[(?:[^\[\]]|\[[^\[\]]*\])*\]"
_NESTED_PARENS = r"(?:[^()]|\([^()]*\))*\)"
_TRAILING_NOTE = re.compile(
    rf"\s*\.?\s*(?:{_NESTED_BRACKETS}|\((?:vol|erratum|[a-z ]*language|chinese|german|french|spanish|japanese|"
    rf"russian|italian|review|editorial|new england|published){_NESTED_PARENS}"
    r"|\[(?:erratum|comment|retracted|retraction|corrected|update)[^\[\]]*)\s*\.?\s*$", re.IGNORECASE)
_ERRATUM_PREFIX = re.compile(r"^\s*(?:erratum|errata|corrigendum|correction|addendum)(?:\s*:\s*|\s+to\b\s*:?\s*)",
                             re.IGNORECASE)
_ERRATUM_SUFFIX = re.compile(r"\s*(?:\(vol\.? \d+,? pg\.? \w+,? \d{4}\)|[:.]\s*(?:erratum|correction|corrigendum))"
                             r"\s*\.?\s*$", re.IGNORECASE)
_CITATION_NOTE = re.compile(r"\s*\((?=[A-Z])(?:[^()]|\([^()]*\)?)*\)?\s*\.?\s*$")
_PAGE = re.compile(r"^[Ss]?(\d+)$")
_DIGITS = re.compile(r"\d+")
MIN_SAME_RECORD_TITLE = 30
# Compared text is bounded: edit distance grows with the product of the lengths, and a damaged export can
# put a whole article into a title (200 titles of 180 kB took hours).  The longest real titles are near
# 600 characters, so two titles that agree on their first 1,000 characters are the same title here.
TITLE_CHARS = 1000
FIELD_CHARS = 300


def clean_title(title: str) -> str:
    """The title without database annotations ('[Review] [23 refs]', '(vol 360, pg 542, 2009)',
    '[Erratum appears in ...]' even when cut short, '[Japanese]', a title wrapped in brackets), so versions
    of one work compare equal.  An erratum's own label is handled by :func:`erratum_title`."""
    previous = None
    while previous != title:
        previous = title
        stripped = _TRAILING_NOTE.sub("", title)
        title = stripped if len(stripped) >= 10 else title
    wrapped = re.match(r"^\s*\[(.{10,})\]\s*\.?\s*$", title)
    title = wrapped.group(1) if wrapped else title
    return title


def erratum_title(title: str) -> tuple[str, bool]:
    """``(title of the corrected work, True)`` for an erratum notice ('Erratum: X (Journal (2007) ...)',
    'X (vol 360, pg 542, 2009)', '"X": Correction'), else ``(title, False)``.  Errata carry the title of the
    work they correct; a database lists them as records of their own."""
    prefixed = _ERRATUM_PREFIX.sub("", title, count=1)
    if prefixed != title:
        return _CITATION_NOTE.sub("", prefixed) or prefixed, True
    suffixed = _ERRATUM_SUFFIX.sub("", title, count=1)
    return suffixed, suffixed != title


def _page_range(pages: str) -> tuple[int, int] | None:
    """First and last page as numbers ('S5-S10' -> (5, 10), '569' -> (569, 569)); None for article
    numbers ('e12724', 'c1804') and placeholders ('Suppl'), which cannot be compared with page numbers."""
    parts = re.split(r"\s*-\s*", (pages or "").strip(), maxsplit=1)
    first = _PAGE.match(parts[0])
    if not first:
        return None
    start = int(first.group(1))
    last = _PAGE.match(parts[1]) if len(parts) == 2 else None
    end = int(last.group(1)) if last else start
    if end < start and len(str(end)) < len(str(start)):  # '1383-92' style abbreviated end page
        end = int(str(start)[: len(str(start)) - len(str(end))] + str(end))
    return (start, max(start, end))


_ELLIPSES = ("…", "...")


@dataclass(frozen=True)
class _Key:
    doi: str
    title: str
    year: int | None
    author: str
    authors: str
    journal: str
    volume: str
    page: tuple[int, int] | None
    abstract: str
    erratum: bool
    cut: bool = False  # the title ends in an ellipsis: Google Scholar's (Publish or Perish's) cut-short titles
    snippet: bool = False  # the abstract is a snippet around the search words ('… text …'), not the abstract


def _known(value: str) -> str:
    """``value``, or '' for a placeholder ('NA', '[No abstract available]'): two records that both lack a
    value do not agree on it."""
    return "" if value and is_placeholder(value) else value


def _key(r: Record) -> _Key:
    volume = _DIGITS.search(_known(r.volume) or "")
    names = " ".join(sorted({t for a in r.authors[:3] for t in fold(a[:FIELD_CHARS]).split()
                             if len(t) >= 3 and t != "null"}))
    title, erratum = erratum_title((r.title or "")[:2 * TITLE_CHARS])
    return _Key(
        doi=r.doi, title=fold(clean_title(title))[:TITLE_CHARS], year=r.year,
        author=first_author_key([a[:FIELD_CHARS] for a in r.authors[:1]]), authors=names,
        journal=fold(_known(r.journal)[:FIELD_CHARS]), volume=volume.group(0) if volume else "",
        page=_page_range(_known(r.pages)), abstract=fold(_known(r.abstract[:400])), erratum=erratum,
        cut=(r.title or "").rstrip().endswith(_ELLIPSES), snippet=r.abstract.strip().startswith(_ELLIPSES),
    )


@dataclass(frozen=True)
class PairVerdict:
    a: str
    b: str
    verdict: str
    score: float
    reason: str


def _pages_agree(a: tuple[int, int] | None, b: tuple[int, int] | None) -> bool:
    """Same first page, or ranges that overlap (one database gives '569', another '567-569')."""
    if a is None or b is None:
        return True
    return a[0] == b[0] or (a[0] <= b[1] and b[0] <= a[1])


def _differ_only_in_numbers(a: str, b: str) -> bool:
    """'Consensus (Part 1 of 4)' and '(Part 2 of 4)': the same words, other numbers."""
    da, db = _DIGITS.findall(a), _DIGITS.findall(b)
    if not (da and db) or da == db:
        return False
    return fuzz.ratio(_DIGITS.sub("", a), _DIGITS.sub("", b)) >= 97


def title_similarity(a: str, b: str) -> float:
    """Similarity of two folded titles, 0..1: edit-based, robust to word order, and to a title cut short
    by one database (the shorter one, if at least 40 characters, found almost whole in the longer)."""
    if not (a and b):
        return 0.0
    sim = fuzz.ratio(a, b) / 100
    if sim < 0.97:
        sim = max(sim, fuzz.token_sort_ratio(a, b) / 100 - 0.02)
        short, long_ = sorted((a, b), key=len)
        if len(short) >= 40 and long_.startswith(short[:20]) and fuzz.partial_ratio(short, long_) >= 97:
            sim = max(sim, 0.95)
    return sim


def _cut_short_of(x: _Key, y: _Key) -> bool:
    """Whether one title is marked as cut short (an ellipsis) and is, for its first 50 characters or more,
    the start of the other: Google Scholar prints long titles so, and the mark says the rest is missing."""
    for cut, whole in ((x, y), (y, x)):
        if cut.cut and not whole.cut and len(cut.title) >= 50 and \
                fuzz.ratio(cut.title, whole.title[:len(cut.title)]) >= 97:
            return True
    return False


def compare(x: _Key, y: _Key) -> tuple[str, float, str]:
    """Verdict, title similarity and a short reason for one pair of records.

    Strong evidence (agreeing pages, same volume or abstract) can make up for a title that differs between
    databases; weak evidence (year, first author) cannot.  Any conflict (different years, pages, volumes,
    authors or abstracts) makes the pair distinct, or uncertain when everything else agrees.
    """
    title = title_similarity(x.title, y.title)
    if x.doi and y.doi:
        if x.doi == y.doi:
            if title >= 0.7 or not (x.title and y.title):
                return DUPLICATE, title, "same DOI"
            return UNCERTAIN, title, f"same DOI but titles differ (similarity {title:.2f})"
        if title >= 0.98 and x.year == y.year and x.page and y.page and x.page[0] == y.page[0]:
            return UNCERTAIN, title, "different DOIs but same title, year and first page"
        return DISTINCT, title, "different DOIs"

    strong, weak, conflicts = [], [], []
    if x.year and y.year:
        gap = abs(x.year - y.year)
        if gap == 0:
            weak.append("year")
        elif gap > 1 or not _pages_agree(x.page, y.page) or (x.volume and y.volume and x.volume != y.volume):
            conflicts.append(f"years {x.year}/{y.year}")
    if x.page and y.page:
        (strong if _pages_agree(x.page, y.page) else conflicts).append("pages")
    if x.volume and y.volume:
        (strong if x.volume == y.volume else conflicts).append("volume")
    if x.author and y.author and (x.author == y.author or fuzz.ratio(x.author, y.author) >= 85):
        weak.append("first author")
    elif x.authors and y.authors and not set(x.authors.split()) & set(y.authors.split()):
        conflicts.append("authors")
    if x.abstract and y.abstract and not (x.snippet or y.snippet):
        abstract = fuzz.ratio(x.abstract[:300], y.abstract[:300]) / 100
        if abstract >= 0.9:
            strong.append("abstract")
        elif abstract < 0.5 and len(x.abstract) > 100 and len(y.abstract) > 100:
            conflicts.append("abstracts")

    if _differ_only_in_numbers(x.title, y.title):
        conflicts.append("numbers in the titles")
    evidence = strong + weak
    basis = f"title {title:.2f}" + (f" + {', '.join(evidence)}" if evidence else "")
    if _same_record(x, y, title, strong, weak, conflicts):
        kind = "an erratum of" if x.erratum != y.erratum else "another listing of"
        return DUPLICATE, title, f"{basis}; pages differ ({kind} the same record)"
    if x.erratum != y.erratum:
        return (UNCERTAIN if title >= 0.97 and not conflicts else DISTINCT), title, \
            f"{basis}; one is an erratum, and year and volume do not both agree"
    if not conflicts and {"year", "first author"} <= set(weak) and _cut_short_of(x, y):
        return DUPLICATE, title, f"{basis} (one title cut short)"
    if conflicts == ["authors"] and title >= 0.97 and len(strong) >= 2:
        return DUPLICATE, title, f"{basis} (author names written differently)"
    if conflicts == ["numbers in the titles"] and len(strong) >= 2 and weak:
        return DUPLICATE, title, f"{basis} (a number in the title written differently)"
    if conflicts:
        soft = conflicts != ["numbers in the titles"]  # Part 1 / Part 2 by the same authors in one year
        if soft and title >= 0.95 and len(conflicts) == 1 and (len(evidence) >= 2 or conflicts == ["abstracts"]):
            return UNCERTAIN, title, f"{basis}; but {conflicts[0]} differ"
        return DISTINCT, title, f"{basis}; {', '.join(conflicts)} differ"
    if title >= 0.97 and ("year" in weak or strong or not (x.year and y.year)):
        return DUPLICATE, title, basis
    if title >= 0.9 and strong and weak:
        return DUPLICATE, title, basis
    if title >= 0.6 and len(strong) >= 2 and weak:
        return DUPLICATE, title, basis
    if title >= 0.85 or (title >= 0.6 and len(strong) >= 2):
        return UNCERTAIN, title, basis
    return DISTINCT, title, basis


def _same_record(x: _Key, y: _Key, title: float, strong: list[str], weak: list[str], conflicts: list[str]) -> bool:
    """Same title, year, volume and authors, only the pages differ: an erratum printed in a later issue
    under the work's title, or one database giving a conference abstract's or reprint's pages.  These are
    records of one publication (Rathbone et al. 2015 label them duplicates).  Short titles ('Editorial',
    'Reply') are left out: one author can write several in one volume."""
    if conflicts != ["pages"] or title < 0.97 or "volume" not in strong or "year" not in weak:
        return False
    if min(len(x.title), len(y.title)) < MIN_SAME_RECORD_TITLE:
        return False
    return "first author" in weak or bool(set(x.authors.split()) & set(y.authors.split()))


def candidate_blocks(keys: list[_Key]) -> tuple[set[tuple[int, int]], list[list[int]]]:
    """Index pairs that share a small block, and the large blocks (more than FULL_BLOCK members, at most
    MAX_BLOCK; larger ones hold no signal and are skipped)."""
    blocks: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for i, k in enumerate(keys):
        if k.doi:
            blocks[("doi", k.doi)].append(i)
        if len(k.title) >= 10:
            blocks[("t", k.title)].append(i)
            blocks[("t<", k.title[:30])].append(i)
            blocks[("t>", k.title[-30:])].append(i)
        if k.year and k.author and k.page:
            blocks[("yap", str(k.year), k.author, str(k.page[0]))].append(i)
        if k.abstract and len(k.abstract) > 80:
            blocks[("ab", k.abstract[:80])].append(i)
    pairs: set[tuple[int, int]] = set()
    large: list[list[int]] = []
    for members in blocks.values():
        if 1 < len(members) <= FULL_BLOCK:
            pairs.update(combinations(members, 2))
        elif FULL_BLOCK < len(members) <= MAX_BLOCK:
            large.append(members)
    return pairs, large


class _Clusters:
    """Union-find that refuses to join clusters holding different DOIs."""

    def __init__(self, dois: list[str]):
        self.parent = list(range(len(dois)))
        self.dois = [{d} if d else set() for d in dois]

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, i: int, j: int) -> bool:
        a, b = self.find(i), self.find(j)
        if a == b:
            return True
        if self.dois[a] and self.dois[b] and not (self.dois[a] & self.dois[b]):
            return False
        self.parent[b] = a
        self.dois[a] |= self.dois[b]
        return True


@dataclass
class DedupResult:
    records: list[Record]
    log: list[dict[str, str]] = field(default_factory=list)
    uncertain: list[PairVerdict] = field(default_factory=list)
    clusters: dict[str, list[str]] = field(default_factory=dict)

    @property
    def removed(self) -> int:
        return len(self.log)


def _works(members: list[Record]) -> list[Record]:
    """The members that are the work itself, not erratum notices of it (all members if every one is)."""
    return [r for r in members if not erratum_title(r.title)[1]] or members


def merge(members: list[Record]) -> Record:
    """The most complete member with its empty fields filled from the others (in completeness order).  An
    erratum notice gives nothing but its database and id when the work it corrects is in the cluster:
    its DOI, pages and title describe the notice, not the work."""
    ordered = sorted(_works(members), key=lambda r: -r.completeness())
    kept = replace(ordered[0], authors=list(ordered[0].authors), keywords=list(ordered[0].keywords))
    for other in ordered[1:]:
        for name in Record.TEXT_FIELDS:
            if not getattr(kept, name) and getattr(other, name):
                setattr(kept, name, getattr(other, name))
        if not kept.authors and other.authors:
            kept.authors = list(other.authors)
        if not kept.year and other.year:
            kept.year = other.year
        if not kept.keywords and other.keywords:
            kept.keywords = list(other.keywords)
    kept.title = _whole(kept.title, [r.title for r in ordered], str.endswith)
    kept.abstract = _whole(kept.abstract, [r.abstract for r in ordered], str.startswith)
    dbs: list[str] = []
    for r in members:
        for db in (r.databases or [r.database]):
            if db and db not in dbs:
                dbs.append(db)
    kept.databases = dbs
    kept.id = stable_cluster_id(members)
    kept.duplicate_ids = sorted({i for r in members for i in (r.id, *r.duplicate_ids)} - {kept.id})
    return kept


def _whole(value: str, values: list[str], marked) -> str:
    """``value``, or where an ellipsis marks it as cut short (a Google Scholar title ending in '…', a snippet
    starting with '…'), the first of ``values`` without the mark."""
    if not marked(value.strip(), _ELLIPSES):
        return value
    return next((v for v in values if v.strip() and not marked(v.strip(), _ELLIPSES)), value)


def stable_cluster_id(members: list[Record]) -> str:
    """A DOI-based member id if there is one (all share it), else the smallest id, taken from the work's
    records rather than erratum notices: the same cluster gets the same id on the next run even when a
    more complete record joins it."""
    works = _works(members)
    with_doi = sorted(r.id for r in works if r.doi)
    return with_doi[0] if with_doi else min(r.id for r in works)


def _verdicts(keys: list[_Key], ids: list[str], decisions: Mapping[tuple[str, str], str]
              ) -> list[tuple[int, int, str, float, str]]:
    """(i, j, verdict, title similarity, reason) for the candidate pairs: every pair of a small block, and in
    large blocks every pair not already linked by duplicate verdicts (see FULL_BLOCK)."""
    pairs, large = candidate_blocks(keys)
    linked = _Clusters([""] * len(keys))
    verdicts: list[tuple[int, int, str, float, str]] = []

    def judge(i: int, j: int) -> None:
        verdict, score, reason = compare(keys[i], keys[j])
        person = decisions.get(tuple(sorted((ids[i], ids[j]))))  # type: ignore[arg-type]
        if person in (DUPLICATE, DISTINCT):
            verdict, reason = person, f"decided by a person ({reason})"
        verdicts.append((i, j, verdict, score, reason))
        if verdict == DUPLICATE:
            linked.union(i, j)

    for i, j in sorted(pairs):
        judge(i, j)
    for members in large:
        for i, j in combinations(members, 2):
            if (i, j) not in pairs and linked.find(i) != linked.find(j):
                pairs.add((i, j))
                judge(i, j)
    return verdicts


def deduplicate(records: list[Record], decisions: Mapping[tuple[str, str], str] | None = None) -> DedupResult:
    """Cluster duplicates and merge each cluster; ``decisions`` maps sorted id pairs to a person's verdict
    (``duplicate`` or ``distinct``) for pairs an earlier run found uncertain."""
    decisions = decisions or {}
    keys = [_key(r) for r in records]
    ids = [r.id for r in records]
    if len(set(ids)) != len(ids):
        raise ReviewToolsError("record ids must be unique before deduplication (use records.assign_ids)")
    verdicts = _verdicts(keys, ids, decisions)
    clusters = _Clusters([k.doi for k in keys])
    uncertain = []
    why: dict[tuple[int, int], str] = {}
    for i, j, verdict, score, reason in sorted(verdicts, key=lambda v: -v[3]):
        if verdict == DUPLICATE:
            if clusters.union(i, j):
                why[(i, j)] = reason
            else:
                uncertain.append(PairVerdict(*sorted((ids[i], ids[j])), UNCERTAIN, score,
                                             f"{reason}; would join records with different DOIs"))
        elif verdict == UNCERTAIN:
            uncertain.append(PairVerdict(*sorted((ids[i], ids[j])), UNCERTAIN, score, reason))
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(len(records)):
        groups[clusters.find(i)].append(i)
    reason_for: dict[int, str] = {}
    for (i, j), reason in why.items():
        reason_for.setdefault(j, reason)
        reason_for.setdefault(i, reason)
    out, log, cluster_ids = [], [], {}
    for root in sorted(groups, key=lambda g: min(groups[g])):
        members = [records[i] for i in groups[root]]
        kept = merge(members) if len(members) > 1 else replace(records[groups[root][0]])
        out.append(kept)
        if len(members) > 1:
            cluster_ids[kept.id] = [r.id for r in members]
            for i in groups[root]:
                r = records[i]
                if r.id == kept.id:
                    continue
                log.append({"removed_id": r.id, "kept_id": kept.id, "database": r.database,
                            "source_file": r.source_file, "position": str(r.position), "title": r.title,
                            "reason": reason_for.get(i, "same cluster")})
    cluster_of = {member: kept_id for kept_id, members in cluster_ids.items() for member in members}
    uncertain = [u for u in uncertain if cluster_of.get(u.a, u.a) != cluster_of.get(u.b, u.b)]
    return DedupResult(out, log, uncertain, cluster_ids)


UNCERTAIN_COLUMNS = ("id_a", "id_b", "similarity", "reason", "decision", "note", "group", "title_a", "title_b",
                     "year_a", "year_b", "authors_a", "authors_b", "journal_a", "journal_b", "doi_a", "doi_b",
                     "database_a", "database_b")


def pair_group(reason: str, doi: str) -> str:
    """The group a pair belongs to: 'doi:<DOI>' for pairs that share a DOI but not a title (one DOI of a
    conference supplement or a journal issue given to many papers), so one decision settles them all."""
    return f"doi:{doi}" if doi and reason.startswith("same DOI") else ""


def read_decisions(path: str | Path) -> dict[tuple[str, str], str]:
    """Decisions a person wrote into the uncertain-pairs CSV; a value other than duplicate/distinct/blank is
    an error naming the line.  A decision on one pair of a group applies to the group's undecided pairs;
    two different decisions in one group are an error naming both lines."""
    path = Path(path)
    if not path.exists():
        return {}
    out: dict[tuple[str, str], str] = {}
    groups: dict[str, list[tuple[str, str]]] = {}
    group_decision: dict[str, tuple[str, int]] = {}
    with path.open(encoding="utf-8-sig", newline="") as fh:
        for line, row in enumerate(csv.DictReader(fh), 2):
            pair: tuple[str, str] = tuple(sorted((from_cell(row["id_a"]), from_cell(row["id_b"]))))  # type: ignore
            group = from_cell((row.get("group") or "").strip())
            if group:
                groups.setdefault(group, []).append(pair)
            decision = (row.get("decision") or "").strip().lower()
            if not decision:
                continue
            if decision not in (DUPLICATE, DISTINCT):
                raise ReviewToolsError(f"{path}:{line}: decision {decision!r} must be duplicate, distinct or empty")
            out[pair] = decision
            if group:
                earlier = group_decision.setdefault(group, (decision, line))
                if earlier[0] != decision:
                    raise ReviewToolsError(f"{path}:{line}: decision {decision!r} contradicts {earlier[0]!r} on line "
                                           f"{earlier[1]} for the same group {group}; decide the group once")
    for group, (decision, _) in group_decision.items():
        for pair in groups[group]:
            out.setdefault(pair, decision)
    return out


def write_uncertain(result: DedupResult, records: Iterable[Record], path: str | Path) -> Path:
    """Write the uncertain pairs for a person to decide, keeping every decision already in the file (read
    and rewritten under the file's lock, so a decision saved meanwhile is not overwritten)."""
    path = Path(path)
    with locked(path):
        return _write_uncertain(result, records, path)


def _write_uncertain(result: DedupResult, records: Iterable[Record], path: Path) -> Path:
    by_id = {r.id: r for r in records}
    old: dict[tuple[str, str], dict[str, str]] = {}
    if path.exists():
        with path.open(encoding="utf-8-sig", newline="") as fh:
            for row in csv.DictReader(fh):
                if (row.get("decision") or "").strip():
                    row = {k: from_cell(v) if isinstance(v, str) else v for k, v in row.items()}
                    old[tuple(sorted((row["id_a"], row["id_b"])))] = row  # type: ignore[index]
    rows = list(old.values())
    for u in result.uncertain:
        if (u.a, u.b) in old:
            continue
        a, b = by_id[u.a], by_id[u.b]
        rows.append({
            "id_a": u.a, "id_b": u.b, "similarity": f"{u.score:.3f}", "reason": u.reason, "decision": "",
            "note": "", "group": pair_group(u.reason, a.doi), "title_a": a.title, "title_b": b.title,
            "year_a": a.year or "", "year_b": b.year or "",
            "authors_a": "; ".join(a.authors[:5]), "authors_b": "; ".join(b.authors[:5]), "journal_a": a.journal,
            "journal_b": b.journal, "doi_a": a.doi, "doi_b": b.doi, "database_a": a.database,
            "database_b": b.database,
        })
    sizes: dict[str, int] = {}
    for row in rows:
        if row.get("group"):
            sizes[row["group"]] = sizes.get(row["group"], 0) + 1
    for row in rows:
        if sizes.get(row.get("group", ""), 0) > 1 and not row.get("note"):
            row["note"] = f"one of {sizes[row['group']]} pairs sharing this DOI: a decision on one settles all"
    rows.sort(key=lambda row: row.get("group") or "~")  # a group's pairs together, the others after
    with atomic_write(path) as fh:
        writer = csv.DictWriter(fh, UNCERTAIN_COLUMNS, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(safe_row(row) for row in rows)
    return path


def pair_metrics(predicted: Iterable[Iterable[str]], truth: Iterable[Iterable[str]]) -> dict[str, float]:
    """Pairwise precision, recall and F1 of predicted duplicate clusters against true duplicate groups."""
    def pairs(groups: Iterable[Iterable[str]]) -> set[tuple[str, str]]:
        return {tuple(sorted(p)) for g in groups for p in combinations(sorted(set(g)), 2)}  # type: ignore[misc]

    pred, true = pairs(predicted), pairs(truth)
    tp = len(pred & true)
    precision = tp / len(pred) if pred else 1.0
    recall = tp / len(true) if true else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"true_pairs": len(true), "predicted_pairs": len(pred), "true_positives": tp,
            "precision": precision, "recall": recall, "f1": f1}
