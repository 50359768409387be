"""``reserves brief CONFIG -o FILE``: the policy briefing, format taken from the extension.

``.pdf``, ``.html`` (self-contained), ``.md`` (figures written beside it in ``<stem>_files/``),
``.docx``; ``.zip`` gives the Markdown and its figures in one archive. An unknown extension is
a one-line error with exit code 2 (raised before any computation).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the ``brief`` sub-command."""
    p = subparsers.add_parser(
        "brief",
        help="export the policy briefing (PDF, HTML, Markdown or Word)",
        description="Build the policy briefing of CONFIG and write it to FILE; the format "
        "comes from FILE's extension (.pdf, .html, .md, .docx).",
    )
    p.add_argument("config", metavar="CONFIG", help="YAML config (e.g. configs/baseline.yaml)")
    p.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        default=None,
        help="output file: .pdf, .html, .md (figures beside it) or .docx "
        f"(default: {DEFAULT_OUT_DIR}/<config name>.pdf, in a git-ignored folder)",
    )
    p.add_argument(
        "--seed", type=int, default=None, help="scenario seed (default: the scenario config's)"
    )
    p.add_argument(
        "--paths",
        type=int,
        default=None,
        help="Monte Carlo paths per scenario (default: the scenario config's)",
    )
    p.add_argument(
        "--core-only",
        action="store_true",
        help="only the core findings, without the sections other modules add "
        "(crash panel, sovereign estimates, dynamics)",
    )
    p.add_argument(
        "--event",
        metavar="CONFIG",
        default=None,
        help="calibration event config for the market model "
        "(default: the config's own market_model, else configs/events/2025-11-21.yaml)",
    )
    p.add_argument(
        "--date",
        default=None,
        help="date printed in the reproducibility footer (default today, YYYY-MM-DD)",
    )
    p.set_defaults(func=run)


#: the folder default outputs go to (git-ignored; created, and said so, when missing)
DEFAULT_OUT_DIR = "out"


def ensure_out_dir() -> Path:
    """The outputs folder ``out/``, created (and said so on stderr) when missing; any other
    folder must exist already (outputs never create folders silently)."""
    out = Path(DEFAULT_OUT_DIR)
    if not out.exists():
        out.mkdir()
        print(f"reserves brief: created the folder {out}/ for the outputs", file=sys.stderr)
    return out


def default_output(config: str) -> str:
    """``out/<config stem>.pdf`` (the folder is created only when the briefing is written)."""
    return str(Path(DEFAULT_OUT_DIR) / f"{Path(config).stem}.pdf")


def parse_date(text: str | None) -> dt.date | None:
    """``YYYY-MM-DD`` -> a date (None stays None: today). One-line error otherwise."""
    from reserves.errors import ReservesError

    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise ReservesError(
            f"--date {text[:40]!r} is not a date", fix="write it as YYYY-MM-DD"
        ) from None


def run(args: argparse.Namespace) -> int:
    """Build, render and write the briefing; print the files written."""
    from reserves.briefing import build_briefing, format_from_path, write_briefing
    from reserves.briefing.render import require_format
    from reserves.errors import ReservesError

    if args.output is None:
        args.output = default_output(args.config)
    in_out_dir = Path(args.output).parent == Path(DEFAULT_OUT_DIR)
    fmt = format_from_path(args.output)  # fail fast on an unknown extension
    require_format(fmt)  # and on a missing optional package, before any computation
    for name in ("seed", "paths"):
        v = getattr(args, name)
        if v is not None and v < (1 if name == "paths" else 0):
            raise ReservesError(f"--{name} {v} is out of range", field=name, fix="use >= 1")
    from reserves.scenarios.schema import MAX_PATHS

    if args.paths is not None and args.paths > MAX_PATHS:
        raise ReservesError(f"--paths {args.paths:,} is over the {MAX_PATHS:,} allowed")
    from reserves.safe import check_output_path

    if not (in_out_dir and not Path(DEFAULT_OUT_DIR).exists()):
        check_output_path(args.output, "--output")  # a directory, a missing folder: before work
    briefing = build_briefing(
        Path(args.config),
        seed=args.seed,
        paths=args.paths,
        event_config=args.event,
        date=parse_date(args.date),
        extra_sections=() if args.core_only else None,
    )
    if in_out_dir:
        ensure_out_dir()
    for path in write_briefing(briefing, args.output):
        print(path, file=sys.stdout)
    return 0
