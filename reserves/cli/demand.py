"""``reserves demand CONFIG``: the sovereign demand schedule D(P) and its band.

Examples::

    reserves demand configs/baseline.yaml
    reserves demand configs/baseline.yaml --rule risk-dominant --points 30 --json
    reserves demand configs/baseline.yaml --min-price-usd 20000 --max-price-usd 150000
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

#: :data:`reserves.demand.SELECTION_RULES`, repeated so that building the parser imports no
#: numerical library (a test keeps the two equal)
SELECTION_RULES: tuple[str, ...] = ("dynamics", "payoff-dominant", "risk-dominant", "all")
#: most prices in one schedule (each is a game solve); more is refused before any work
MAX_POINTS = 10_000


def register(subparsers: Any) -> None:
    """Add the ``demand`` sub-command."""
    p = subparsers.add_parser(
        "demand",
        help="sovereign demand schedule D(P): equilibrium demand on a price grid, with its band",
        description=(
            "Re-solve the sovereign game at every entry price of a grid, select an equilibrium "
            "and report its expected sovereign net flow (USD, and BTC at the entry price), "
            "with the band over all pure (and, where affordable, correlated) equilibria."
        ),
    )
    p.add_argument("config", metavar="CONFIG", help="config YAML (e.g. configs/baseline.yaml)")
    p.add_argument(
        "--rule",
        choices=SELECTION_RULES,
        default="dynamics",
        help="equilibrium selection rule (default: dynamics from the status quo)",
    )
    p.add_argument("--points", type=int, default=50, help="number of prices (default 50)")
    p.add_argument("--min-price-usd", type=float, default=None, help="default 20%% of P0")
    p.add_argument("--max-price-usd", type=float, default=None, help="default 150%% of P0")
    p.add_argument(
        "--no-correlated",
        action="store_true",
        help="band over pure equilibria only (skip the correlated-equilibrium LPs)",
    )
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--progress", action="store_true", help="show a progress bar on stderr")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Compute and print the schedule; errors propagate as ReservesError (exit code 2)."""
    from reserves import budget
    from reserves.errors import ReservesError

    if not 2 <= args.points <= MAX_POINTS:
        raise ReservesError(
            f"--points {args.points:,} is outside 2..{MAX_POINTS:,}",
            fix="a schedule of 30-200 prices is usually enough",
        )
    from reserves.config import MAX_PRICE_USD, load_config
    from reserves.demand import demand_band, demand_schedule, price_grid

    for option, value in (
        ("--min-price-usd", args.min_price_usd),
        ("--max-price-usd", args.max_price_usd),
    ):
        if value is not None and not 1.0 <= value <= MAX_PRICE_USD:
            raise ReservesError(
                f"{option} {value:g} is outside $1 to ${MAX_PRICE_USD:,.0f} per BTC",
            )

    cfg = load_config(args.config)
    est = budget.require(
        budget.estimate_points(
            args.points,
            0.05 * max(len(cfg.players), 1) / 12,
            "a demand schedule",
            reduce="use fewer --points",
        )
    )
    prices = price_grid(
        cfg, args.points, min_price_usd=args.min_price_usd, max_price_usd=args.max_price_usd
    )
    schedule = demand_schedule(
        cfg,
        prices,
        rule=args.rule,
        correlated=False if args.no_correlated else None,
        progress=args.progress or (est.needs_progress and not args.json),
    )
    at_p0 = demand_band(cfg, rule=args.rule)
    if args.json:
        payload = schedule.to_dict()
        payload["at_entry_price"] = at_p0
        payload.setdefault("config_hash", cfg.content_hash())
        json.dump(payload, sys.stdout, indent=2)
        sys.stdout.write("\n")
        return 0
    from reserves.units import btc, usd_price, usd_short

    print(schedule.table())
    print(
        f"at the entry price {usd_price(at_p0['price_usd'])}: demand "
        f"{usd_short(at_p0['demand_usd'])} ({btc(at_p0['demand_btc'])}), band "
        f"{usd_short(at_p0['low_usd'])} to {usd_short(at_p0['high_usd'])} "
        f"({btc(at_p0['low_btc'])} to {btc(at_p0['high_btc'])}); accumulating: "
        f"{', '.join(at_p0['accumulators']) or 'none'} [{at_p0['selected_by']}]"
    )
    return 0
