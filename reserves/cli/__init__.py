"""The ``reserves`` command line: a thin shell over the public library.

Each sub-command lives in its own module ``reserves.cli.<name>`` exposing
``register(subparsers) -> None``; the module adds its parser and sets ``func`` to a callable
taking the parsed namespace and returning an exit code. ``register`` imports nothing heavy:
library modules are imported inside the run function, so ``reserves --help`` and a small
``reserves solve`` start fast.

Errors: bad input (:class:`reserves.errors.ReservesError`, a missing file, an unreadable
path, a request over the work budget, memory exhausted) is one line on stderr and exit code 2;
a closed pipe (``reserves analyze ... --json | head``) ends quietly; an unexpected internal
error is one line and exit code 3 (``RESERVES_DEBUG=1`` shows the traceback).

Global options (before the command): ``--max-memory MB`` and ``--max-seconds S`` set the work
budget of :mod:`reserves.budget`.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

from reserves.errors import ReservesError
from reserves.safe import file_hash, files_hash  # noqa: F401  (re-exported for the commands)

#: sub-command modules, in the order ``reserves --help`` lists them
COMMANDS: tuple[str, ...] = (
    "solve",
    "analyze",
    "demand",
    "floor",
    "calibrate",
    "estimate",
    "backtest",
    "simulate",
    "sweep",
    "assess",
    "brief",
    "app",
)

#: environment variable that makes an internal error print its traceback
DEBUG_ENV = "RESERVES_DEBUG"


class _Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one line (no usage block), exit code 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    """Build the top-level parser with every available sub-command."""
    from reserves import __version__

    parser = _Parser(
        prog="reserves",
        description="Sovereign bitcoin-reserve games, equilibrium demand and the price floor.",
    )
    parser.add_argument("--version", action="version", version=f"reserves {__version__}")
    parser.add_argument(
        "--max-memory",
        type=float,
        default=None,
        metavar="MB",
        help="work budget: largest memory one request may need (default 2000 MB; "
        "env RESERVES_MAX_MEMORY_MB)",
    )
    parser.add_argument(
        "--max-seconds",
        type=float,
        default=None,
        metavar="S",
        help="work budget: longest estimated run time of one request (default 3600 s; "
        "env RESERVES_MAX_SECONDS)",
    )
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


def game_hash(game: Any, path: str | Path) -> str:
    """``config_hash`` of a loaded game: the config's content hash for a sovereign game (the
    same digits as every other command prints for that config), else the file's hash."""
    cfg = getattr(game, "config", None)
    content_hash = getattr(cfg, "content_hash", None)
    if callable(content_hash):
        try:
            return str(content_hash())
        except TypeError:
            pass
    return file_hash(path)


def _quiet_broken_pipe() -> int:
    """After the reader of stdout went away: point stdout at /dev/null so the interpreter's
    final flush does not raise again, and exit like a process killed by SIGPIPE."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # stdout replaced by a non-file object
        pass
    return 141


def _one_line(text: str) -> str:
    return " ".join(str(text).split())[:2000]


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``reserves`` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    command = getattr(args, "command", None) or ""
    prefix = f"reserves {command}".rstrip()
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    if not os.environ.get(DEBUG_ENV):
        # numerical warnings are not for users: every result is checked explicitly
        # (finite payoffs, verified regret) and bad input is refused in one line
        import warnings

        warnings.simplefilter("ignore", RuntimeWarning)
    budget_env = ("RESERVES_MAX_MEMORY_MB", "RESERVES_MAX_SECONDS")
    saved_env = {k: os.environ.get(k) for k in budget_env}
    try:
        if args.max_memory is not None or args.max_seconds is not None:
            from reserves.budget import set_limits

            set_limits(args.max_memory, args.max_seconds)
        rc = int(args.func(args) or 0)
        sys.stdout.flush()
        return rc
    except BrokenPipeError:
        return _quiet_broken_pipe()
    except ReservesError as exc:
        print(f"{prefix}: error: {_one_line(exc)}", file=sys.stderr)
        return 2
    except FileNotFoundError as exc:
        print(f"{prefix}: error: file not found: {exc.filename}", file=sys.stderr)
        return 2
    except MemoryError:
        print(
            f"{prefix}: error: out of memory; the request is too large for this machine "
            "(fix: make it smaller, or lower --max-memory so it is refused up front)",
            file=sys.stderr,
        )
        return 2
    except RecursionError:
        print(f"{prefix}: error: input nested too deeply to process", file=sys.stderr)
        return 2
    except OSError as exc:
        where = f" {exc.filename}" if getattr(exc, "filename", None) else ""
        print(f"{prefix}: error:{where} {exc.strerror or exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as exc:
        if os.environ.get(DEBUG_ENV):
            raise
        print(
            f"{prefix}: internal error: {type(exc).__name__}: {_one_line(exc)[:300]} "
            f"(please report it; {DEBUG_ENV}=1 shows the traceback)",
            file=sys.stderr,
        )
        return 3
    finally:  # --max-memory/--max-seconds hold for this command only (main may be reused)
        for k, v in saved_env.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
