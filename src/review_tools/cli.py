"""``review-tools``: a thin command line over the library."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from pathlib import Path

from review_tools.errors import ReviewToolsError

DEFAULT_PROTOCOL = Path("review/protocol.yaml")


def _count(n: int, noun: str) -> str:
    """``n`` with ``noun`` in the number it asks for ("1 row", "3 rows"); the command line speaks English."""
    return f"{n} {noun if n == 1 else noun + 's'}"


def _validate(args: argparse.Namespace) -> int:
    from review_tools.protocol import load_protocol
    from review_tools.query import analyse

    protocol = load_protocol(args.protocol)
    print(f"{args.protocol}: OK ({len(protocol.questions)} questions, {len(protocol.databases)} databases, "
          f"{len(protocol.criteria)} criteria, appraisal with {protocol.appraisal.instrument})")
    for db in protocol.databases:
        for note in analyse(db.search_string, db.search_syntax).notes:
            print(f"note: {db.name} ({db.search_syntax}): {note}")
    return 0


def _translate(args: argparse.Namespace) -> int:
    from review_tools.query import translate

    text = sys.stdin.read() if args.string == "-" else args.string
    for target in args.to:
        out, warnings = translate(text, target, source=getattr(args, "from"))
        print(f"{target}: {out}" if len(args.to) > 1 else out)
        for warning in warnings:
            print(f"warning: {warning}", file=sys.stderr)
    return 0


def _run(args: argparse.Namespace) -> int:
    from review_tools import i18n, pipeline
    from review_tools.protocol import load_protocol

    project = args.project.resolve()
    protocol_path = project / args.protocol
    protocol = load_protocol(protocol_path)
    parameters = {
        "protocol_path": args.protocol.as_posix(),
        "review_dir": args.protocol.parent.as_posix(),
        "previous_protocol_path": (args.protocol.parent / "previous" / "protocol.yaml").as_posix(),
        "data_dir": args.data_dir.as_posix(),
        "seed": protocol.seed if args.seed is None else args.seed,
        "language": args.language or protocol.language,
        "previous_studies": protocol.reports.previous_studies,
        "previous_reports": protocol.reports.previous_reports,
        "prisma2020_template": protocol.reports.prisma2020_template,
    }
    with i18n.using(parameters["language"]):
        notes = (i18n.tr("This is an example review: its protocol is a reconstruction and any decisions shown are "
                         "examples, not the thesis's own record."),) if protocol.example else ()
    config = pipeline.RunConfig(
        project_dir=project, parameters=parameters, notebooks_dir=args.notebooks_dir,
        reports_dir=args.reports_dir, show_code=args.show_code, force=args.force, jobs=args.jobs,
        timeout=args.timeout, title=protocol.title, notes=notes, skip=tuple(protocol.reports.skip),
    )
    try:
        result = pipeline.run(config)
    except KeyboardInterrupt:
        reports = config.resolve(args.reports_dir)
        kept = f"{reports} keeps the previous report set" if reports.exists() else "no reports were written"
        print(f"Stopped: the running notebooks were ended and {kept}.", file=sys.stderr)
        return 130
    index = result.reports_dir / "index.html"
    if result.failed:
        names = ", ".join(n.name for n in result.failed)
        print(f"{_count(len(result.failed), 'notebook')} failed: {names}. See {index}", file=sys.stderr)
        return 1
    print(f"Reports: {index}")
    return 0


def _import_all(args: argparse.Namespace, sink=None):
    """The FILES given, else the protocol's exports; with ``sink``, records go to it as they are read."""
    from review_tools.searches import SearchImport

    if args.files:
        imported = SearchImport()
        imported.read("files", args.files, database=args.database, mapping=dict(args.column) or None, sink=sink)
        return imported
    from review_tools.protocol import load_protocol
    from review_tools.searches import import_searches

    protocol_path = args.project / args.protocol
    return import_searches(load_protocol(protocol_path, allow_outside=args.allow_outside), protocol_path.parent,
                           allow_outside=args.allow_outside, sink=sink)


def _report_import(imported) -> bool:
    """Print per-file summaries and every problem; True if there was any problem."""
    for results in imported.results.values():
        for res in results:
            print(res.summary())
    for problem in imported.problems:
        print(f"  {problem}", file=sys.stderr)
    for error in imported.file_errors:
        print(f"error: {error}", file=sys.stderr)
    return bool(imported.problems or imported.file_errors)


