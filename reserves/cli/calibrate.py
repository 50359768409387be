"""``reserves calibrate CONFIG``: fit the market model to a reading of the 21 Nov 2025 crash.

Least squares over the free parameters of ``market_model.calibration`` (inside their
plausible bounds), one reading at a time (``--reading article`` / ``sourced``; default: all).
Prints the fitted parameters, the targets, the fitted values and the scaled residuals
(|r| <= 1 meets the claim's tolerance).
"""

from __future__ import annotations

import argparse
import json
from typing import Any


def calibration_report(
    cfg: Any, readings: list[str] | None = None, impact_kind: str | None = None, starts: int = 4
) -> list[dict[str, Any]]:
    """One :meth:`CalibrationResult.to_dict` per reading."""
    from reserves.market import calibrate, market_section

    section = market_section(cfg)
    names = readings or [
        r.name for r in (section.calibration.readings if section.calibration else [])
    ]
    if not names:
        names = [None]  # calibrate raises the clear error
    return [calibrate(cfg, n, impact_kind=impact_kind, starts=starts).to_dict() for n in names]


def format_table(results: list[dict[str, Any]]) -> str:
    lines = []
    for r in results:
        lines.append(
            f"reading {r['reading']} (impact: {r['impact_kind']}, shock "
            f"${r['shock_usd'] / 1e6:,.0f}M): {r['message']}"
        )
        for k, v in r["params"].items():
            lo, hi = r["bounds"][k]
            flag = "  <- at bound" if k in r["at_bound"] else ""
            lines.append(f"  {k:<22}{v:>14.5g}   plausible [{lo:.3g}, {hi:.3g}]{flag}")
        lines.append(f"  {'target':<22}{'wanted':>14}{'fitted':>14}{'residual':>10}")
        for key, res_key in (
            ("trough_usd", "trough"),
            ("liquidations_usd", "liquidations"),
            ("long_share", "long_share"),
            ("fragility_ratio", None),
        ):
            resid = f"{r['residuals'][res_key]:>10.3f}" if res_key else f"{'':>10}"
            lines.append(f"  {key:<22}{r['targets'][key]:>14.5g}{r['fitted'][key]:>14.5g}{resid}")
        lines.append("")
    return "\n".join(lines).rstrip()


def run(args: argparse.Namespace) -> int:
    from reserves.config import load_config

    cfg = load_config(args.config)
    results = calibration_report(cfg, args.reading, args.impact, args.starts)
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        print(format_table(results))
    return 0 if all(r["ok"] for r in results) or not args.strict else 1


def register(subparsers: Any) -> None:
    """Add ``reserves calibrate``."""
    p = subparsers.add_parser(
        "calibrate",
        help="fit the market model to the 21 Nov 2025 crash (least squares, plausible bounds)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("config", help="YAML config with market_model.calibration readings")
    p.add_argument(
        "--reading",
        action="append",
        default=None,
        help="reading to fit (repeatable; default: every reading)",
    )
    p.add_argument(
        "--impact",
        choices=["sqrt", "linear"],
        default=None,
        help="impact law to fit (default: the config's)",
    )
    p.add_argument("--starts", type=int, default=4, help="number of optimizer starts")
    p.add_argument(
        "--strict",
        action="store_true",
        help="exit 1 unless every fit is within tolerance and inside the bounds",
    )
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=run)
