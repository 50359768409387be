"""``reserves simulate CONFIG``: the daily Monte Carlo of every C17 scenario and their mixture.

JSON keys: ``scenarios`` (each with ``name``, ``probability``, ``c16``, ``metrics`` and, with the
dynamic game, ``adoption`` and ``c15``), ``mixture``, ``meta``, ``c15`` (the paired estimate of
the effect of sovereign entry on volatility, mixed by the C17 priors, with ``band_pa`` and
``by_scenario``) and ``adoption`` (the most probable scenario's median committed USD and BTC by
sovereign at each decision date).
"""

from __future__ import annotations

import argparse
import json
import math
from typing import Any

CONCEPTS = ("myopic", "mpe")


def register(subparsers: Any) -> None:
    """Add the ``simulate`` sub-command."""
    p = subparsers.add_parser(
        "simulate",
        help="daily Monte Carlo of the scenarios (C15-C17): fans, C16 probabilities, C15 effect",
        description="Simulate every scenario of the config's scenarios section and their mixture.",
    )
    p.add_argument("config", help="config YAML (e.g. configs/scenarios/c17.yaml)")
    p.add_argument("--paths", type=int, default=None, help="paths per scenario")
    p.add_argument("--seed", type=int, default=None, help="random seed")
    p.add_argument("--days", type=int, default=None, help="horizon in days")
    p.add_argument(
        "--concept", default=None, help="dynamic game's equilibrium concept: myopic or mpe"
    )
    p.add_argument(
        "--period-days",
        type=str,
        default=None,
        metavar="DAYS",
        help="days between the sovereigns' decision dates (30.4 monthly, 91.25 quarterly)",
    )
    p.add_argument(
        "--no-c15", action="store_true", help="skip the paired no-sovereign runs (C15 effect)"
    )
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--full", action="store_true", help="with --json: include fan quantiles")
    p.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    p.set_defaults(func=run)


def _adoption_updates(args: argparse.Namespace) -> dict[str, Any]:
    """Config updates from ``--concept`` and ``--period-days`` (validated: one-line errors)."""
    from reserves.errors import ConfigError

    upd: dict[str, Any] = {}
    if args.concept is not None:
        c = str(args.concept).strip().lower()
        if c not in CONCEPTS:
            raise ConfigError(
                f"unknown concept {args.concept!r}", field="--concept", fix="use myopic or mpe"
            )
        upd["concept"] = c
    if args.period_days is not None:
        try:
            pdays = float(args.period_days)
        except ValueError:
            pdays = float("nan")
        if not math.isfinite(pdays) or pdays <= 0:
            raise ConfigError(
                f"period length must be a positive number of days, got {args.period_days}",
                field="--period-days",
                fix="e.g. --period-days 30.4 (monthly) or 91.25 (quarterly)",
            )
        upd["period_days"] = pdays
    if upd:
        upd["kind"] = "dynamic"
    return upd


def check_request(cfg: Any, args: argparse.Namespace) -> None:
    """Refuse bad or oversized overrides before any array is allocated: ``--seed`` >= 0,
    ``--paths`` and ``--days`` within the schema's bounds, C16 check dates inside the horizon,
    and the whole run within the work budget (:func:`reserves.budget.estimate_simulation`;
    twice the paths when the paired C15 run is on)."""
    from reserves import budget
    from reserves.errors import ReservesError
    from reserves.scenarios.schema import MAX_PATHS

    if args.seed is not None and not 0 <= args.seed < 2**63:
        raise ReservesError(f"--seed {args.seed} must be an integer >= 0")
    if args.paths is not None and not 1 <= args.paths <= MAX_PATHS:
        raise ReservesError(
            f"--paths {args.paths:,} is outside 1..{MAX_PATHS:,}",
            fix="2,000 paths give C16 probabilities to about +/-1%",
        )
    if args.days is not None and not 2 <= args.days <= 20_000:
        raise ReservesError(f"--days {args.days:,} is outside 2..20,000")
    sec = getattr(cfg, "scenarios", None)
    if sec is None:
        return  # simulate_all names the missing section
    days = int(args.days if args.days is not None else sec.horizon_days)
    for check, day in zip(sec.checks, sec.check_days(), strict=True):
        if not 1 <= day <= days:
            raise ReservesError(
                f"the check on {check.date} is day {day}, outside the {days}-day horizon",
                field="--days",
                fix=f"simulate at least --days {day}, or move the check date",
            )
    paths = int(args.paths if args.paths is not None else sec.paths)
    paired = 1 if getattr(args, "no_c15", True) else 2
    budget.require(budget.estimate_simulation(paths * paired, days, len(sec.cases)))


def run(args: argparse.Namespace) -> int:
    from reserves.config import load_config
    from reserves.scenarios.mixture import simulate_all
    from reserves.units import usd_price, usd_short

    cfg = load_config(args.config)
    upd = _adoption_updates(args)
    if upd:
        cfg = cfg.with_updates({"scenarios": {"base": {"adoption": upd}}})
    check_request(cfg, args)
    res = simulate_all(
        cfg,
        paths=args.paths,
        seed=args.seed,
        horizon_days=args.days,
        progress=not (args.no_progress or args.json),
        c15=not args.no_c15,
    )
    if args.json:
        payload = res.to_dict(full=args.full)
        payload.setdefault("config_hash", res.meta["config_hash"])
        print(json.dumps(payload, indent=2, default=float))
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
            f"P(vol<{c['below_vol_pa']:.0%} on {c['date']})={c['probability']:.1%}" for c in checks
        )
        line = f"  {name:<24} prior {prob:.0%}  {answers}"
        if r is not None:
            m = r.metrics
            line += (
                f"  median end price {usd_price(m['price_median_end_usd'])}, "
                f"P(min below break)={m['p_min_price_below_break']:.1%}"
            )
        print(line)
    if res.c15_mixture is not None:
        print("C15 (paired with/without sovereign entry, C17 priors):")
        for e in [*res.c15, res.c15_mixture]:
            print(f"  {e.headline()}")
    ad = res.modal_adoption()
    if ad is not None:
        tot = ad.total_committed_usd()
        print(
            f"adoption ({ad.scenario}, {ad.concept}): median committed "
            f"{usd_short(tot[min(12, tot.size - 1)])} by {ad.dates()[min(12, tot.size - 1)]}, "
            f"{usd_short(tot[-1])} by {ad.dates()[-1]}; first-date flow "
            f"{usd_short(float(ad.first_flow_usd.sum()))} over the programme"
        )
    return 0