def _output_path(out: Path, suffixes: tuple[str, ...] | None) -> None:
    """Refuse an --out that cannot be written before any work is done: a wrong extension, a folder where
    a file is meant (or a file where a folder is), a path under a file."""
    if suffixes is not None:
        if out.is_dir():
            raise ReviewToolsError(f"--out {out}: is a folder; give a file name ending in {', '.join(suffixes)}")
        if out.suffix.lower() not in suffixes:
            raise ReviewToolsError(f"--out {out}: write {', '.join(suffixes)}, not {out.suffix or 'no extension'!r}")
    elif out.exists() and not out.is_dir():
        raise ReviewToolsError(f"--out {out}: is a file; give a folder")
    for parent in (out if suffixes is None else out.parent, *out.parents):
        if parent.exists() and not parent.is_dir():
            raise ReviewToolsError(f"--out {out}: {parent} is a file, not a folder")


class _Unreadable(Exception):
    """Some FILE could not be read: the output being written is dropped."""


def _import(args: argparse.Namespace) -> int:
    from review_tools.io.writers import WRITERS, record_writer

    _output_path(args.out, tuple(WRITERS))
    try:
        with record_writer(args.out) as write:  # records are written as they are read, never all held
            imported = _import_all(args, sink=write)
            trouble = _report_import(imported)
            if imported.file_errors:
                raise _Unreadable
    except _Unreadable:
        print(f"nothing written to {args.out}: {_count(len(imported.file_errors), 'file')} could not be read "
              "(see above); the previous file, if any, is unchanged", file=sys.stderr)
        return 1
    count = sum(res.imported for results in imported.results.values() for res in results)
    print(f"{count} records written to {args.out}")
    return 1 if args.strict and trouble else 0


def _dedup(args: argparse.Namespace) -> int:
    import csv

    from review_tools import dedup
    from review_tools.csv_cells import safe_row
    from review_tools.io.writers import write_records
    from review_tools.searches import UNCERTAIN_FILE

    _output_path(args.out, None)
    imported = _import_all(args)
    trouble = _report_import(imported)
    if imported.file_errors:
        print(f"nothing written to {args.out}: {_count(len(imported.file_errors), 'file')} could not be read "
              "(see above)", file=sys.stderr)
        return 1
    # pairs of the protocol's exports belong to the review; pairs of FILES go beside the other outputs
    uncertain = args.out / "uncertain_pairs.csv" if args.files else (args.project / args.protocol).parent / \
        UNCERTAIN_FILE
    result = dedup.deduplicate(imported.records, dedup.read_decisions(uncertain))
    args.out.mkdir(parents=True, exist_ok=True)
    write_records(result.records, args.out / "deduplicated.csv")
    with (args.out / "dedup_log.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, ["removed_id", "kept_id", "database", "source_file", "position", "title",
                                     "reason"])
        writer.writeheader()
        writer.writerows(safe_row(row) for row in result.log)
    dedup.write_uncertain(result, imported.records, uncertain)
    print(f"{len(imported.records)} records, {result.removed} duplicates removed, {len(result.records)} left; "
          f"{len(result.uncertain)} uncertain pairs to decide in {uncertain}")
    return 1 if args.strict and trouble else 0


def _diff(args: argparse.Namespace) -> int:
    from review_tools import diff
    from review_tools.io.importer import import_file
    from review_tools.protocol import load_protocol
    from review_tools.screening import DecisionLog
    from review_tools.searches import import_searches

    protocols = all(p.suffix.lower() in (".yaml", ".yml") for p in (args.old, args.new))
    if protocols:
        old, new = load_protocol(args.old), load_protocol(args.new)
        records = import_searches(new, args.new.parent).records
        table = diff.protocol_diff(old, new, records)
        from review_tools.screening import read_decision_file

        decisions = [d for path in sorted((args.new.parent / "screening").glob("*__*.csv"))
                     for d in read_decision_file(path)]
        changes = diff.criteria_diff(old, new, decisions)
        if not changes.empty:
            print(changes.to_string(index=False))
            print()
    else:
        old_records, new_records = import_file(args.old).records, import_file(args.new).records
        decisions = []
        if args.protocol.exists():
            decisions = DecisionLog(args.protocol.parent / "screening", load_protocol(args.protocol)).read()
        result = diff.record_diff(old_records, new_records, decisions)
        table = result.table(old_records, new_records)
        print(f"{len(result.added)} added, {len(result.removed)} removed, {len(result.kept)} kept; "
              f"{len(result.carried)} earlier decisions carry over; {len(result.to_screen)} records to screen")
    print(table.to_string(index=False))
    return 0


