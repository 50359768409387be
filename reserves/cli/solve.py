"""``reserves solve GAME``: equilibria of a config (YAML) or a Gambit ``.nfg`` game.

    reserves solve configs/baseline.yaml --method auto
    reserves solve game.nfg --method all --json
    reserves solve game.nfg --method correlated --objective welfare --json

``--json`` prints ``{"players": [...], "actions": [[...], ...], "equilibria": [{"profile":
[[prob, ...], ...], "pure": bool, "regret": float, ...}, ...], ...}``; otherwise a text table.
Bad input (unreadable file, malformed ``.nfg``, unknown method) is one line on stderr and exit
code 2.
"""

from __future__ import annotations

import argparse
import importlib
import json
from dataclasses import replace
from typing import Any

from reserves.errors import ReservesError


def register(subparsers: Any) -> None:
    """Add the ``solve`` sub-command."""
    from reserves.nash.solve import METHODS

    p = subparsers.add_parser(
        "solve",
        help="equilibria of a config or an .nfg game",
        description="Compute equilibria of a YAML config (sovereign game) or a Gambit .nfg file.",
    )
    p.add_argument("game", metavar="GAME", help="a YAML config or a Gambit .nfg file")
    p.add_argument("--method", default="auto", choices=METHODS, help="solver (default auto)")
    p.add_argument("--json", action="store_true", help="print the JSON result")
    p.add_argument(
        "--tol",
        type=float,
        default=1e-8,
        help="largest regret, relative to the payoff spread, of a reported equilibrium",
    )
    p.add_argument(
        "--objective",
        default="welfare",
        choices=("welfare", "demand-min", "demand-max"),
        help="objective of --method correlated",
    )
    p.set_defaults(func=run)


def load_game(path: str) -> Any:
    """The game in ``path`` (see :func:`reserves.nash.expression_game.load_game_file`): a
    ``SovereignGame`` from a config, a ``Game`` from an ``expression_game:`` YAML or a ``.nfg``."""
    from reserves.nash.expression_game import load_game_file

    return load_game_file(path)


def run(args: argparse.Namespace) -> int:
    if not (args.tol > 0):
        raise ReservesError(f"--tol must be positive, got {args.tol}", field="--tol")
    game = load_game(args.game)
    if args.method == "correlated":
        try:
            corr = importlib.import_module("reserves.nash.correlated")
        except ModuleNotFoundError as exc:
            raise ReservesError(
                "correlated equilibria are not available", field="--method"
            ) from exc
        out = corr.cli_payload(game, args.objective, as_text=not args.json)
        print(json.dumps(out, indent=2) if args.json else out)
        return 0
    from reserves.nash.solve import solve

    result = solve(game, args.method)
    scale = float(getattr(game, "payoff_scale", 1.0))
    kept = tuple(e for e in result.equilibria if e.regret <= args.tol * scale)
    if len(kept) < len(result.equilibria):
        result = replace(
            result,
            equilibria=kept,
            notes=(
                *result.notes,
                f"{len(result.equilibria) - len(kept)} equilibria above --tol {args.tol} hidden",
            ),
        )
    if args.json:
        print(json.dumps(result.to_dict(), indent=2))
    else:
        print(result.table())
    return 0
