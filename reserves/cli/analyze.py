"""``reserves analyze GAME``: closed-form dominance thresholds (claim C14) and the game's type.

GAME is a YAML config (the sovereign game) or a Gambit ``.nfg`` file. Examples::

    reserves analyze configs/baseline.yaml
    reserves analyze configs/baseline.yaml --param kappa --json
    reserves analyze game.nfg --json          # 2x2: "game_type" and "dominant_action"
    reserves analyze configs/baseline.yaml --latex > analysis.tex
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any


def register(subparsers: Any) -> None:
    """Add the ``analyze`` sub-command."""
    p = subparsers.add_parser(
        "analyze",
        help="symbolic analysis: when accumulating dominates (C14), 2x2 type, mixed equilibria",
        description=(
            "For a config: each sovereign's closed-form threshold on PARAM above which "
            "accumulating strictly dominates, the binding profile, comparative statics and, for "
            "two sovereigns, the 2x2 game type and its closed-form mixed equilibrium. For a .nfg "
            "game: the dominant actions, the 2x2 type, and the symmetric equilibria."
        ),
    )
    p.add_argument("game", metavar="GAME", help="config YAML or Gambit .nfg file")
    p.add_argument(
        "--param",
        default="theta",
        help="parameter to solve the threshold for: theta (default), kappa, V, r, gamma "
        "(or their config names, e.g. strategic_weight)",
    )
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--latex", action="store_true", help="print a LaTeX fragment")
    p.set_defaults(func=run)


def load_game(path: str) -> Any:
    """The game in ``path`` (see :func:`reserves.game_files.load_game_file`): a
    ``SovereignGame`` from a config, a ``Game`` from an ``expression_game:`` YAML or a ``.nfg``."""
    if path.lower().endswith(".nfg"):  # the fast path: no sympy, no pydantic, no YAML
        from reserves.nash.nfg import read_nfg

        return read_nfg(Path(path))
    from reserves.game_files import load_game_file

    return load_game_file(path)


def run(args: argparse.Namespace) -> int:
    """Analyze and print; library errors propagate as ReservesError (exit code 2)."""
    from reserves.cli import game_hash
    from reserves.sovereign.symbolic import analyze

    game = load_game(args.game)
    result = analyze(game, param=args.param)
    if args.json:
        payload = result.to_dict()
        payload.setdefault("config_hash", game_hash(game, args.game))
        json.dump(payload, sys.stdout, indent=2)
        sys.stdout.write("\n")
    elif args.latex:
        print(result.to_latex())
    else:
        print(result.table())
    return 0