def _forms(args: argparse.Namespace) -> int:
    from review_tools.protocol import load_protocol
    from review_tools.review_state import add_form_rows

    protocol_path = args.project / args.protocol
    added = add_form_rows(load_protocol(protocol_path), protocol_path.parent)
    for path, n in added.items():
        print(f"{path}: {_count(n, 'row')} added")
    return 0


def _export_included(args: argparse.Namespace) -> int:
    from review_tools import review_state
    from review_tools.io.writers import WRITERS, write_records
    from review_tools.protocol import load_protocol

    _output_path(args.out, tuple(WRITERS))
    protocol_path = args.project / args.protocol
    state = review_state.load(load_protocol(protocol_path), protocol_path.parent)
    included = state.included
    write_records(included, args.out)
    print(f"{_count(len(included), 'included record')} written to {args.out}"
          + (" (the example corpus: there are no search exports yet)" if state.from_corpus else ""))
    return 0


def _search(args: argparse.Namespace) -> int:
    from review_tools import live_search
    from review_tools.protocol import load_protocol

    protocol_path = args.project / args.protocol
    protocol = load_protocol(protocol_path)
    plans, errors = live_search.make_plans(protocol, args.database)
    for error in errors:
        print(f"error: {error}", file=sys.stderr)
    if not plans and not errors:
        print(f"{protocol_path}: no database has a connector; add connector: (one of openalex, pubmed, europepmc, "
              "crossref, arxiv, scopus) to a database to search it from here", file=sys.stderr)
        return 2
    failed = bool(errors)
    for plan in plans:
        try:
            print(f"{plan.database.name} ({plan.connector.label}, {plan.connector.base}): {plan.query}")
            for warning in plan.warnings:
                print(f"  warning: {warning}")
            if args.dry_run:
                print(f"  {live_search.dry_run(plan, args.since):,} records reported")
                continue
            outcome = live_search.run_search(plan, protocol_path.parent, since=args.since,
                                             progress=sys.stderr.isatty(), say=lambda text: print(f"  {text}"))
            print(f"  {outcome.reported if outcome.reported is not None else '?'} reported, {outcome.fetched:,} "
                  f"fetched, {outcome.kept:,} saved to {outcome.export} ({outcome.status})")
            if outcome.mismatch:
                print(f"  note: {outcome.mismatch}")
            for note in outcome.notes[len(plan.warnings):]:
                print(f"  note: {note}")
        except ReviewToolsError as exc:
            failed = True
            print(f"error: {exc}", file=sys.stderr)
            if getattr(exc, "by_user", False):
                return 130
        finally:
            plan.close()
    return 1 if failed else 0


def _column(text: str) -> tuple[str, str]:
    from review_tools.io.tabular import FIELDS

    field, sep, column = text.partition("=")
    if not sep or field.strip() not in FIELDS or not column.strip():
        raise argparse.ArgumentTypeError(f"{text!r}: write FIELD=COLUMN with FIELD one of {', '.join(FIELDS)}")
    return field.strip(), column.strip()


def _import_decisions(args: argparse.Namespace) -> int:
    from review_tools import review_state, screening_import
    from review_tools.protocol import load_protocol
    from review_tools.screening import DecisionLog

    protocol_path = args.project / args.protocol
    protocol = load_protocol(protocol_path)
    records = review_state.load(protocol, protocol_path.parent).all_records
    if args.tool == "rayyan":
        reasons = dict(item.rsplit("=", 1) for item in args.reason)
        decisions, missing = screening_import.import_rayyan(args.file, records, args.stage, reasons)
    else:
        if not args.exclusion_code:
            raise ReviewToolsError("an ASReview export has no reasons: give --exclusion-code, the criterion code "
                                   "its exclusions are recorded with")
        decisions, missing = screening_import.import_asreview(args.file, records, args.stage, args.reviewer,
                                                              args.exclusion_code)
    DecisionLog(protocol_path.parent / "screening", protocol).record(decisions)
    one = len(missing) == 1
    left_out = (f"; {_count(len(missing), 'row')} {'matches' if one else 'match'} no record of the review and "
                f"{'was' if one else 'were'} left out") if missing else ""
    print(f"{_count(len(decisions), 'decision')} from {args.file} added to {protocol_path.parent / 'screening'}"
          + left_out)
    for title in missing[:20]:
        print(f"  not in the review: {title[:100]}", file=sys.stderr)
    return 0


