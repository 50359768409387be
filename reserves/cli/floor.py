"""``reserves floor CONFIG``: the cascade's trough, liquidations and floor curves.

The headline cascade uses ``market_model.shock.shock_usd`` (or ``--shock-usd``). Sovereign
bids come from :func:`reserves.demand.demand_schedule` when that layer is available
(imported lazily); otherwise the run continues without them and says so on stderr.
``--json`` prints ``trough_usd``, ``liquidations_usd``, ``long_share``, ``fragility_ratio``,
``rounds`` and the floor ``curves``.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
from typing import Any

from reserves.errors import ReservesError
from reserves.units import usd_short as _usd

_SUFFIX = {"": 1.0, "k": 1e3, "m": 1e6, "b": 1e9, "bn": 1e9, "t": 1e12}


def parse_usd(text: str, option: str = "--shock-usd") -> float:
    """Parse a USD amount: ``2e8``, ``200000000``, ``200M``, ``$1.9B``, ``1,500,000``."""
    raw = str(text).strip().replace(",", "").replace("_", "").lstrip("$")
    m = re.fullmatch(r"([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*([kKmMbBtT]|bn|BN)?", raw)
    if not m:
        raise ReservesError(
            f"{text!r} is not a number of USD",
            field=option,
            fix="write e.g. 2e8, 200000000 or 200M",
        )
    value = float(m.group(1)) * _SUFFIX[(m.group(2) or "").lower()]
    if not math.isfinite(value) or value < 0:
        raise ReservesError(f"{text!r} must be a finite amount >= 0", field=option)
    from reserves.config import MAX_AMOUNT_USD

    if value > MAX_AMOUNT_USD:
        raise ReservesError(
            f"{text!r} is more than ${MAX_AMOUNT_USD:,.0f} (about 80 times the world's reserves)",
            field=option,
        )
    return value


def format_table(rep: dict[str, Any]) -> str:
    """Human-readable summary of :func:`floor_report`."""
    lines = [
        f"config {rep['config']} ({rep['config_hash']}), impact: {rep['impact_kind']}",
        f"{'start price':<34}{_usd(rep['start_price_usd'])}",
        f"{'shock (real net outflow)':<34}{_usd(rep['shock_usd'])}",
        f"{'trough':<34}{_usd(rep['trough_usd'])}  ({-rep['drop']:.1%})",
        f"{'liquidations':<34}{_usd(rep['liquidations_usd'])}",
        f"{'long share':<34}{rep['long_share']:.1%}"
        if rep["long_share"] is not None
        else f"{'long share':<34}n/a",
        f"{'fragility ratio (C4)':<34}{rep['fragility_ratio']:.2f}"
        if rep["fragility_ratio"] is not None
        else f"{'fragility ratio (C4)':<34}n/a",
        f"{'rounds':<34}{len(rep['rounds'])}"
        + ("" if rep["converged"] else " (slow: final round set at the fixed point)"),
        f"{'sovereign bids (deepest fill)':<34}{_usd(rep['sovereign_bids_usd'])}"
        + ("" if rep["with_sovereigns"] else " (not in the headline trough)"),
    ]
    b = rep["breaking_shock_usd"]
    lines.append(
        f"{'shock breaking ' + _usd(b['level_usd']):<34}"
        f"{_usd(b['without_sovereigns'])} without sovereigns, "
        f"{_usd(b['with_sovereigns'])} with"
    )
    c = rep["least_commitment"]
    lines.append(
        f"{'least commitment holding ' + _usd(c['level_usd']):<34}"
        f"{_usd(c['commitment_usd'])} against the {_usd(rep['shock_usd'])} shock "
        f"({c['shape']}, {c['status']})"
    )
    cs = rep.get("least_commitment_stress")
    if cs:
        lines.append(
            f"{'  ... against a stress shock':<34}{_usd(cs['commitment_usd'])} against "
            f"{_usd(rep['stress_shock_usd'])} (2x the breaking shock; {cs['status']})"
        )
    fr = rep["curves"]["fragility_vs_leverage"]
    lines.append(
        "fragility ratio vs leverage scale: "
        + ", ".join(
            f"x{k:g}: {v:.1f}"
            for k, v in zip(fr["leverage_scale"], fr["fragility_ratio"], strict=True)
        )
    )
    lines.append("")
    lines.append(f"{'round':>5} {'price':>12} {'net sell':>12} {'long liq':>12} {'bids':>12}")
    rounds = rep["rounds"]
    shown = rounds if len(rounds) <= 12 else [*rounds[:8], None, *rounds[-3:]]
    for r in shown:
        if r is None:
            lines.append(f"{'...':>5}")
            continue
        lines.append(
            f"{r['round']:>5} {_usd(r['price_usd']):>12} {_usd(r['net_sell_usd']):>12} "
            f"{_usd(r['long_liquidated_usd']):>12} {_usd(r['bids_filled_usd']):>12}"
        )
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    from reserves.config import load_config
    from reserves.market.report import floor_report

    shock = parse_usd(args.shock_usd) if args.shock_usd is not None else None
    hold = parse_usd(args.hold_usd, "--hold-usd") if args.hold_usd is not None else None
    cfg = load_config(args.config)
    notes: list[str] = []
    stress = (
        parse_usd(args.stress_shock_usd, "--stress-shock-usd")
        if args.stress_shock_usd is not None
        else None
    )
    rep = floor_report(
        cfg,
        shock,
        hold_level_usd=hold,
        stress_shock_usd=stress,
        with_demand=not args.no_demand,
        notes=notes,
    )
    for n in notes:
        print(n, file=sys.stderr)
    if args.json:
        print(json.dumps(rep, indent=None if args.compact else 2))
    else:
        print(format_table(rep))
    return 0


def register(subparsers: Any) -> None:
    """Add ``reserves floor``."""
    p = subparsers.add_parser(
        "floor",
        help="liquidation cascade: trough, liquidations, fragility ratio, floor curves",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("config", help="YAML config with a market_model section")
    p.add_argument(
        "--shock-usd",
        default=None,
        help="real net outflow F in USD (e.g. 2e8 or 200M); default: the config's",
    )
    p.add_argument(
        "--hold-usd",
        default=None,
        help="level for the least-commitment program (default: shock.break_level_usd)",
    )
    p.add_argument(
        "--stress-shock-usd",
        default=None,
        help="shock for the second least-commitment answer "
        "(default: twice the shock that breaks the level without sovereigns)",
    )
    p.add_argument(
        "--no-demand",
        action="store_true",
        help="do not compute sovereign bids from the demand layer",
    )
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--compact", action="store_true", help="one-line JSON")
    p.set_defaults(func=run)
