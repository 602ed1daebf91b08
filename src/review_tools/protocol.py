"""The review protocol as validated data.

A protocol is a YAML file a researcher edits by hand.  It is loaded with ruamel.yaml (which keeps line
numbers) and validated with pydantic; every problem is collected and reported at once as
``file:line path: message`` so a researcher can fix them all in one go.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import stat
from collections.abc import Iterable, Sequence
from pathlib import Path, PurePosixPath
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.composer import Composer, ComposerError
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import AliasEvent

from review_tools.errors import Problem, ProblemsError

STAGES = ("title_abstract", "full_text")
Stage = Literal["title_abstract", "full_text"]
BUILTIN_INSTRUMENTS = ("mmat_2018", "jbi_qualitative", "casp_qualitative", "aacods")
_CODE_PREFIX = {"inclusion": "I", "exclusion": "E"}
REVIEWER_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
MAX_PROTOCOL_BYTES = 1_000_000
MAX_NESTING = 50


class ProtocolError(ProblemsError):
    """A protocol that cannot be used; ``problems`` lists every problem found."""

    def __init__(self, problems: Sequence[Problem]):
        super().__init__(problems, f"{len(problems)} problem(s) in the protocol:")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Question(_Model):
    """A review question, optionally broken down by a framework such as PICo."""

    id: str = Field(pattern=r"^[A-Za-z][A-Za-z0-9_-]*$")
    text: str = Field(min_length=1)
    framework: Literal["PICo", "PICO", "PCC", "SPIDER", "none"] = "none"
    components: dict[str, str] = Field(default_factory=dict)


class Database(_Model):
    """One database search as it was run: the PRISMA-S facts about it.  ``syntax`` names the search
    syntax the string is written in (pubmed, scopus, wos, ebsco, proquest, ovid, cochrane, embase,
    generic); without it the syntax is read from the platform and name ('EBSCOhost' -> ebsco)."""

    name: str = Field(min_length=1)
    platform: str = Field(min_length=1)
    date_searched: dt.date
    search_string: str = Field(min_length=1)
    syntax: str | None = None
    language: str = "en"
    fields: str = ""
    limits: list[str] = Field(default_factory=list)
    hits: int | None = Field(default=None, ge=0)
    export_dir: str | None = None
    columns: dict[str, str] = Field(default_factory=dict)  # record field -> column of a CSV/XLSX export
    connector: str | None = None  # a search API that runs the string: review-tools search
    max_records: int | None = Field(default=None, ge=1)  # how many records a live search reads at most
    notes: str = ""

    @property
    def search_syntax(self) -> str:
        """The syntax its search string is read in."""
        from review_tools.query import syntax_for

        return self.syntax or syntax_for(self.platform, self.name)


class OtherMethod(_Model):
    """A search outside the databases (PRISMA 2020's 'other methods'): websites, organisations or citation
    searching.  Its records that the database searches did not already find go straight to full-text
    retrieval, as the PRISMA 2020 flow has them."""

    kind: Literal["websites", "organisations", "citations"]
    description: str = Field(min_length=1)
    date_searched: dt.date | None = None
    export_dir: str | None = None
    columns: dict[str, str] = Field(default_factory=dict)
    notes: str = ""

    @property
    def source(self) -> str:
        """The name its records carry as their database, e.g. 'Citation searching'."""
        return OTHER_METHOD_SOURCES[self.kind]


OTHER_METHOD_SOURCES = {"websites": "Websites", "organisations": "Organisations", "citations": "Citation searching"}


class YearRange(_Model):
    type: Literal["year_range"]
    min: int | None = Field(default=None, ge=1500, le=2200)
    max: int | None = Field(default=None, ge=1500, le=2200)


class LanguageRule(_Model):
    type: Literal["language"]
    allowed: list[str] = Field(min_length=1)


class DocumentTypeRule(_Model):
    type: Literal["document_type"]
    allowed: list[str] = Field(min_length=1)


class HasAbstractRule(_Model):
    type: Literal["has_abstract"]


Rule = Annotated[
    YearRange | LanguageRule | DocumentTypeRule | HasAbstractRule, Field(discriminator="type")
]


class Criterion(_Model):
    """An eligibility criterion with its code (I1, E3, ...), the stage(s) where it applies and an optional
    machine-checkable rule.  ``outcome: not_retrieved`` declares that a full-text exclusion with this code
    means the report could not be obtained (PRISMA's 'reports not retrieved'), not that it was assessed and
    excluded; nothing is inferred from the code itself."""

    code: str = Field(pattern=r"^[IE][0-9]+[a-z]?$")
    kind: Literal["inclusion", "exclusion"]
    text: str = Field(min_length=1)
    stage: Stage | list[Stage]
    rule: Rule | None = None
    outcome: Literal["excluded", "not_retrieved"] = "excluded"

    @property
    def stages(self) -> tuple[str, ...]:
        return (self.stage,) if isinstance(self.stage, str) else tuple(self.stage)


class InstrumentItem(_Model):
    id: str = Field(min_length=1)
    text: str = Field(min_length=1)


class CustomInstrument(_Model):
    """An appraisal checklist declared in the protocol; ``positive`` (default: the first scale answer)
    counts towards the score, ``not_applicable`` answers are left out of a percentage."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str = Field(min_length=1)
    scale: list[str] = Field(min_length=2)
    positive: str | None = None
    not_applicable: list[str] = Field(default_factory=list)
    items: list[InstrumentItem] = Field(min_length=1)


class Appraisal(_Model):
    """Which quality-appraisal instrument is used and how a score decides inclusion."""

    instrument: str
    scoring: Literal["count_yes", "percent_yes"] = "percent_yes"
    threshold: float = Field(ge=0)
    reviewers: list[str] = Field(default_factory=list)
    custom_instruments: list[CustomInstrument] = Field(default_factory=list)


class ExtractionField(_Model):
    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: str = Field(min_length=1)
    type: Literal["text", "integer", "number", "boolean", "choice", "multichoice"] = "text"
    choices: list[str] = Field(default_factory=list)
    required: bool = False


class Extraction(_Model):
    fields: list[ExtractionField] = Field(min_length=1)


class Reports(_Model):
    """Which reports ``review-tools run`` makes and their options (kept here, not in notebook cells).
    ``skip`` names notebooks not to run (``10_segmentation``); an updated review gives the studies and
    reports of its previous version; ``prisma2020_template`` is the PRISMA2020 R package's template CSV
    to fill in (a path relative to the project); ``unblinded`` shows the reviewers' agreement and
    conflicts in report 03 before every reviewer has finished a stage (blind by default)."""

    skip: list[str] = Field(default_factory=list)
    previous_studies: int | None = Field(default=None, ge=0)
    previous_reports: int | None = Field(default=None, ge=0)
    prisma2020_template: str = ""
    unblinded: bool = False


class Protocol(_Model):
    """A whole review protocol."""

    title: str = Field(min_length=1)
    language: Literal["en", "fi"] = "en"
    authors: list[str] = Field(default_factory=list)
    example: bool = False
    notes: str = ""
    seed: int = 20240101
    questions: list[Question] = Field(min_length=1)
    databases: list[Database] = Field(min_length=1)
    other_methods: list[OtherMethod] = Field(default_factory=list)
    criteria: list[Criterion] = Field(min_length=1)
    appraisal: Appraisal
    extraction: Extraction
    reports: Reports = Field(default_factory=Reports)

    @field_validator("authors")
    @classmethod
    def _no_blank_authors(cls, value: list[str]) -> list[str]:
        if any(not a.strip() for a in value):
            raise ValueError("an author name is blank")
        return value

    @property
    def not_retrieved_codes(self) -> tuple[str, ...]:
        """The criteria declared ``outcome: not_retrieved``: their full-text exclusions are reports not
        retrieved in the PRISMA flow."""
        return tuple(c.code for c in self.criteria if c.outcome == "not_retrieved")

    def criteria_for(self, stage: str) -> list[Criterion]:
        """The criteria that apply at ``stage``, in protocol order."""
        return [c for c in self.criteria if stage in c.stages]

    def criterion(self, code: str) -> Criterion:
        for c in self.criteria:
            if c.code == code:
                return c
        raise KeyError(code)


def _line_of(node: Any, loc: Iterable[Any]) -> int | None:
    """Line (1-based) of the deepest YAML node along ``loc`` that exists."""
    line = None
    for key in loc:
        if isinstance(node, CommentedMap) and key in node:
            line = node.lc.key(key)[0] + 1
            node = node[key]
        elif isinstance(node, CommentedSeq) and isinstance(key, int) and 0 <= key < len(node):
            line = node.lc.item(key)[0] + 1
            node = node[key]
        else:
            break
    return line


def _format_loc(loc: Iterable[Any]) -> str:
    out = ""
    for key in loc:
        if isinstance(key, int):
            out += f"[{key}]"
        else:
            out += f".{key}" if out else str(key)
    return out


def _clean_loc(loc: tuple[Any, ...]) -> tuple[Any, ...]:
    """Drop pydantic's union/discriminator tags (``year_range``, ``list[...]``) from an error location."""
    tags = {"year_range", "language", "document_type", "has_abstract"}
    out: list[Any] = []
    for i, key in enumerate(loc):
        if isinstance(key, str) and (key.startswith(("list[", "literal[")) or key in ("str", "int")):
            continue
        if isinstance(key, str) and key in tags and i > 0 and loc[i - 1] == "rule":
            continue
        out.append(key)
    return tuple(out)


def _model_fields_at(loc: tuple[Any, ...]) -> list[str]:
    """Known field names of the model that owns the last key of ``loc`` (for 'did you mean')."""
    model: Any = Protocol
    for key in loc[:-1]:
        if isinstance(key, int):
            continue
        field = getattr(model, "model_fields", {}).get(key)
        if field is None:
            return []
        ann = field.annotation
        args = getattr(ann, "__args__", ())
        candidates = [ann, *args]
        model = next((c for c in candidates if isinstance(c, type) and issubclass(c, BaseModel)), None)
        if model is None:
            inner = [a for c in args for a in getattr(c, "__args__", ())]
            model = next((c for c in inner if isinstance(c, type) and issubclass(c, BaseModel)), None)
        if model is None:
            return []
    return list(getattr(model, "model_fields", {}))


def _message(err: dict[str, Any], loc: tuple[Any, ...]) -> str:
    kind = err["type"]
    value = err.get("input")
    ctx = err.get("ctx") or {}
    if kind == "literal_error":
        expected = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
        return f"{value!r} is not one of {', '.join(expected)}"
    if kind == "missing":
        return "required field is missing"
    if kind == "extra_forbidden":
        name = str(loc[-1])
        return f"unknown field '{name}'{_did_you_mean(name, _model_fields_at(loc))}"
    if kind == "union_tag_invalid":
        return f"rule type {ctx.get('tag')!r} is not one of {ctx.get('expected_tags')}"
    if kind == "string_pattern_mismatch":
        return f"{value!r} does not match the pattern {ctx.get('pattern')}"
    if kind in ("date_from_datetime_parsing", "date_parsing", "date_type"):
        return f"{value!r} is not a date (write YYYY-MM-DD)"
    if kind in ("too_short", "string_too_short") and isinstance(value, list | str) and len(value) == 0:
        return "must not be empty"
    return f"{err['msg']} (got {value!r})" if value is not None else err["msg"]


def _cross_checks(raw: Any, today: dt.date, allow_outside: bool = False) -> list[tuple[tuple[Any, ...], str]]:
    """Checks that span several fields or items; run on the raw data so they work even when other parts
    of the protocol are broken."""
    found: list[tuple[tuple[Any, ...], str]] = []
    if not isinstance(raw, dict):
        return found
    crits = raw.get("criteria") if isinstance(raw.get("criteria"), list) else []
    seen: dict[str, int] = {}
    for i, c in enumerate(crits):
        if not isinstance(c, dict):
            continue
        code, kind = c.get("code"), c.get("kind")
        if isinstance(code, str):
            if code in seen:
                found.append((("criteria", i, "code"), f"code {code!r} is already used by criteria[{seen[code]}]"))
            seen.setdefault(code, i)
            want = _CODE_PREFIX.get(kind) if isinstance(kind, str) else None
            if want and code[:1] in "IE" and code[:1] != want:
                found.append((("criteria", i, "code"), f"{kind} criterion code {code!r} should start with {want}"))
        stages = c.get("stage") if isinstance(c.get("stage"), list) else [c.get("stage")]
        if c.get("outcome") == "not_retrieved" and (kind != "exclusion" or "full_text" not in stages):
            found.append((("criteria", i, "outcome"), "outcome not_retrieved is for an exclusion criterion applied at "
                          "full_text (a report that could not be obtained)"))
        rule = c.get("rule")
        if isinstance(rule, dict) and rule.get("type") == "year_range":
            lo, hi = rule.get("min"), rule.get("max")
            if isinstance(lo, int) and isinstance(hi, int) and lo > hi:
                found.append((("criteria", i, "rule", "min"), f"year range is empty: min {lo} > max {hi}"))
            if lo is None and hi is None:
                found.append((("criteria", i, "rule"), "year_range needs min, max or both"))
    _check_search_list(raw, "databases", "name", "database {value!r} is listed twice (also {first})", today, found)
    _check_syntaxes(raw, found)
    _check_connectors(raw, found)
    _check_columns(raw, found)
    _check_inside(raw, found, allow_outside)
    _check_search_list(raw, "other_methods", "kind", "{value!r} is listed twice (also {first}); put all its files in "
                       "one folder", today, found)
    _check_appraisal(raw.get("appraisal"), found)
    fields = (raw.get("extraction") or {}).get("fields") if isinstance(raw.get("extraction"), dict) else None
    fnames: dict[str, int] = {}
    for i, f in enumerate(fields if isinstance(fields, list) else []):
        if not isinstance(f, dict):
            continue
        if f.get("type") in ("choice", "multichoice") and not f.get("choices"):
            found.append((("extraction", "fields", i, "choices"), f"a {f.get('type')} field needs choices"))
        name = f.get("name")
        if isinstance(name, str):
            if name in fnames:
                found.append((("extraction", "fields", i, "name"), f"field {name!r} is already defined"))
            fnames.setdefault(name, i)
    return found


def _check_search_list(raw: dict, section: str, key: str, twice: str, today: dt.date,
                       found: list[tuple[tuple[Any, ...], str]]) -> None:
    """A list of searches (databases, other methods): no search date in the future, no ``key`` twice
    (``twice`` is the message, with ``{value}`` and ``{first}``, the first entry with it)."""
    seen: dict[str, int] = {}
    items = raw.get(section)
    for i, item in enumerate(items if isinstance(items, list) else []):
        if not isinstance(item, dict):
            continue
        when = item.get("date_searched")
        if isinstance(when, dt.date) and when > today:
            found.append(((section, i, "date_searched"), f"{when.isoformat()} is in the future"))
        value = item.get(key)
        if isinstance(value, str):
            if value in seen:
                found.append(((section, i, key), twice.format(value=value, first=f"{section}[{seen[value]}]")))
            seen.setdefault(value, i)


def _check_inside(raw: dict, found: list[tuple[tuple[Any, ...], str]], allow_outside: bool) -> None:
    """Paths and names that become paths stay inside the review folder: export folders are relative and
    do not climb out with '..'; reviewer names are plain names (they name the appraisal files)."""
    for section in ("databases", "other_methods"):
        items = raw.get(section)
        for i, item in enumerate(items if isinstance(items, list) else []):
            folder = item.get("export_dir") if isinstance(item, dict) else None
            if isinstance(folder, str) and folder.strip() and not allow_outside and not is_inside(folder):
                found.append(((section, i, "export_dir"), f"{folder!r} is outside the review folder; give a folder "
                              "inside it (e.g. searches/scopus), or import an outside folder with --allow-outside"))
    appraisal = raw.get("appraisal") if isinstance(raw.get("appraisal"), dict) else {}
    reviewers = appraisal.get("reviewers") if isinstance(appraisal.get("reviewers"), list) else []
    for i, name in enumerate(reviewers):
        if isinstance(name, str) and not REVIEWER_NAME.match(name):
            found.append((("appraisal", "reviewers", i), f"{name!r}: a reviewer name is letters, digits, '_', '-' "
                          "or '.' (it names the reviewer's file)"))


def is_inside(relative: str) -> bool:
    """Whether a path written in the protocol stays inside the folder it is relative to."""
    path = PurePosixPath(relative.replace("\\", "/"))
    if path.is_absolute() or re.match(r"^[A-Za-z]:", relative) or relative.startswith("~"):
        return False
    depth = 0
    for part in path.parts:
        depth += -1 if part == ".." else (0 if part == "." else 1)
        if depth < 0:
            return False
    return True


def _did_you_mean(value: object, choices: Iterable[str]) -> str:
    """' (did you mean 'x'?)' for the choice closest to a misspelt ``value``, or ''."""
    close = difflib.get_close_matches(str(value), list(choices), n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _check_syntaxes(raw: dict, found: list[tuple[tuple[Any, ...], str]]) -> None:
    from review_tools.query import SYNTAXES

    items = raw.get("databases")
    for i, item in enumerate(items if isinstance(items, list) else []):
        if isinstance(item, dict) and item.get("syntax") is not None and item.get("syntax") not in SYNTAXES:
            found.append((("databases", i, "syntax"), f"{item.get('syntax')!r} is not one of {', '.join(SYNTAXES)}"
                          f"{_did_you_mean(item.get('syntax'), SYNTAXES)}"))


def _check_columns(raw: dict, found: list[tuple[tuple[Any, ...], str]]) -> None:
    from review_tools.io.tabular import FIELDS

    for key in ("databases", "other_methods"):
        items = raw.get(key)
        for i, item in enumerate(items if isinstance(items, list) else []):
            columns = item.get("columns") if isinstance(item, dict) else None
            for name in columns if isinstance(columns, dict) else ():
                if name not in FIELDS:
                    found.append(((key, i, "columns", name), f"{name!r} is not a record field; use one of "
                                  f"{', '.join(FIELDS)}{_did_you_mean(name, FIELDS)}"))


def _check_connectors(raw: dict, found: list[tuple[tuple[Any, ...], str]]) -> None:
    from review_tools.connectors import CONNECTORS

    items = raw.get("databases")
    for i, item in enumerate(items if isinstance(items, list) else []):
        name = item.get("connector") if isinstance(item, dict) else None
        if name is not None and name not in CONNECTORS:
            found.append((("databases", i, "connector"), f"{name!r} is not one of {', '.join(CONNECTORS)}"
                          f"{_did_you_mean(name, CONNECTORS)}"))
        if name is not None and isinstance(item, dict) and not item.get("export_dir"):
            found.append((("databases", i, "export_dir"), f"a database searched through the {name} connector needs "
                          "an export_dir to save its results in"))


def search_string_problems(protocol: Protocol, doc: Any, text: str, path: str) -> list[Problem]:
    """Every database's search string read in its syntax; a string that does not parse is a problem at
    the protocol line and column where the cause is, with the database's message and hint."""
    from review_tools.query import QuerySyntaxError, analyse

    problems = []
    lines = text.splitlines()
    for i, db in enumerate(protocol.databases):
        try:
            analyse(db.search_string, db.search_syntax)
        except QuerySyntaxError as exc:
            where = ("databases", i, "search_string")
            line, column = _string_position(doc, where, lines, exc.position)
            hint = f" (hint: {exc.hint})" if exc.hint else ""
            problems.append(Problem(path, line, _format_loc(where),
                                    f"{db.name} ({exc.syntax} syntax): {exc.message}"
                                    f"{f' at column {column}' if column else ''}{hint}"))
    return problems


def _string_position(doc: Any, loc: tuple[Any, ...], lines: list[str], offset: int) -> tuple[int | None, int | None]:
    """File line and column (1-based) of character ``offset`` of the string value at ``loc``: plain,
    quoted and block scalars (``>-``, ``|``) are followed line by line as YAML joins them."""
    node = doc
    for key in loc[:-1]:
        node = node[key]
    try:
        row, col = node.lc.value(loc[-1])
    except (AttributeError, KeyError, TypeError):
        return _line_of(doc, loc), None
    if row >= len(lines):
        return row + 1, None
    head = lines[row][col:]
    if head[:1] in (">", "|"):
        segments = []
        for r in range(row + 1, len(lines)):
            stripped = lines[r].strip()
            indent = len(lines[r]) - len(lines[r].lstrip())
            if stripped and indent <= len(lines[row]) - len(lines[row].lstrip()):
                break
            if stripped:
                segments.append((r, indent, len(stripped)))
    else:
        start = col + (1 if head[:1] in "'\"" else 0)
        segments = [(row, start, len(lines[row]) - start)]
        for r in range(row + 1, len(lines)):
            stripped = lines[r].strip()
            indent = len(lines[r]) - len(lines[r].lstrip())
            if not stripped or indent <= len(lines[row]) - len(lines[row].lstrip()) or ":" in stripped.split(" ")[0]:
                break
            segments.append((r, indent, len(stripped)))
    seen = 0
    for r, start, length in segments:
        if offset <= seen + length:
            return r + 1, start + (offset - seen) + 1
        seen += length + 1
    return (segments[-1][0] + 1, None) if segments else (row + 1, None)


def _check_appraisal(appraisal: Any, found: list[tuple[tuple[Any, ...], str]]) -> None:
    if not isinstance(appraisal, dict):
        return
    customs = [c for c in appraisal.get("custom_instruments") or [] if isinstance(c, dict)]
    custom = [c.get("id") for c in customs]
    for i, c in enumerate(customs):
        scale = c.get("scale") if isinstance(c.get("scale"), list) else []
        for key in ("positive", "not_applicable"):
            values = c.get(key) if isinstance(c.get(key), list) else [c.get(key)]
            for v in values:
                if isinstance(v, str) and scale and v not in scale:
                    found.append((("appraisal", "custom_instruments", i, key), f"{v!r} is not on the scale {scale}"))
        ids = [it.get("id") for it in c.get("items") or [] if isinstance(it, dict)]
        for j, item_id in enumerate(ids):
            if item_id in ids[:j]:
                found.append((("appraisal", "custom_instruments", i, "items", j, "id"),
                               f"item id {item_id!r} is already used"))
    known = (*BUILTIN_INSTRUMENTS, *[c for c in custom if isinstance(c, str)])
    inst = appraisal.get("instrument")
    if isinstance(inst, str) and inst not in known:
        found.append((("appraisal", "instrument"), f"{inst!r} is not one of {', '.join(known)}"))
    thr = appraisal.get("threshold")
    if appraisal.get("scoring", "percent_yes") == "percent_yes" and isinstance(thr, int | float) and thr > 100:
        found.append((("appraisal", "threshold"), f"{thr} is above 100 (scoring is percent_yes)"))


class _NoAliases(Composer):
    """A composer that refuses aliases (``*name``): a protocol never needs them, and nested aliases can
    expand a few lines into billions of values ("billion laughs")."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.parser.check_event(AliasEvent):
            event = self.parser.peek_event()
            raise ComposerError(None, None, "aliases (*name) are not allowed in a protocol; write the value out",
                                event.start_mark)
        return super().compose_node(parent, index)


def _fail(path: Path, line: int | None, message: str) -> ProtocolError:
    return ProtocolError([Problem(str(path), line, "", message)])


def _read_text(path: Path) -> str:
    """The protocol's text, or a :class:`ProtocolError` saying why it cannot be one: not a regular file
    (a folder, /dev/zero), too large, not UTF-8, NUL bytes."""
    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            raise _fail(path, None, "is a folder; give the protocol file (review/protocol.yaml)")
        if not stat.S_ISREG(info.st_mode):
            raise _fail(path, None, "not a regular file (a device or pipe); give the protocol file")
        if info.st_size > MAX_PROTOCOL_BYTES:
            raise _fail(path, None, f"{info.st_size:,} bytes; a protocol has at most {MAX_PROTOCOL_BYTES:,}")
        with path.open("rb") as fh:
            data = fh.read(MAX_PROTOCOL_BYTES + 1)
    except FileNotFoundError:
        raise _fail(path, None, "file not found") from None
    except OSError as exc:
        raise _fail(path, None, f"cannot be read ({exc.strerror})") from None
    if len(data) > MAX_PROTOCOL_BYTES:
        raise _fail(path, None, f"more than {MAX_PROTOCOL_BYTES:,} bytes")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _fail(path, data.count(b"\n", 0, exc.start) + 1, f"not UTF-8 text ({exc.reason})") from None
    if "\x00" in text:
        raise _fail(path, text.count("\n", 0, text.index("\x00")) + 1, "a NUL character (the file is damaged or "
                    "not text)")
    return text


def _read_yaml(path: Path, text: str) -> Any:
    """The protocol's YAML, or a :class:`ProtocolError` with the line of whatever makes it unreadable:
    nested too deep, aliases, syntax errors, invalid dates or numbers."""
    deep = _too_deep(text)
    if deep:
        raise _fail(path, deep, f"nested more than {MAX_NESTING} levels deep")
    yaml = YAML(typ="rt")
    yaml.Composer = _NoAliases
    try:
        return yaml.load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        opened = _open_quote(text, line)
        hint = f" (the quotation mark opened on line {opened} is never closed)" if opened else ""
        raise _fail(path, opened or line, f"YAML syntax error: {exc.problem}{hint}") from None
    except YAMLError as exc:
        raise _fail(path, None, f"YAML error: {exc}") from None
    except (ValueError, OverflowError) as exc:  # a date or number ruamel cannot build (2024-02-30, 5000 digits)
        line = _bad_scalar_line(text)
        raise _fail(path, line, f"a value that is not valid: {str(exc).split(';')[0]}") from None
    except RecursionError:
        raise _fail(path, None, f"nested more than {MAX_NESTING} levels deep") from None


def _too_deep(text: str) -> int | None:
    """The first line where brackets or indentation nest deeper than MAX_NESTING (None if none)."""
    depth = 0
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.split(" #", 1)[0]
        if (len(line) - len(line.lstrip(" "))) // 2 > MAX_NESTING:
            return number
        quote = ""
        for c in stripped:
            if quote:
                quote = "" if c == quote else quote
            elif c in "\"'":
                quote = c
            elif c in "[{":
                depth += 1
                if depth > MAX_NESTING:
                    return number
            elif c in "]}":
                depth = max(0, depth - 1)
    return None


def _open_quote(text: str, error_line: int | None) -> int | None:
    """The line before ``error_line`` whose value opens a double or single quote it does not close."""
    lines = text.splitlines()
    for number in range(min(error_line or len(lines), len(lines)), 0, -1):
        line = lines[number - 1]
        m = re.match(r"\s*(?:-\s+)?[^\s:#][^:#]*:\s+([\"'])(.*)$", line)
        if m:
            q, rest = m.group(1), m.group(2).replace("\\\"", "").replace("''", "")
            if q not in rest.split("#", 1)[0]:
                return number
    return None


def _bad_scalar_line(text: str) -> int | None:
    """The first line with a date that does not exist or an integer too long to read."""
    for number, line in enumerate(text.splitlines(), 1):
        for m in re.finditer(r"(?<![\d-])(\d{4})-(\d{1,2})-(\d{1,2})(?![\d-])", line):
            try:
                dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError:
                return number
        if re.search(r"\d{4000,}", line):
            return number
    return None


def _plain(node: Any, loc: tuple[Any, ...] = (), found: list[tuple[tuple[Any, ...], str]] | None = None) -> Any:
    """ruamel's round-trip containers as plain dicts and lists (pydantic wants those); values a protocol
    cannot hold (``!!binary``, other tagged values) become problems in ``found``."""
    if isinstance(node, dict):
        return {str(k): _plain(v, (*loc, str(k)), found) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(v, (*loc, i), found) for i, v in enumerate(node)]
    if isinstance(node, bytes | bytearray) or (node is not None and not isinstance(
            node, str | int | float | bool | dt.date)):
        if found is not None:
            found.append((loc, f"a {type(node).__name__} value (a YAML tag such as !!binary?); write plain text"))
        return None
    return node


def load_protocol(path: str | Path, *, today: dt.date | None = None, check_strings: bool = True,
                  allow_outside: bool = False) -> Protocol:
    """Load and validate a protocol, its search strings read in each database's syntax; raise
    :class:`ProtocolError` listing every problem.  ``allow_outside`` lets export folders lie outside the
    review folder (the user's explicit choice on the command line)."""
    path = Path(path)
    text = _read_text(path)
    doc = _read_yaml(path, text)
    if not isinstance(doc, dict):
        raise ProtocolError([Problem(str(path), 1, "", "the protocol must be a mapping of fields")])
    tagged: list[tuple[tuple[Any, ...], str]] = []
    raw = _plain(doc, (), tagged)
    problems: list[tuple[int | None, str, str]] = [(_line_of(doc, loc), _format_loc(loc), msg) for loc, msg in tagged]
    model = None
    try:
        model = Protocol.model_validate(raw)
    except ValidationError as exc:
        seen: set[tuple[Any, ...]] = set()
        for err in exc.errors():
            loc = _clean_loc(tuple(err["loc"]))
            if err["type"] == "union_tag_invalid":
                loc = (*loc, "type")
            if loc in seen:  # a union reports one error per alternative; the first says it best
                continue
            seen.add(loc)
            problems.append((_line_of(doc, loc), _format_loc(loc), _message(err, loc)))
    for loc, msg in _cross_checks(raw, today or dt.date.today(), allow_outside):
        problems.append((_line_of(doc, loc), _format_loc(loc), msg))
    if problems:
        problems.sort(key=lambda p: (p[0] or 0, p[1]))
        raise ProtocolError([Problem(str(path), line, where, msg) for line, where, msg in problems])
    assert model is not None
    if check_strings:
        string_problems = search_string_problems(model, doc, text, str(path))
        if string_problems:
            raise ProtocolError(string_problems)
    return model