def _reason(text: str) -> str:
    if "=" not in text or not text.rsplit("=", 1)[1].strip():
        raise argparse.ArgumentTypeError(f"{text!r}: write RAYYAN REASON=CODE, e.g. 'wrong population=E2'")
    return text


def _date(text: str):
    import datetime as dt

    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def _init(args: argparse.Namespace) -> int:
    from review_tools.scaffold import scaffold

    created = scaffold(args.directory, source=args.source, segmentation=args.with_segmentation)
    print(f"New review in {args.directory}: {len(created)} files. Edit {args.directory}/review/protocol.yaml, "
          f"then: review-tools run --project {args.directory}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="review-tools", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("validate", help="check a protocol and list every problem with its line")
    p.add_argument("protocol", nargs="?", type=Path, default=DEFAULT_PROTOCOL)
    p.set_defaults(func=_validate)

    p = sub.add_parser("run", help="execute the report notebooks and write HTML reports")
    p.add_argument("--project", type=Path, default=Path("."), help="project folder (default: .)")
    p.add_argument("--protocol", type=Path, default=DEFAULT_PROTOCOL, help="relative to the project")
    p.add_argument("--data-dir", type=Path, default=Path("data"))
    p.add_argument("--notebooks-dir", type=Path, default=Path("notebooks"))
    p.add_argument("--reports-dir", type=Path, default=Path("reports"))
    p.add_argument("--seed", type=int, default=None, help="default: the protocol's seed")
    p.add_argument("--language", choices=("en", "fi"), default=None, help="default: the protocol's")
    p.add_argument("--show-code", action="store_true", help="keep the code cells in the HTML")
    p.add_argument("--force", action="store_true", help="rerun every notebook even if nothing changed")
    p.add_argument("--jobs", type=int, default=2, help="notebooks run at once (default: 2)")
    p.add_argument("--timeout", type=_seconds, default=None,
                   help="stop a notebook that runs longer than this many seconds (default: no limit)")
    p.set_defaults(func=_run)

    for name, func, default_out, what in (
        ("import", _import, Path("build/records.csv"), "read the search exports into one record set"),
        ("dedup", _dedup, Path("build"), "import, then find and merge duplicates"),
    ):
        p = sub.add_parser(name, help=what)
        p.add_argument("files", nargs="*", type=Path, help="export files (default: every export the protocol lists)")
        p.add_argument("--project", type=Path, default=Path("."))
        p.add_argument("--protocol", type=Path, default=DEFAULT_PROTOCOL, help="relative to the project")
        p.add_argument("--database", default="", help="database name for FILES")
        p.add_argument("--column", type=_column, action="append", default=[], metavar="FIELD=COLUMN",
                       help="which column of a CSV/XLSX among FILES fills a record field, e.g. title='Article Title' "
                            "(repeatable; in the protocol: columns: under the database)")
        out_help = "a .csv, .ris or .bib file" if name == "import" else (
            "a folder for deduplicated.csv, dedup_log.csv and, with FILES, uncertain_pairs.csv; without FILES the "
            "pairs go to the review's dedup/uncertain_pairs.csv")
        p.add_argument("--out", type=Path, default=default_out, help=f"output ({out_help}; default {default_out})")
        p.add_argument("--strict", action="store_true", help="exit 1 if any record had a problem")
        p.add_argument("--allow-outside", action="store_true",
                       help="read export folders the protocol names outside the review folder")
        p.set_defaults(func=func)

    p = sub.add_parser("diff", help="what new search strings or a new export add, remove and keep")
    p.add_argument("old", type=Path, help="earlier protocol (.yaml) or record file (.ris, .bib, .csv, ...)")
    p.add_argument("new", type=Path, help="new protocol or record file")
    p.add_argument("--protocol", type=Path, default=DEFAULT_PROTOCOL,
                   help="protocol whose screening decisions are carried over (record files)")
    p.set_defaults(func=_diff)

    from review_tools.query import API_TARGETS, SYNTAXES

    p = sub.add_parser("translate", help="a search string in other databases' syntax, with what changes")
    p.add_argument("string", help="the search string or line-numbered strategy ('-' reads standard input)")
    p.add_argument("--from", default="generic", choices=SYNTAXES, help="its syntax (default: generic)")
    p.add_argument("--to", nargs="+", required=True,
                   choices=[*(s for s in SYNTAXES if s != "polyglot"), *API_TARGETS],
                   help="database syntaxes, or the query languages of the search APIs (openalex, europepmc, arxiv)")
    p.set_defaults(func=_translate)

    p = sub.add_parser("search", help="run the protocol's searches through the databases' APIs and save the results")
    p.add_argument("--project", type=Path, default=Path("."))
    p.add_argument("--protocol", type=Path, default=DEFAULT_PROTOCOL, help="relative to the project")
    p.add_argument("--database", action="append", default=[], metavar="NAME",
                   help="search only this database (repeatable; default: every database with a connector)")
    p.add_argument("--since", type=_date, default=None, metavar="DATE",
                   help="only records added on or after this date (YYYY-MM-DD), for an update search")
    p.add_argument("--dry-run", action="store_true", help="print the translated queries and the APIs' counts only")
    p.set_defaults(func=_search)

    p = sub.add_parser("import-decisions", help="add screening decisions made in Rayyan or ASReview to the log")
    p.add_argument("tool", choices=("rayyan", "asreview"))
    p.add_argument("file", type=Path, help="the tool's export (Rayyan CSV; ASReview CSV/RIS/XLSX with labels)")
    p.add_argument("--project", type=Path, default=Path("."))
    p.add_argument("--protocol", type=Path, default=DEFAULT_PROTOCOL, help="relative to the project")
    p.add_argument("--stage", choices=("title_abstract", "full_text"), default="title_abstract")
    p.add_argument("--reviewer", default="reviewer_1", help="whose decisions (ASReview records no names)")
    p.add_argument("--reason", type=_reason, action="append", default=[], metavar="REASON=CODE",
                   help="a Rayyan exclusion reason and the criterion code it stands for (repeatable)")
    p.add_argument("--exclusion-code", default="", help="ASReview: the criterion code of its exclusions")
    p.set_defaults(func=_import_decisions)

    p = sub.add_parser("export-included", help="write the records included at full text as RIS, BibTeX or CSV")
    p.add_argument("--project", type=Path, default=Path("."))
    p.add_argument("--protocol", type=Path, default=DEFAULT_PROTOCOL, help="relative to the project")
    p.add_argument("--out", type=Path, required=True, help="a .ris, .bib or .csv file")
    p.set_defaults(func=_export_included)

    p = sub.add_parser("forms", help="add rows for newly included studies to the appraisal and extraction files")
    p.add_argument("--project", type=Path, default=Path("."))
    p.add_argument("--protocol", type=Path, default=DEFAULT_PROTOCOL, help="relative to the project")
    p.set_defaults(func=_forms)

    p = sub.add_parser("init", help="scaffold a new review beside the sample one")
    p.add_argument("directory", type=Path)
    p.add_argument("--from", dest="source", type=Path, default=Path("."),
                   help="review-tools project whose notebooks and example data are copied (default: .)")
    p.add_argument("--with-segmentation", action="store_true",
                   help="also copy the segmentation lab and customer-value notebooks and their example data")
    p.set_defaults(func=_init)
    return parser


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not value > 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds above 0")
    return value


def _terminate(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt  # SIGTERM stops a command the way Ctrl-C does: cleaned up, one line


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _terminate) if main_thread else None
    try:
        return args.func(args)
    except ReviewToolsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("Stopped; every file is written whole or not at all, so nothing half-written was kept.",
              file=sys.stderr)
        return 130
    except OSError as exc:  # a full disk, a read-only or vanished folder: the system's reason, no traceback
        where = exc.filename or "writing a file"
        print(f"error: {where}: {exc.strerror or exc}; files are written whole or not at all, so none was "
              "left half-written", file=sys.stderr)
        return 2
    finally:
        if main_thread:
            signal.signal(signal.SIGTERM, previous)


if __name__ == "__main__":
    sys.exit(main())
