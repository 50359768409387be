"""``reserves simulate CONFIG``: the daily Monte Carlo of every C17 scenario and their mixture."""

from __future__ import annotations

import argparse
import json
from typing import Any


def register(subparsers: Any) -> None:
    """Add the ``simulate`` sub-command."""
    p = subparsers.add_parser(
        "simulate",
        help="daily Monte Carlo of the scenarios (C15-C17): fans, C16 probabilities",
        description="Simulate every scenario of the config's scenarios section and their mixture.",
    )
    p.add_argument("config", help="config YAML (e.g. configs/scenarios/c17.yaml)")
    p.add_argument("--paths", type=int, default=None, help="paths per scenario")
    p.add_argument("--seed", type=int, default=None, help="random seed")
    p.add_argument("--days", type=int, default=None, help="horizon in days")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--full", action="store_true", help="with --json: include fan quantiles")
    p.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from reserves.config import load_config
    from reserves.scenarios.mixture import simulate_all

    cfg = load_config(args.config)
    res = simulate_all(
        cfg,
        paths=args.paths,
        seed=args.seed,
        horizon_days=args.days,
        progress=not (args.no_progress or args.json),
    )
    if args.json:
        print(json.dumps(res.to_dict(full=args.full), indent=2, default=float))
        return 0
    meta = res.meta
    print(
        f"{meta['config_name']} ({meta['config_hash']}), seed {meta['seed']}, "
        f"{meta['paths']} paths x {meta['horizon_days']} days from {meta['start_date']}"
    )
    for r in [*res.runs, None]:
        name = "mixture" if r is None else r.name
        prob = 1.0 if r is None else r.probability
        checks = res.mixture_checks if r is None else r.checks
        answers = ", ".join(
            f"P(vol<{c['below_vol_pa']:.0%} on {c['date']})={c['probability']:.3f}" for c in checks
        )
        line = f"  {name:<24} p={prob:.2f}  {answers}"
        if r is not None:
            m = r.metrics
            line += (
                f"  median end price ${m['price_median_end_usd']:,.0f}, "
                "P(min below break)="
                f"{m['p_min_price_below_break']:.3f}"
            )
        print(line)
    return 0
