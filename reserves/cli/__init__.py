"""The ``reserves`` command line: a thin shell over the public library.

Each sub-command lives in its own module ``reserves.cli.<name>`` exposing
``register(subparsers) -> None``; the module adds its parser and sets ``func`` to a callable
taking the parsed namespace and returning an exit code. Errors from the library
(:class:`reserves.errors.ReservesError`) are printed as one line and exit with code 2.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from reserves.errors import ReservesError

#: sub-command modules, in the order ``reserves --help`` lists them
COMMANDS: tuple[str, ...] = (
    "assess",
    "solve",
    "analyze",
    "demand",
    "floor",
    "calibrate",
    "simulate",
    "sweep",
    "brief",
    "app",
)


def build_parser() -> argparse.ArgumentParser:
    """Build the top-level parser with every available sub-command."""
    from reserves import __version__

    parser = argparse.ArgumentParser(
        prog="reserves",
        description="Sovereign bitcoin-reserve games, equilibrium demand and the price floor.",
    )
    parser.add_argument("--version", action="version", version=f"reserves {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        try:
            module = importlib.import_module(f"reserves.cli.{name}")
        except ModuleNotFoundError as exc:  # a command not built yet
            if exc.name == f"reserves.cli.{name}":
                continue
            raise
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``reserves`` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except ReservesError as exc:
        print(f"reserves {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except FileNotFoundError as exc:
        print(f"reserves {args.command}: error: file not found: {exc.filename}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
