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
import dataclasses
import importlib
import json
from dataclasses import replace
from pathlib import Path
from typing import Any

from reserves.errors import ReservesError
from reserves.nash.methods import METHODS


def register(subparsers: Any) -> None:
    """Add the ``solve`` sub-command."""
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
    """The game in ``path`` (see :func:`reserves.game_files.load_game_file`): a
    ``SovereignGame`` from a config, a ``Game`` from an ``expression_game:`` YAML or a ``.nfg``."""
    if path.lower().endswith(".nfg"):  # the fast path: no sympy, no pydantic, no YAML
        from reserves.nash.nfg import read_nfg

        return read_nfg(Path(path))
    from reserves.game_files import load_game_file

    return load_game_file(path)


def check_budget(game: Any, method: str) -> Any:
    """Refuse, before any tensor is built, a game too large for ``method`` (see
    :func:`reserves.budget.estimate_solve`). A sovereign game solved by the aggregative
    solver (``auto`` beyond the tensor limit, or ``aggregative``) needs no tensor.

    Returns
    -------
    reserves.budget.Estimate or None
        the estimate that was checked (None for a game without a tensor shape).
    """
    from reserves import budget

    shape = tuple(int(n) for n in getattr(game, "shape", ()))
    if not shape:
        return None
    profiles = budget.count_profiles(shape)
    aggregative = callable(getattr(game, "aggregative_solve", None))
    if aggregative and (method == "aggregative" or (method == "auto" and profiles > 2**16)):
        return budget.require(
            budget.Estimate(
                f"the aggregative solver on {len(shape):,} sovereigns",
                40_000.0 * len(shape),  # measured: ~120 MB at 3,000 sovereigns
                1e-6 * len(shape) ** 2,  # measured: ~3 s at 3,000 sovereigns
                "use fewer sovereigns",
            )
        )
    return budget.require(budget.estimate_solve(shape, method))


def run(args: argparse.Namespace) -> int:
    import math

    from reserves.cli import game_hash

    if not (args.tol > 0 and math.isfinite(args.tol)):
        raise ReservesError(f"--tol must be a positive number, got {args.tol}", field="--tol")
    game = load_game(args.game)
    est = check_budget(game, args.method)
    config_hash = game_hash(game, args.game)
    if args.method == "correlated":
        try:
            corr = importlib.import_module("reserves.nash.correlated")
        except ModuleNotFoundError as exc:
            raise ReservesError(
                "correlated equilibria are not available", field="--method"
            ) from exc
        out = corr.cli_payload(game, args.objective, as_text=not args.json)
        if args.json and isinstance(out, dict):
            out = {"config_hash": config_hash, **out}
        print(json.dumps(out, indent=2) if args.json else out)
        return 0
    from reserves.budget import AUTO_ALL_MAX_PROFILES, logit_seconds, timed_progress
    from reserves.nash.solve import solve

    desc = f"solve ({args.method})"
    aggregative = callable(getattr(game, "aggregative_solve", None))
    if (
        est is not None
        and args.method == "auto"
        and not aggregative
        and game.num_profiles > AUTO_ALL_MAX_PROFILES
    ):
        # auto traces logit when no pure equilibrium exists: the bar shows that worst case
        est = dataclasses.replace(est, seconds=est.seconds + logit_seconds(game.shape))
        desc = "solve (auto; worst case: no pure equilibrium)"
    with timed_progress(est, desc, enabled=est is not None):
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
        payload = result.to_dict()
        payload["config_hash"] = config_hash
        print(json.dumps(payload, indent=2))
    else:
        print(result.table())
    return 0
