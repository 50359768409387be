"""``reserves backtest EVENT.yaml... [--params FILE] [--json]``: predict held-out crashes.

The structural parameters are loaded (default: the committed panel fit
``configs/market/panel_params.yaml``), never refitted. For each event: (i) the shock that
reproduces its trough, and the liquidations and long share the model predicts there; (ii) the
shock that reproduces its liquidations, and the trough it predicts. ``--json`` prints
``events``, one per file, with ``name``, ``loo_liquidations_ratio`` (predicted / observed),
``loo_long_share_error``, ``loo_trough_error`` (relative), ``implied_shock_usd`` and the range of
shocks (and fragility ratios) consistent with the event over the market priors. An event file
needs only the required fields (``date``, ``price_before_usd``, ``trough_usd``,
``liquidations_usd``, ``long_share``, ``open_interest_usd``).
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from reserves.units import pct, ratio, usd_price, usd_short


def format_table(rep: dict[str, Any]) -> str:
    lines = [f"parameters: {rep['params_source']}"]
    lines.append(
        f"{'event':<20}{'liquidations':>14}{'predicted':>12}{'ratio':>8}{'long share':>18}"
        f"{'trough':>10}{'(ii) trough':>14}{'error':>8}{'implied shock':>15}"
    )
    for r in rep["events"]:
        lines.append(
            f"{r['name']:<20}{usd_short(r['liquidations_usd']):>14}"
            f"{usd_short(r['predicted_liquidations_usd']):>12}"
            f"{ratio(r['loo_liquidations_ratio'], 2):>8}"
            f"{pct(r['predicted_long_share']):>9} vs {pct(r['long_share']):>4}"
            f"{usd_price(r['trough_usd']):>10}{usd_price(r['predicted_trough_usd']):>14}"
            f"{r['loo_trough_error']:>+8.1%}{usd_short(r['implied_shock_usd']):>15}"
        )
        lo, hi = r["shock_range_usd"]
        flo, fhi = r["fragility_range"]
        lines.append(
            f"{'':<20}shocks consistent with the trough: {usd_short(lo)} to {usd_short(hi)}; "
            f"fragility ratio {ratio(flo)} to {ratio(fhi)}"
            + ("" if r["liquidations_reached"] else "; (ii) liquidations never reached")
        )
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    from reserves.market.events import load_event
    from reserves.market.panel import DEFAULT_PARAMS_PATH, backtest, load_params
    from reserves.units import jsonable

    events = [load_event(p) for p in args.events]
    path = args.params or DEFAULT_PARAMS_PATH
    params = load_params(path)
    res = backtest(events, params, params_source=str(path))
    rep = res.to_dict()
    if args.json:
        from reserves.cli import files_hash

        rep.setdefault("config_hash", files_hash([*args.events, path]))
        print(json.dumps(jsonable(rep), indent=2))
    else:
        print(format_table(rep))
    return 0


def register(subparsers: Any) -> None:
    """Add ``reserves backtest``."""
    p = subparsers.add_parser(
        "backtest",
        help="predict held-out crashes with the panel's structural parameters",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("events", nargs="+", help="crash event YAML files")
    p.add_argument(
        "--params",
        default=None,
        help="structural parameters (default: configs/market/panel_params.yaml)",
    )
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=run)
