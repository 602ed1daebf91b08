"""``review-tools``: a thin command line over the library."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from review_tools.errors import ReviewToolsError

DEFAULT_PROTOCOL = Path("review/protocol.yaml")


def _validate(args: argparse.Namespace) -> int:
    from review_tools.protocol import load_protocol

    protocol = load_protocol(args.protocol)
    print(f"{args.protocol}: OK ({len(protocol.questions)} questions, {len(protocol.databases)} databases, "
          f"{len(protocol.criteria)} criteria, appraisal with {protocol.appraisal.instrument})")
    return 0


def _run(args: argparse.Namespace) -> int:
    from review_tools import pipeline
    from review_tools.protocol import load_protocol

    project = args.project.resolve()
    protocol_path = project / args.protocol
    protocol = load_protocol(protocol_path)
    parameters = {
        "protocol_path": args.protocol.as_posix(),
        "review_dir": args.protocol.parent.as_posix(),
        "data_dir": args.data_dir.as_posix(),
        "seed": protocol.seed if args.seed is None else args.seed,
        "language": args.language or protocol.language,
    }
    notes = ("This is an example review: its protocol is a reconstruction and any decisions shown are "
             "examples, not the thesis's own record.",) if protocol.example else ()
    config = pipeline.RunConfig(
        project_dir=project, parameters=parameters, notebooks_dir=args.notebooks_dir,
        reports_dir=args.reports_dir, show_code=args.show_code, force=args.force, jobs=args.jobs,
        title=protocol.title, notes=notes,
    )
    result = pipeline.run(config)
    index = result.reports_dir / "index.html"
    if result.failed:
        names = ", ".join(n.name for n in result.failed)
        print(f"{len(result.failed)} notebook(s) failed: {names}. See {index}", file=sys.stderr)
        return 1
    print(f"Reports: {index}")
    return 0


def _init(args: argparse.Namespace) -> int:
    from review_tools.scaffold import scaffold

    created = scaffold(args.directory, source=args.source)
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
    p.set_defaults(func=_run)

    p = sub.add_parser("init", help="scaffold a new review beside the sample one")
    p.add_argument("directory", type=Path)
    p.add_argument("--from", dest="source", type=Path, default=Path("."),
                   help="review-tools project whose notebooks and example data are copied (default: .)")
    p.set_defaults(func=_init)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except ReviewToolsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
